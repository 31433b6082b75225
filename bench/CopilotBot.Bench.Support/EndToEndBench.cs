namespace CopilotBot.Memory.Bench.Support;

internal static class EndToEndBench
{
    public static Task<int> RunAsync(string data, string[] args)
    {
        Console.WriteLine("e2e: not written yet");
        return Task.FromResult(0);
    }
}
