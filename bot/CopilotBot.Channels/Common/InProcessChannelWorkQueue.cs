using System.Collections.Concurrent;
using System.Diagnostics;
using CopilotBot.Workspace;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.Common;

/// <summary>
/// Runs queued work on the thread pool right away, logs failures (a background reply must never crash the process) and
/// lets the host wait for in-flight work at shutdown with <see cref="DrainAsync"/>. The trace goes with the work: the
/// enqueuing request's span context is captured and the work runs under a <c>channel work</c> span that is its child, so
/// the turn, its store and model calls and the reply share the request's trace id.
/// </summary>
public sealed class InProcessChannelWorkQueue(ILogger<InProcessChannelWorkQueue>? logger = null) : IChannelWorkQueue, IAsyncDisposable
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public int Pending => _running.Count;

    public ValueTask EnqueueAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        ActivityContext parent = Activity.Current?.Context ?? default;
        Task task = Task.Run(() => RunAsync(work, parent));
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until everything queued so far has finished (tests, graceful shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        Task all = Task.WhenAll(_running.Keys);
        await Task.WhenAny(all, Task.Delay(timeout));
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync(TimeSpan.FromSeconds(10));
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task> work, ActivityContext parent)
    {
        using Activity? span = CopilotTelemetry.Source.StartActivity("channel work", ActivityKind.Internal, parent);
        try
        {
            await work(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: nothing to report.
        }
        catch (Exception ex)
        {
            CopilotTelemetry.RecordError("background", ex, span);
            _logger.LogError(ex, "Background channel work failed");
        }
    }
}
