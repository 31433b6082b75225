using System.Text.Json;
using CopilotBot.Routing;
using CopilotBot.Routing.Accounts;

namespace CopilotBot.Bench.Router;

/// <summary>Routes each stdin line as one conversation turn and prints the result (for debugging).</summary>
internal static class TryCommand
{
    public static int Run()
    {
        IntentRouter router = IntentRouter.CreateDefault();
        var directory = new InMemoryAccountDirectory(DemoAccounts.Generate());
        ConversationMemory? memory = null;
        while (Console.ReadLine() is { } line)
        {
            if (line == "---")
            {
                memory = null;
                continue;
            }

            if (line.StartsWith("shown:", StringComparison.Ordinal) && memory is not null)
            {
                memory = memory.WithShownAccounts([.. line[6..].Split(',').Select(id => directory.FindById(id.Trim())!)]);
                continue;
            }

            RouteResult result = router.Route(line, new RoutingContext(new DateOnly(2026, 2, 5), directory, memory));
            memory = result.Memory;
            string alternatives = string.Join(", ", result.Alternatives.Select(a => $"{a.Intent}:{a.Score:F2}"));
            Console.WriteLine($"{line}\n  => {result.Kind} {result.Intent} {result.Confidence:F2} {JsonSerializer.Serialize(result.Slots)} [{alternatives}] {result.Reason}");
        }

        return 0;
    }
}
