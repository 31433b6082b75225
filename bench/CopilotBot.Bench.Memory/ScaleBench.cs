using System.Diagnostics;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Bench;

/// <summary>
/// Vector search at scale: the TwACS chunk vectors repeated with new ids, new accounts and a little Gaussian noise up
/// to <c>total</c> points. Every method answers the same queries; recall@10 is against the float scan, and speed-ups
/// are against the naive scalar loop measured in the same run.
/// </summary>
public static class ScaleBench
{
    private const string Collection = "scale";
    private const int Accounts = 500;

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static async Task RunAsync(
        IReadOnlyList<MemoryChunk> chunks, string[] queryTexts, string[] warmupTexts, int total, HashingEmbedder embedder, int queryCount, int naiveQueries)
    {
        GC.Collect();
        int dims = embedder.Dimensions;
        Console.WriteLine($"\n== Vector search at {total:N0} chunks, {dims} dims ({(long)total * dims * 4 / (1 << 20):N0} MB of floats, {(long)total * dims / 8 / (1 << 20):N0} MB of sketches)  load={LoadAverage()}");
        float[][] baseVectors = await embedder.EmbedAsync([.. chunks.Select(c => c.Text)]);
        // AnnThreshold out of reach: this bench builds the IVF index itself and picks the strategy per row.
        using var store = EmbeddedVectorStore.InMemory(new EmbeddedStoreOptions { AnnThreshold = int.MaxValue });
        await store.EnsureCollectionAsync(Collection, dims);
        var random = new Random(11);
        const int batch = 20_000;
        var upsert = new Stopwatch();
        for (int start = 0; start < total; start += batch)
        {
            var records = new List<VectorRecord>(batch);
            for (int i = start; i < Math.Min(total, start + batch); i++)
            {
                int source = i % chunks.Count;
                int copy = i / chunks.Count;
                MemoryChunk original = chunks[source];
                // The first copy is the original; later copies get noise of about a quarter of the vector's length.
                float[] vector = copy == 0 ? baseVectors[source] : Noisy(baseVectors[source], random, 0.25f / MathF.Sqrt(dims));
                var chunk = original with
                {
                    Id = Guid.CreateVersion7(),
                    ConversationId = copy == 0 ? original.ConversationId : $"{original.ConversationId}#{copy}",
                    AccountId = $"acct-{i % Accounts}",
                };
                records.Add(new VectorRecord(chunk, vector));
            }

            upsert.Start();
            await store.UpsertAsync(Collection, records);
            upsert.Stop();
        }

        Console.WriteLine($"  store ingest: {total:N0} points upserted in {upsert.Elapsed.TotalSeconds:0.0} s = {total / upsert.Elapsed.TotalSeconds:N0} points/s (normalise, sketch, payload; vector generation not counted)");
        var clock = Stopwatch.StartNew();
        int nlist = store.BuildAnnIndex(Collection);
        IvfIndex ivf = store.AnnIndex(Collection)!;
        Console.WriteLine($"  IVF build: {nlist} lists (k-means on {Math.Min(total, nlist * 48):N0} sample points, then every point) in {clock.Elapsed.TotalSeconds:0.0} s; pseudo-query calibration: nprobe {ivf.CalibratedNProbe} (recall {ivf.CalibratedRecall:0.000} on those)");
        // Like a live store that has seen questions before: other questions than the measured ones teach the monitor.
        float[][] warmup = await embedder.EmbedAsync(warmupTexts);
        clock.Restart();
        store.SampleAnnRecall(Collection, warmup);
        int nprobe = ivf.Monitor.NProbe;
        Console.WriteLine($"  recall monitor after {ivf.Monitor.Samples} other questions: nprobe {nprobe} for recall {ivf.Monitor.TargetRecall:0.00} (theirs: {ivf.Monitor.RecallAt(nprobe):0.000}) in {clock.Elapsed.TotalSeconds:0.0} s");

        float[][] queries = await embedder.EmbedAsync([.. queryTexts.Take(queryCount)]);
        var truth = new Dictionary<float[], HashSet<Guid>>();
        foreach (float[] q in queries)
        {
            truth[q] = [.. store.Query(Collection, q, 10, null, SearchStrategy.Exact).Select(h => h.Chunk.Id)];
        }

        Console.WriteLine($"  {"method",-56} {"p50 ms",8} {"p99 ms",8} {"mean ms",8} {"recall@10",10} {"x naive",8} {"re-scored",10} {"to exact",8}");
        var naive = Latency.Measure(queries.Take(naiveQueries).ToArray(), q => store.QueryNaive(Collection, q, 10));
        Row("float, naive scalar loop (1 thread, baseline)", naive, recall: null, naive, rescored: null);
        Row($"float, TensorPrimitives ({Environment.ProcessorCount} threads)", store, queries, truth, naive, SearchStrategy.Exact, 0);
        // Auto's rule: IVF once points × dimensions reach AnnThreshold points of 1,024 dimensions.
        bool annByDefault = (double)total * dims >= new EmbeddedStoreOptions().AnnThreshold * 1024.0;
        string auto = annByDefault ? "" : "  <- Auto";
        Row("exact: sketch scan + float re-score (1 thread)" + auto, store, queries, truth, naive, SearchStrategy.Quantized, 0);
        Row("exact: sketch scan, 2 partitions (2 threads)", store, queries, truth, naive, SearchStrategy.Quantized, 0, partitions: 2);
        foreach (int probes in new[] { nprobe, Math.Max(1, nprobe / 2), Math.Min(nlist, nprobe * 2) }.Distinct())
        {
            string label = probes == nprobe ? $"IVF nprobe {probes}/{nlist} (learned){(annByDefault ? "  <- Auto" : "")}" : $"IVF nprobe {probes}/{nlist}";
            Row(label, store, queries, truth, naive, SearchStrategy.Ivf, probes);
        }

        string[] accountIds = [.. Enumerable.Range(0, 200).Select(i => $"acct-{i * 7 % Accounts}")];
        string[] topics = [.. chunks.Select(c => c.Topic).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        long newest = chunks.Max(c => c.Timestamp);
        long oldest = chunks.Min(c => c.Timestamp);
        int a = 0;
        FilteredRow($"exact + account filter (~{total / Accounts:N0} points)", store, queries, naive, () => VectorFilter.ForAccount(accountIds[a++ % accountIds.Length]));
        int t = 0;
        FilteredRow($"exact + topic filter (1 of {topics.Length} topics)", store, queries, naive, () => new VectorFilter { Topics = [topics[t++ % topics.Length]] });
        FilteredRow("exact + time range (newest 30%)", store, queries, naive, () => new VectorFilter { From = DateTimeOffset.FromUnixTimeSeconds(newest - (newest - oldest) * 3 / 10) });
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"  peak working set so far: {process.PeakWorkingSet64 / (1 << 20):N0} MB  load={LoadAverage()}");
    }

