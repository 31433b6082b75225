using System.Diagnostics;

namespace CopilotBot.Memory.Bench;

/// <summary>Per-query latencies: p50, p99 and mean, after a short warm-up.</summary>
public sealed record Latency(double P50Ms, double P99Ms, double MeanMs, int Queries)
{
    public static async Task<Latency> MeasureAsync<T>(IReadOnlyList<T> queries, Func<T, Task> run)
    {
        foreach (T query in queries.Take(10))
        {
            await run(query);
        }

        var times = new double[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await run(queries[i]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return From(times);
    }

    public static Latency Measure<T>(IReadOnlyList<T> queries, Action<T> run) =>
        MeasureAsync(queries, q =>
        {
            run(q);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    public override string ToString() => $"p50 {P50Ms,7:0.00} ms  p99 {P99Ms,7:0.00} ms  mean {MeanMs,7:0.00} ms  ({Queries} queries)";

    private static Latency From(double[] times)
    {
        Array.Sort(times);
        return new Latency(Percentile(times, 0.50), Percentile(times, 0.99), times.Average(), times.Length);
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Round(p * (sorted.Length - 1))];
}
