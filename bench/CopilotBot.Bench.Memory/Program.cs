using System.Diagnostics;
using CopilotBot.Memory;
using CopilotBot.Memory.Bench;
using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Bench.Evaluation;

// Memory-layer bench: TwACS ingest throughput, hybrid query latency, then vector-search latency and recall at 100k and
// 1M chunks (TwACS chunk vectors repeated with new ids and a little noise). Baselines run in the same process: a naive
// scalar float loop and the TensorPrimitives float scan, against the sketch scan (exact) and IVF (approximate).
// The load average goes with the figures: on a shared machine latencies scale with it.
//
// Arguments: [--skip-ingest] [--skip-quality] [--sizes=100000,1000000] [--queries=300] [--dims=384]
// --dims sets the vector length for every size (384 is the MiniLM sentence model's; the vectors still come from the
// hashing embedder, since latency depends on length and count and embedding 100k chunks with the model takes long).
bool skipIngest = args.Contains("--skip-ingest");
bool skipQuality = args.Contains("--skip-quality");
int[] sizes = Argument("--sizes=")?.Split(',').Select(int.Parse).ToArray() ?? [100_000, 1_000_000];
int queryCount = int.Parse(Argument("--queries=") ?? "300");
int? dims = Argument("--dims=") is { } d ? int.Parse(d) : null;

Console.WriteLine($"CopilotBot.Bench.Memory  {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z  cores={Environment.ProcessorCount}  load={ScaleBench.LoadAverage()}  {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
string folder = Path.Combine(Path.GetTempPath(), "copilotbot-bench-memory-" + Guid.NewGuid().ToString("N"));
try
{
    List<SupportConversation> conversations = [.. Twacs.Load()];
    if (!skipQuality)
    {
        await QualityAsync(conversations, folder + "-quality");
    }

    if (!skipIngest)
    {
        await IngestAsync(conversations, folder);
    }

    // The same chunks the indexer stores, as the source for the scale-up.
    var chunker = new ConversationChunker();
    List<MemoryChunk> chunks = [.. conversations.SelectMany(chunker.Chunk)];
    // Measured questions: first customer turns of the labelled conversations; the IVF recall monitor learns from others.
    string[] queries = [.. conversations.Where(c => c.Topic is not null).Select(Twacs.FirstCustomerTurn)];
    string[] warmup = [.. conversations.Where(c => c.Topic is null).Select(Twacs.FirstCustomerTurn).Take(500)];
    foreach (int size in sizes)
    {
        // 1024 dims (the embedder's default) up to 100k points; 256 above, to keep 1M points' floats at 1 GB.
        var embedder = new HashingEmbedder(dims ?? (size <= 100_000 ? 1024 : 256));
        await ScaleBench.RunAsync(chunks, queries, warmup, size, embedder, queryCount, naiveQueries: size <= 100_000 ? 100 : 30);
    }

    using var process = Process.GetCurrentProcess();
    Console.WriteLine($"\nPeak working set of the process: {process.PeakWorkingSet64 / (1 << 20):N0} MB  load={ScaleBench.LoadAverage()}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}

string? Argument(string prefix) => args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

// Retrieval quality (was a test; it reads the full file, so it lives here): all 407 labelled conversations plus 2,600
// unlabelled ones through the real indexer; precision@5 of same-intent retrieval for hybrid, vector, BM25 and random.
// The figures to hold: hybrid at least random + 0.10, and no more than 0.02 below BM25.
static async Task QualityAsync(List<SupportConversation> all, string folder)
{
    try
    {
        List<SupportConversation> labelled = [.. all.Where(c => c.Topic is not null)];
        List<SupportConversation> sample = [.. labelled, .. all.Where(c => c.Topic is null).Take(2_600)];
        using var store = new EmbeddedVectorStore(Path.Combine(folder, "vectors"));
        using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(folder, new HashingEmbedder(), store);
        IndexReport report = await indexer.IndexAsync(sample);
        RetrievalScores scores = await RetrievalEvaluator.EvaluateAsync(indexer.CreateSearch(), labelled);
        bool holds = scores.Hybrid >= scores.Random + 0.1 && scores.Hybrid >= scores.Keyword - 0.02;
        Console.WriteLine($"\n== Retrieval quality: {report.Embedded:N0} conversations ({report.ChunksEmbedded:N0} chunks), {scores.Queries} labelled queries");
        Console.WriteLine($"  precision@5: hybrid {scores.Hybrid:0.000}, vector {scores.Vector:0.000}, bm25 {scores.Keyword:0.000}, random {scores.Random:0.000}  " +
            (holds ? "(holds: hybrid ≥ random + 0.10 and ≥ bm25 − 0.02)" : "(DOES NOT HOLD: hybrid should be ≥ random + 0.10 and ≥ bm25 − 0.02)"));
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

static async Task IngestAsync(List<SupportConversation> conversations, string folder)
{
    var embedder = new HashingEmbedder();
    using var store = new EmbeddedVectorStore(Path.Combine(folder, "vectors"));
    using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(folder, embedder, store);
    Console.WriteLine($"\n== Ingest: {conversations.Count:N0} TwACS conversations, {embedder.Id}, embedded store + BM25 + SQLite catalog");
    var progress = new Progress<IndexProgress>(p =>
    {
        if (p.ConversationsSeen % 5120 < 256 || p.ConversationsSeen == conversations.Count)
        {
            Console.WriteLine($"  {p.ConversationsSeen,6:N0} conversations  {p.ChunksEmbedded,6:N0} chunks  {p.Elapsed.TotalSeconds,5:0.0} s");
        }
    });
    IndexReport first = await indexer.IndexAsync(conversations, progress);
    Console.WriteLine($"  full ingest: {first.Embedded:N0} conversations, {first.ChunksEmbedded:N0} chunks in {first.Elapsed.TotalSeconds:0.0} s = {first.Embedded / first.Elapsed.TotalSeconds:N0} conversations/s");
    IndexReport again = await indexer.IndexAsync(conversations);
    Console.WriteLine($"  re-ingest, nothing changed: {again.Unchanged:N0} skipped, {again.ChunksEmbedded} embedded in {again.Elapsed.TotalSeconds:0.00} s = {again.Seen / again.Elapsed.TotalSeconds:N0} conversations/s");
    var stopwatch = Stopwatch.StartNew();
    float[][] embedOnly = await embedder.EmbedAsync([.. conversations.Take(5000).Select(c => string.Join('\n', c.Turns.Select(t => t.Text)))]);
    Console.WriteLine($"  embedder alone: {embedOnly.Length / stopwatch.Elapsed.TotalSeconds:N0} texts/s ({embedder.Dimensions} dims)");

    HybridSearch search = indexer.CreateSearch();
    string[] questions = [.. conversations.Where(c => c.Topic is not null).Select(Twacs.FirstCustomerTurn)];
    foreach (RetrievalMode mode in new[] { RetrievalMode.Hybrid, RetrievalMode.Vector, RetrievalMode.Keyword })
    {
        Latency latency = await Latency.MeasureAsync(questions.Take(300).ToArray(), q => search.SearchAsync(new MemoryQuery(q) { Mode = mode }));
        Console.WriteLine($"  search over {indexer.Keywords.Count:N0} chunks, {mode,-7} (embed + retrieve + fuse): {latency}");
    }
}