    private static void Row(
        string label, EmbeddedVectorStore store, float[][] queries, Dictionary<float[], HashSet<Guid>> truth, Latency naive, SearchStrategy strategy, int nprobe, int partitions = 1)
    {
        var stats = new SearchStats();
        double recall = queries.Average(q => store.Query(Collection, q, 10, null, strategy, nprobe, stats, partitions).Count(h => truth[q].Contains(h.Chunk.Id)) / 10.0);
        Latency latency = Latency.Measure(queries, q => store.Query(Collection, q, 10, null, strategy, nprobe, null, partitions));
        Row(label, latency, recall, naive, strategy == SearchStrategy.Exact ? null : stats.MeanRescored, strategy == SearchStrategy.Ivf ? stats.FallBacks : null);
    }

    private static void FilteredRow(string label, EmbeddedVectorStore store, float[][] queries, Latency naive, Func<VectorFilter> next)
    {
        // Recall against the float scan under the same filter, then latency through the default (Auto) path.
        var stats = new SearchStats();
        VectorFilter[] filters = [.. queries.Select(_ => next())];
        double recall = Enumerable.Range(0, queries.Length).Average(i =>
        {
            HashSet<Guid> exact = [.. store.Query(Collection, queries[i], 10, filters[i], SearchStrategy.Exact).Select(h => h.Chunk.Id)];
            return store.Query(Collection, queries[i], 10, filters[i], SearchStrategy.Auto, 0, stats).Count(h => exact.Contains(h.Chunk.Id)) / 10.0;
        });
        int i = 0;
        Latency latency = Latency.Measure(queries, q => store.Query(Collection, q, 10, filters[i++ % filters.Length], SearchStrategy.Auto));
        Row($"{label} [{stats.Path}]", latency, recall, naive, stats.MeanRescored);
    }

    // "to exact": IVF queries whose lists could not answer them (thousands of points within the bound) and went exact.
    private static void Row(string label, Latency latency, double? recall, Latency naive, double? rescored, int? fallBacks = null) =>
        Console.WriteLine($"  {label,-56} {latency.P50Ms,8:0.00} {latency.P99Ms,8:0.00} {latency.MeanMs,8:0.00} {(recall is null ? "" : recall.Value.ToString("0.000")),10} {naive.MeanMs / latency.MeanMs,7:0.0}x {(rescored is null ? "" : rescored.Value.ToString("N0")),10} {(fallBacks is null ? "" : fallBacks.Value.ToString()),8}");

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
