using System.Diagnostics;
using System.Globalization;

namespace CopilotBot.Bench.Load;

/// <summary>
/// What the runtime did during a run, sampled every 50 ms: garbage collections and their total pause, the thread pool's
/// threads and queued work items (a queue that grows while threads are added one by one is starvation: something blocks
/// pool threads). It tells a latency tail caused by the process apart from one caused by the work itself.
/// </summary>
public sealed class RuntimeProbe : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    private readonly long _contention = Monitor.LockContentionCount;
    private int _maxThreads = ThreadPool.ThreadCount, _minThreads = ThreadPool.ThreadCount;
    private long _maxQueued, _queuedSamples, _samples, _lastGcIndex;
    private TimeSpan _maxGcPause;
    private readonly List<string> _stalls = [];

    public RuntimeProbe() => _sampler = Task.Run(SampleAsync);

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var run = Stopwatch.StartNew();
        TimeSpan last = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                // A tick far later than 50 ms after the previous one: the whole process (or the machine) stalled.
                TimeSpan at = run.Elapsed;
                if (at - last > TimeSpan.FromMilliseconds(150) && _stalls.Count < 10)
                {
                    _stalls.Add(string.Create(CultureInfo.InvariantCulture, $"{last.TotalSeconds:N1} s +{(at - last).TotalMilliseconds:N0} ms"));
                }

                last = at;
                GCMemoryInfo gc = GC.GetGCMemoryInfo(GCKind.Any);
                if (gc.Index != _lastGcIndex)
                {
                    _lastGcIndex = gc.Index;
                    foreach (TimeSpan pause in gc.PauseDurations)
                    {
                        _maxGcPause = pause > _maxGcPause ? pause : _maxGcPause;
                    }
                }

                int threads = ThreadPool.ThreadCount;
                long queued = ThreadPool.PendingWorkItemCount;
                _maxThreads = Math.Max(_maxThreads, threads);
                _minThreads = Math.Min(_minThreads, threads);
                _maxQueued = Math.Max(_maxQueued, queued);
                _samples++;
                if (queued > 50)
                {
                    _queuedSamples++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task<string> StopAsync(TimeSpan elapsed)
    {
        await _stop.CancelAsync();
        await _sampler;
        TimeSpan pause = GC.GetTotalPauseDuration() - _pause;
        return string.Create(CultureInfo.InvariantCulture,
            $"    runtime: GCs gen0 {GC.CollectionCount(0) - _collections[0]}, gen1 {GC.CollectionCount(1) - _collections[1]}, gen2 {GC.CollectionCount(2) - _collections[2]}, " +
            $"paused {pause.TotalMilliseconds:N0} ms ({pause / elapsed:P1} of the run, longest seen {_maxGcPause.TotalMilliseconds:N0} ms), heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:N0} MB ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC); " +
            $"pool threads {_minThreads}–{_maxThreads}, queued work items max {_maxQueued} (over 50 in {(double)_queuedSamples / Math.Max(1, _samples):P0} of samples); lock contentions {Monitor.LockContentionCount - _contention:N0}; " +
            $"sampler late by over 100 ms: {(_stalls.Count == 0 ? "never" : string.Join(", ", _stalls))}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _sampler;
        }

        _stop.Dispose();
    }
}
