using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace CopilotBot.Workspace.Storage;

/// <summary>
/// Wraps a provider's stores (SQLite or PostgreSQL alike) so every store call is a span <c>store {IStore}.{Method}</c> on
/// <see cref="CopilotTelemetry.Source"/>, with <c>db.system.name</c> and the outcome. Nothing about the call's arguments
/// or rows is recorded. With no listener the decorator only forwards the call (one reflection invoke, far below a query).
/// </summary>
public sealed class TracedWorkspaceStores : IWorkspaceStores
{
    private readonly IWorkspaceStores _inner;

    private TracedWorkspaceStores(IWorkspaceStores inner)
    {
        _inner = inner;
        string system = inner.GetType().Name.StartsWith("Postgres", StringComparison.Ordinal) ? "postgresql" : "sqlite";
        Accounts = StoreProxy<IAccountStore>.Wrap(inner.Accounts, system);
        Users = StoreProxy<IUserStore>.Wrap(inner.Users, system);
        Activity = StoreProxy<IActivityStore>.Wrap(inner.Activity, system);
        Conversations = StoreProxy<IConversationStore>.Wrap(inner.Conversations, system);
        Tasks = StoreProxy<ITaskStore>.Wrap(inner.Tasks, system);
        Interventions = StoreProxy<IInterventionStore>.Wrap(inner.Interventions, system);
        Audit = StoreProxy<IAuditLog>.Wrap(inner.Audit, system);
        Meta = StoreProxy<IWorkspaceMeta>.Wrap(inner.Meta, system);
        ConversationState = StoreProxy<IConversationStateStore>.Wrap(inner.ConversationState, system);
        ConversationReferences = StoreProxy<IConversationReferenceStore>.Wrap(inner.ConversationReferences, system);
        InboundEvents = StoreProxy<IInboundEventLog>.Wrap(inner.InboundEvents, system);
        Alerts = StoreProxy<IAlertStore>.Wrap(inner.Alerts, system);
        RateLimits = StoreProxy<IRateLimitStore>.Wrap(inner.RateLimits, system);
        ChartImages = StoreProxy<IChartImageStore>.Wrap(inner.ChartImages, system);
        Models = StoreProxy<IModelStore>.Wrap(inner.Models, system);
        Growth = StoreProxy<IGrowthStore>.Wrap(inner.Growth, system);
        DataVersions = StoreProxy<IDataVersions>.Wrap(inner.DataVersions, system);
    }

    /// <summary>The provider's own stores, for code that needs the concrete type.</summary>
    public IWorkspaceStores Inner => _inner;

    public string Location => _inner.Location;

    public IAccountStore Accounts { get; }

    public IUserStore Users { get; }

    public IActivityStore Activity { get; }

    public IConversationStore Conversations { get; }

    public ITaskStore Tasks { get; }

    public IInterventionStore Interventions { get; }

    public IAuditLog Audit { get; }

    public IWorkspaceMeta Meta { get; }

    public IConversationStateStore ConversationState { get; }

    public IConversationReferenceStore ConversationReferences { get; }

    public IInboundEventLog InboundEvents { get; }

    public IAlertStore Alerts { get; }

    public IRateLimitStore RateLimits { get; }

    public IChartImageStore ChartImages { get; }

    public IModelStore Models { get; }

    public IGrowthStore Growth { get; }

    public IDataVersions DataVersions { get; }

    public static IWorkspaceStores Wrap(IWorkspaceStores stores) =>
        stores is TracedWorkspaceStores ? stores : new TracedWorkspaceStores(stores);

    public async Task<WorkspaceWriteResult> WriteAsync(WorkspaceBatch batch, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using Activity? span = CopilotTelemetry.Source.StartActivity("store IWorkspaceStores.WriteAsync");
        span?.SetTag("db.system.name", _inner.GetType().Name.StartsWith("Postgres", StringComparison.Ordinal) ? "postgresql" : "sqlite");
        try
        {
            return await _inner.WriteAsync(batch, progress, cancellationToken);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>A <see cref="DispatchProxy"/> that opens one span per call of a store interface.</summary>
public class StoreProxy<T> : DispatchProxy
    where T : class
{
    private static readonly string Prefix = "store " + typeof(T).Name + ".";

    private T _target = null!;
    private string _system = string.Empty;

    public static T Wrap(T target, string system)
    {
        T proxy = Create<T, StoreProxy<T>>();
        var self = (StoreProxy<T>)(object)proxy;
        self._target = target;
        self._system = system;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!CopilotTelemetry.Source.HasListeners())
        {
            return Call(targetMethod, args);
        }

        Activity? parent = System.Diagnostics.Activity.Current;
        Activity? span = CopilotTelemetry.Source.StartActivity(Prefix + targetMethod.Name, ActivityKind.Client);
        if (span is null)
        {
            return Call(targetMethod, args);
        }

        span.SetTag("db.system.name", _system);
        span.SetTag("db.operation.name", targetMethod.Name);
        object? result;
        try
        {
            result = Call(targetMethod, args);
        }
        catch (Exception ex)
        {
            Fail(span, ex);
            span.Stop();
            throw;
        }
        finally
        {
            // A store that completes asynchronously ran its start under the span; the caller goes on under its own parent.
            System.Diagnostics.Activity.Current = parent;
        }

        if (result is Task task && !task.IsCompleted)
        {
            _ = task.ContinueWith(
                static (t, state) =>
                {
                    var s = (Activity)state!;
                    if (t.Exception is { } e)
                    {
                        Fail(s, e.InnerException ?? e);
                    }

                    s.Stop();
                },
                span,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return result;
        }

        if (result is Task { Exception: { } failed })
        {
            Fail(span, failed.InnerException ?? failed);
        }

        span.Stop();
        return result;
    }

    private static void Fail(Activity span, Exception ex)
    {
        span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        span.SetTag("error.type", ex.GetType().FullName);
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
