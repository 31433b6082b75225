using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Memory.Bench.Evaluation;

namespace CopilotBot.Memory.Bench.Support;

/// <summary>
/// End to end through the command line: a workspace without the demo portfolio (Workspace:Demo = false) holding an
/// admin and the 407 labelled TwACS conversations imported without their labels, and one question per labelled conversation made from its first
/// customer turn wrapped as a CSM would paste it, all sent through one <c>copilot ask --stdin --json</c>. Scores the
/// share routed to support.ask and the same-intent precision@5 of the evidence, next to the sentence model alone and
/// TF-IDF over the 407 computed in the same run. The bot shows 5 pieces of evidence and the query's own conversation is
/// usually one of them, so every ranking is scored the same way: its top 5 with the own conversation removed, over 5.
/// </summary>
internal static class EndToEndBench
{
    private static readonly string[] Wrappers =
    [
        "What do support conversations say about this: {0}",
        "find support tickets like this one: {0}",
        "any support conversations similar to \"{0}\"?",
        "A customer just wrote: \"{0}\" Have we seen this before?",
        "search support for: {0}",
        "have other customers said something like \"{0}\"?",
    ];

    public static async Task<int> RunAsync(string data, string[] args)
    {
        string? host = Arg(args, "--host") ?? FindHost();
        if (host is null)
        {
            Console.WriteLine("The copilot executable was not found; build bot/CopilotBot.Host or pass --host PATH.");
            return 2;
        }

        string now = Arg(args, "--now") ?? "2026-12-05";
        string workspace = Arg(args, "--workspace") ?? Path.Combine(Path.GetTempPath(), "copilot-support-e2e-" + Guid.NewGuid().ToString("N"));
        List<SupportConversation> labelled = [.. Twacs.Load(data).Where(c => c.Topic is not null)];
        Console.WriteLine($"Host: {host}; workspace: {workspace}; {labelled.Count} labelled TwACS conversations.");

        if (!File.Exists(Path.Combine(workspace, "memory", "memory-catalog.sqlite")))
        {
            string file = Path.Combine(Path.GetTempPath(), "twacs-labelled-" + Guid.NewGuid().ToString("N") + ".jsonl");
            await File.WriteAllLinesAsync(file, labelled.Select(c => new JsonObject
            {
                ["conversation_id"] = c.Id,
                ["timestamp"] = c.StartedAt.ToString("O"),
                ["turns"] = new JsonArray([.. c.Turns.Select(t => (JsonNode)new JsonObject { ["speaker"] = t.Speaker == Speaker.Customer ? "customer" : "agent", ["text"] = t.Text })]),
            }.ToJsonString()));
            // No demo portfolio: the workspace holds an admin and the 407 conversations only.
            string users = Path.Combine(Path.GetTempPath(), "bench-users-" + Guid.NewGuid().ToString("N") + ".csv");
            await File.WriteAllTextAsync(users, "id,name,role\nbench-admin,Bench Admin,admin\n");
            (int usersCode, string usersOutput) = await RunAsync(host, ["import", "users", "--file", users, "--workspace", workspace, "--now", now], null);
            File.Delete(users);
            if (usersCode != 0)
            {
                Console.WriteLine(usersOutput);
                return 1;
            }

            var import = Stopwatch.StartNew();
            (int code, string output) = await RunAsync(host, ["import", "conversations", "--file", file, "--workspace", workspace, "--now", now], null);
            File.Delete(file);
            Console.WriteLine($"import + index: exit {code} in {import.Elapsed.TotalSeconds:0} s");
            Console.WriteLine(string.Join('\n', output.Split('\n').Where(l => l.Contains("Imported", StringComparison.Ordinal) || l.Contains("Support index", StringComparison.Ordinal))));
        }

        var questions = labelled.Select((c, i) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Wrappers[i % Wrappers.Length], OneLine(Twacs.FirstCustomerTurn(c)))).ToList();
        var clock = Stopwatch.StartNew();
        (int exit, string answers) = await RunAsync(host, ["ask", "--stdin", "--json", "--workspace", workspace, "--now", now, "--as", "bench-admin"], string.Join('\n', questions) + "\n");
        double seconds = clock.Elapsed.TotalSeconds;
        List<JsonNode> replies = [.. answers.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!)];
        if (exit != 0 || replies.Count != labelled.Count)
        {
            Console.WriteLine($"ask --stdin exited {exit} with {replies.Count} replies for {labelled.Count} questions.");
            Console.WriteLine(answers.Length > 2000 ? answers[..2000] : answers);
            return 1;
        }

        var topicOf = labelled.ToDictionary(c => c.Id, c => c.Topic);
        // Baselines over the 407 in the same run.
        var embedder = new MiniLmEmbedder();
        var chunker = new ConversationChunker();
        var vectors = new Dictionary<string, float[][]>();
        foreach (SupportConversation c in labelled)
        {
            vectors[c.Id] = await embedder.EmbedAsync([.. chunker.Chunk(c).Select(x => ConversationChunker.EmbeddingText(x.Text))]);
        }

        var tfidf = new TfIdf(labelled.Select(c => (c.Id, string.Join('\n', c.Turns.Select(t => t.Text)))));
        int routed = 0;
        double bot = 0, model = 0, modelStrict = 0, tf = 0;
        var misses = new List<string>();
        for (int i = 0; i < labelled.Count; i++)
        {
            SupportConversation own = labelled[i];
            JsonNode reply = replies[i];
            if ((string?)reply["tool"] == "support.ask")
            {
                routed++;
            }
            else if (misses.Count < 5)
            {
                misses.Add($"  not routed: {questions[i][..Math.Min(100, questions[i].Length)]} → {(string?)reply["tool"] ?? "null"}: {(string?)reply["reply"]}");
            }

            string[] evidence = [.. (reply["evidence"]?.AsArray() ?? []).Select(e => (string?)e?["id"] ?? string.Empty)];
            bot += Score(evidence, own, topicOf);
            float[] q = (await embedder.EmbedAsync([Twacs.FirstCustomerTurn(own)]))[0];
            string[] semantic = [.. labelled.OrderByDescending(c => vectors[c.Id].Max(v => System.Numerics.Tensors.TensorPrimitives.Dot(v, q))).Select(c => c.Id)];
            model += Score(semantic.Take(5), own, topicOf);
            modelStrict += Score(semantic.Where(id => id != own.Id).Take(5), own, topicOf);
            tf += Score(tfidf.Rank(Twacs.FirstCustomerTurn(own)).Take(5), own, topicOf);
        }

        int n = labelled.Count;
        Console.WriteLine($"{n} wrapped leave-one-out questions through `ask --stdin --json` in {seconds:0} s ({seconds * 1000 / n:0} ms a question, start-up included)");
        Console.WriteLine($"routed to support.ask: {routed}/{n} = {routed / (double)n:P1} (target ≥ 95%)");
        Console.WriteLine($"same-intent precision@5 (top 5 minus the own conversation, over 5): bot {bot / n:0.000}, sentence model alone {model / n:0.000}, TF-IDF {tf / n:0.000}");
        Console.WriteLine($"  (sentence model alone with its own conversation excluded before the top 5: {modelStrict / n:0.000})");
        misses.ForEach(Console.WriteLine);
        return 0;
    }

    private static double Score(IEnumerable<string> ranked, SupportConversation own, Dictionary<string, string?> topicOf) =>
        ranked.Take(5).Where(id => id != own.Id).Count(id => topicOf.TryGetValue(id, out string? t) && t == own.Topic) / 5.0;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('"', '\'').Trim();

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string? FindHost()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string config in new[] { "Release", "Debug" })
            {
                string candidate = Path.Combine(dir.FullName, "bot", "CopilotBot.Host", "bin", config, "net10.0", "copilot");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async Task<(int Code, string Output)> RunAsync(string host, string[] arguments, string? input)
    {
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        start.Environment["Workspace__Demo"] = "false";
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
