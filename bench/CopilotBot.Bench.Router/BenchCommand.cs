using System.Diagnostics;
using System.Globalization;
using CopilotBot.Routing;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Classification;
using CopilotBot.Routing.Tests.Evaluation;

namespace CopilotBot.Bench.Router;

/// <summary>
/// Routing latency per question (p50/p90/p99/max) and single-thread throughput over the held-out questions,
/// with a 1,000-account directory. A plain Stopwatch loop rather than BenchmarkDotNet: we want the latency
/// distribution across many different questions, not the mean of one.
/// </summary>
internal static class BenchCommand
{
    private const int Passes = 30;

    public static int Run()
    {
        string? root = TrainingData.FindRepoRoot(AppContext.BaseDirectory) ?? TrainingData.FindRepoRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("Run from inside the repo.");
            return 1;
        }

        var startup = Stopwatch.StartNew();
        IntentRouter router = IntentRouter.CreateDefault();
        double loadMs = startup.Elapsed.TotalMilliseconds;
        startup.Restart();
        IReadOnlyList<AccountRef> accountList = DemoAccounts.Generate(DemoAccounts.DefaultCount);
        var accounts = new InMemoryAccountDirectory(accountList);
        double directoryMs = startup.Elapsed.TotalMilliseconds;

        List<EvalCase> cases = EvalSet.Load(Path.Combine(root, "tests", "CopilotBot.Routing.Tests", "Data", "eval.jsonl"));
        List<(string Text, ConversationMemory? Memory)> questions = BuildQuestions(router, accounts, cases);
        var context = new RoutingContext(EvalSet.Now, accounts, null);

        // Warm up until tiered compilation has promoted the hot methods (it compiles in the background,
        // so give it time as well as calls): a long-running bot only ever sees the steady state.
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 5 || warmup.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            foreach ((string text, ConversationMemory? memory) in questions)
            {
                router.Route(text, context with { Previous = memory });
            }

            Thread.Sleep(50);
        }

        var samples = new double[questions.Count * Passes];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        int gen0Before = GC.CollectionCount(0);
        int gen2Before = GC.CollectionCount(2);
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        var total = Stopwatch.StartNew();
        int n = 0;
        for (int pass = 0; pass < Passes; pass++)
        {
            foreach ((string text, ConversationMemory? memory) in questions)
            {
                long start = Stopwatch.GetTimestamp();
                router.Route(text, context with { Previous = memory });
                samples[n++] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        total.Stop();
        if (Environment.GetEnvironmentVariable("ROUTER_BENCH_SLOWEST") is not null)
        {
            var perQuestion = new double[questions.Count];
            for (int q = 0; q < questions.Count; q++)
            {
                long start = Stopwatch.GetTimestamp();
                router.Route(questions[q].Text, context with { Previous = questions[q].Memory });
                perQuestion[q] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            foreach (int q in Enumerable.Range(0, questions.Count).OrderByDescending(q => perQuestion[q]).Take(8))
            {
                Console.WriteLine($"  slow: {perQuestion[q]:F0} us '{questions[q].Text}'");
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(samples);
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"Router bench: {questions.Count} questions (eval set, incl. conversation turns) x {Passes} passes = {n} routes, {accountList.Count} accounts"));
        Console.WriteLine(string.Create(culture, $"  model load {loadMs:F1} ms, directory build {directoryMs:F1} ms"));
        Console.WriteLine(string.Create(culture, $"  latency per question: p50 {Pct(samples, 0.50):F1} us, p90 {Pct(samples, 0.90):F1} us, p99 {Pct(samples, 0.99):F1} us, max {samples[^1]:F1} us"));
        Console.WriteLine(string.Create(culture, $"  throughput: {n / total.Elapsed.TotalSeconds:F0} routes/s on one thread; {allocated / (double)n / 1024:F1} KiB allocated per route"));
        Console.WriteLine(string.Create(culture, $"  GC during the run: {GC.CollectionCount(0) - gen0Before} gen0 / {GC.CollectionCount(2) - gen2Before} gen2 collections, {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F1} ms paused"));
        Console.WriteLine(Pct(samples, 0.99) < 1000 ? "  target p99 < 1 ms: met" : "  target p99 < 1 ms: NOT met");
        return 0;
    }

    /// <summary>Every question in the set; conversation turns carry the memory their earlier turns produce.</summary>
    private static List<(string, ConversationMemory?)> BuildQuestions(IntentRouter router, IAccountDirectory accounts, List<EvalCase> cases)
    {
        var questions = new List<(string, ConversationMemory?)>();
        foreach (EvalCase evalCase in cases)
        {
            ConversationMemory? memory = null;
            foreach (EvalTurn turn in evalCase.Turns)
            {
                questions.Add((turn.Text, memory));
                memory = router.Route(turn.Text, new RoutingContext(EvalSet.Now, accounts, memory)).Memory;
                if (turn.Shown.Count > 0)
                {
                    memory = memory.WithShownAccounts([.. turn.Shown.Select(id => accounts.FindById(id) ?? new AccountRef(id, id))]);
                }
            }
        }

        return questions;
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
