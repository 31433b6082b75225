using System.Diagnostics;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Bench;

/// <summary>
/// Vector search at scale: the TwACS chunk vectors repeated with new ids, new accounts and a little Gaussian noise up
/// to <c>total</c> points, then exact (naive loop and TensorPrimitives) vs IVF latency and recall@10 of IVF vs exact.
/// </summary>
public static class ScaleBench
{
    private const string Collection = "scale";
    private const int Accounts = 500;

    public static async Task RunAsync(IReadOnlyList<MemoryChunk> chunks, string[] queryTexts, int total, HashingEmbedder embedder, int exactQueries, int naiveQueries)
    {
        GC.Collect();
        Console.WriteLine($"\n== Vector search at {total:N0} chunks, {embedder.Dimensions} dims ({(long)total * embedder.Dimensions * 4 / (1 << 20):N0} MB of vectors)");
        var clock = Stopwatch.StartNew();
        float[][] baseVectors = await embedder.EmbedAsync([.. chunks.Select(c => c.Text)]);
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = int.MaxValue });
        await store.EnsureCollectionAsync(Collection, embedder.Dimensions);
        var random = new Random(11);
        const int batch = 20_000;
        for (int start = 0; start < total; start += batch)
        {
            var records = new List<VectorRecord>(batch);
            for (int i = start; i < Math.Min(total, start + batch); i++)
            {
                int source = i % chunks.Count;
                int copy = i / chunks.Count;
                MemoryChunk original = chunks[source];
                // The first copy is the original; later copies get noise of about a quarter of the vector's length.
                float[] vector = copy == 0 ? baseVectors[source] : Noisy(baseVectors[source], random, 0.25f / MathF.Sqrt(embedder.Dimensions));
                var chunk = original with
                {
                    Id = Guid.CreateVersion7(),
                    ConversationId = copy == 0 ? original.ConversationId : $"{original.ConversationId}#{copy}",
                    AccountId = $"acct-{i % Accounts}",
                };
                records.Add(new VectorRecord(chunk, vector));
            }

            await store.UpsertAsync(Collection, records);
        }

        Console.WriteLine($"  loaded {await store.CountAsync(Collection):N0} points in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        int nlist = store.BuildAnnIndex(Collection);
        Console.WriteLine($"  IVF build: {nlist} lists (k-means on a {Math.Min(total, nlist * 48):N0}-point sample, 8 iterations) in {clock.Elapsed.TotalSeconds:0.0} s");

        float[][] queries = await embedder.EmbedAsync([.. queryTexts.Take(Math.Max(exactQueries, 300))]);
        var naive = Latency.Measure(queries.Take(naiveQueries).ToArray(), q => store.QueryNaive(Collection, q, 10));
        Console.WriteLine($"  exact, naive scalar loop (1 thread)      {naive}");
        var exactResults = new Dictionary<float[], HashSet<Guid>>();
        var exact = Latency.Measure(queries.Take(exactQueries).ToArray(), q => exactResults[q] = [.. store.Query(Collection, q, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id)]);
        Console.WriteLine($"  exact, TensorPrimitives.Dot ({Environment.ProcessorCount} threads)  {exact}   speed-up vs naive x{naive.MeanMs / exact.MeanMs:0.0}");

        float[][] annQueries = [.. queries.Take(exactQueries)];
        var quantized = Latency.Measure(annQueries, q => store.Query(Collection, q, 10, null, SearchStrategy.Quantized));
        double quantizedRecall = annQueries.Average(q => store.Query(Collection, q, 10, null, SearchStrategy.Quantized).Count(h => exactResults[q].Contains(h.Chunk.Id)) / 10.0);
        Console.WriteLine($"  int8 scan + float re-score of top 100    {quantized}   recall@10 {quantizedRecall:0.000}  <- default above {new EmbeddedStoreOptions().AnnThreshold:N0} points");
        foreach (int nprobe in new[] { Math.Max(1, nlist / 32), Math.Max(8, nlist / 12), Math.Max(1, nlist / 4) }.Distinct())
        {
            var latency = Latency.Measure(annQueries, q => AnnQuery(store, q, nprobe));
            double measuredRecall = Recall(store, annQueries, exactResults, nprobe);
            Console.WriteLine($"  IVF nprobe {nprobe,3}/{nlist,-4}                   {latency}   recall@10 {measuredRecall:0.000}");
        }

        string[] accountIds = [.. Enumerable.Range(0, 200).Select(i => $"acct-{i * 7 % Accounts}")];
        int a = 0;
        var filtered = Latency.Measure(annQueries, q => store.Query(Collection, q, 10, VectorFilter.ForAccount(accountIds[a++ % accountIds.Length]), SearchStrategy.Exact));
        Console.WriteLine($"  exact + account filter (~{total / Accounts:N0} of the points)  {filtered}");
    }

    private static IReadOnlyList<VectorHit> AnnQuery(EmbeddedVectorStore store, float[] query, int nprobe) =>
        store.Query(Collection, query, 10, null, SearchStrategy.Ivf, nprobe);

    private static double Recall(EmbeddedVectorStore store, float[][] queries, Dictionary<float[], HashSet<Guid>> exact, int nprobe) =>
        queries.Average(q => AnnQuery(store, q, nprobe).Count(h => exact[q].Contains(h.Chunk.Id)) / 10.0);

    private static float[] Noisy(float[] vector, Random random, float sigma)
    {
        var result = new float[vector.Length];
        for (int i = 0; i < vector.Length; i++)
        {
            // Box-Muller: a normal sample from two uniforms.
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            result[i] = vector[i] + (float)(gaussian * sigma);
        }

        return result;
    }
}
