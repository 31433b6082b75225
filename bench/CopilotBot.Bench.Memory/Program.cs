using System.Diagnostics;
using CopilotBot.Memory;
using CopilotBot.Memory.Bench;
using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.Evaluation;

// Memory-layer bench: TwACS ingest throughput, hybrid query latency, then vector-search latency and ANN recall at
// 100k and 1M chunks (TwACS chunk vectors repeated with new ids and a little noise). Baselines run in the same process:
// naive scalar loop vs TensorPrimitives exact scan vs IVF.
// The load average goes with the figures: on a shared machine latencies scale with it.
string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
Console.WriteLine($"CopilotBot.Bench.Memory  {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z  cores={Environment.ProcessorCount}  load={load}  {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
string folder = Path.Combine(Path.GetTempPath(), "copilotbot-bench-memory-" + Guid.NewGuid().ToString("N"));
try
{
    List<SupportConversation> conversations = [.. Twacs.Load()];
    var embedder = new HashingEmbedder();
    List<MemoryChunk> chunks;
    using (var store = new EmbeddedVectorStore(Path.Combine(folder, "vectors")))
    using (MemoryIndexer indexer = await MemoryIndexer.OpenAsync(folder, embedder, store))
    {
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

    // The same chunks the indexer stored, as the source for the scale-up.
    var chunker = new ConversationChunker();
    chunks = [.. conversations.SelectMany(chunker.Chunk)];

    string[] queries = [.. conversations.Where(c => c.Topic is not null).Select(Twacs.FirstCustomerTurn)];
    await ScaleBench.RunAsync(chunks, queries, total: 100_000, new HashingEmbedder(1024), exactQueries: 300, naiveQueries: 100);
    await ScaleBench.RunAsync(chunks, queries, total: 1_000_000, new HashingEmbedder(256), exactQueries: 150, naiveQueries: 30);
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}

