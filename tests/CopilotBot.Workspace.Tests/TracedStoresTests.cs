using System.Diagnostics;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Workspace.Tests;

/// <summary>
/// Every store call of a workspace is a span <c>store {IStore}.{Method}</c> under the caller's span, failures keep their own
/// exception type and mark the span, and a call that completes later ends its span when it completes.
/// </summary>
public sealed class TracedStoresTests : IDisposable
{
    private static readonly ActivitySource Root = new("CopilotBot.Workspace.Tests.Root");
    private readonly List<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public TracedStoresTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is CopilotTelemetry.Name or "CopilotBot.Workspace.Tests.Root",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_stopped)
                {
                    _stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task StoreCalls_AreChildSpansOfTheCaller_NamedByInterfaceAndMethod_AndTheCallerStaysCurrent()
    {
        using var temp = new TempWorkspace();
        using Activity root = Root.StartActivity("test")!;

        await temp.Workspace.Meta.SetAsync("k", "v");
        string? value = await temp.Workspace.Meta.GetAsync("k");
        Assert.Null(await temp.Workspace.Accounts.GetAsync("nope"));
        Activity? currentAfter = Activity.Current;

        Assert.Equal("v", value);
        Assert.Same(root, currentAfter);
        Activity[] mine = Mine(root);
        Assert.Equal(["store IWorkspaceMeta.SetAsync", "store IWorkspaceMeta.GetAsync", "store IAccountStore.GetAsync"], mine.Select(s => s.DisplayName));
        Assert.All(mine, s =>
        {
            Assert.Equal(("sqlite", ActivityKind.Client, ActivityStatusCode.Unset), ((string?)s.GetTagItem("db.system.name"), s.Kind, s.Status));
            Assert.DoesNotContain(s.TagObjects, t => Equals(t.Value, "v") || Equals(t.Value, "nope"));
        });
    }

    [Fact]
    public async Task Failures_KeepTheirType_AndMarkTheSpan_WhetherThrownFaultedOrLate()
    {
        using Activity root = Root.StartActivity("test")!;
        IWorkspaceMeta meta = StoreProxy<IWorkspaceMeta>.Wrap(new FailingMeta(), "sqlite");

        await Assert.ThrowsAsync<InvalidOperationException>(() => meta.GetAsync("throw"));
        await Assert.ThrowsAsync<TimeoutException>(() => meta.GetAsync("faulted"));
        Task late = meta.SetAsync("late", "x");
        Assert.Same(root, Activity.Current);
        await Assert.ThrowsAsync<IOException>(() => late);
        await Task.Delay(50); // the span ends in the task's continuation

        Activity[] mine = Mine(root);
        Assert.Equal(3, mine.Length);
        Assert.Equal(["InvalidOperationException", "TimeoutException", "IOException"], mine.Select(s => s.StatusDescription));
        Assert.All(mine, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.True(mine[2].Duration >= TimeSpan.FromMilliseconds(20), "the late call's span lasts until it completes");
    }

    public void Dispose() => _listener.Dispose();

    private Activity[] Mine(Activity root)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(a => a.ParentSpanId == root.SpanId && a.TraceId == root.TraceId)];
        }
    }

    private sealed class FailingMeta : IWorkspaceMeta
    {
        public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            key == "throw" ? throw new InvalidOperationException("sync") : Task.FromException<string?>(new TimeoutException("faulted"));

        public async Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
        {
            await Task.Delay(30, cancellationToken);
            throw new IOException("late");
        }
    }
}
