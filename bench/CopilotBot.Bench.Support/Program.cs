using CopilotBot.Memory.Bench.Support;

// Support retrieval benchmarks on the labelled shared TwACS conversations (CC BY-NC-SA 4.0, non-commercial benchmarking).
//   model   the sentence model alone, TF-IDF and BM25, the fusion weight sweep, the similarity threshold, query latency, ingest rate
//   topics  topic discovery: clusters against the labelled intents, and the names' stability across re-indexing
//   e2e     end to end through `copilot ask --stdin --json` on a workspace holding the 407 labelled conversations
string mode = args.Length > 0 ? args[0] : "model";
int dataIndex = Array.IndexOf(args, "--data");
string? data = dataIndex >= 0 && dataIndex + 1 < args.Length ? args[dataIndex + 1] : SharedDataOrNull();
if (data is null || !File.Exists(data))
{
    Console.WriteLine("The shared TwACS file (../shared/data/twacs-conversations.jsonl, or --data FILE) is not here; nothing to measure.");
    return 0;
}

return mode switch
{
    "model" => await ModelBench.RunAsync(data),
    "topics" => await TopicsBench.RunAsync(data),
    "e2e" => await EndToEndBench.RunAsync(data, args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: CopilotBot.Bench.Support model | topics | e2e [--data twacs-conversations.jsonl] [--host CopilotBot.Host.dll]");
    return 2;
}

static string? SharedDataOrNull()
{
    try
    {
        return SharedData.Path("twacs-conversations.jsonl");
    }
    catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException)
    {
        return null;
    }
}
