using System.Threading.Channels;
using CopilotBot.Channels.Common;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Plugins.Alerts;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Host.Proactive;

/// <summary>
/// Delivers alerts: each one is claimed in the store (pending → sent) before it is posted, so one instance sends it once;
/// one that cannot reach its recipient falls back to the digest. Every minute it picks up alerts left pending (a crash,
/// a full queue); every <c>Alerts:SweepMinutes</c> (default 60, 0 = off) it sweeps the book for the time-based triggers;
/// at <c>Alerts:DigestHourUtc</c> (default 8) it sends each recipient the alerts held for the digest.
/// </summary>
public sealed class AlertDispatcher(IServiceProvider services, IConfiguration configuration, ILogger<AlertDispatcher> logger) : BackgroundService, IAlertDelivery
{
    private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private ProactiveMessenger? _messenger;
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public ValueTask EnqueueAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        // A full queue drops the write; the alert stays pending in the store and the next recovery pass sends it.
        _queue.Writer.TryWrite(alert);
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        Task periodic = PeriodicAsync(stoppingToken);
        await foreach (Alert alert in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await DeliverSafelyAsync(alert, stoppingToken);
        }

        await periodic;
    }

    /// <summary>Posts one alert to its recipient; false when another instance (or an earlier pass) already claimed it.</summary>
    public async Task<bool> DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        if (!await runtime.Workspace.Alerts.MarkAsync(alert.Id, AlertDelivery.Pending, AlertDelivery.Sent, null, now, cancellationToken))
        {
            return false;
        }

        Account? account = await runtime.Workspace.Accounts.GetAsync(alert.AccountId, cancellationToken);
        AccountRisk? risk = account is null ? null : await runtime.Risk.ExplainAsync(account.Id, cancellationToken);
        Card card = account is null
            ? new Card("Alert", [new CardText(alert.Summary)], [])
            : AlertCards.Alert(alert, account, risk?.Probability);
        PostedMessage? posted = await Messenger(runtime).SendAsync(alert.RecipientId, Reply(card), cancellationToken);
        if (posted is null)
        {
            await runtime.Workspace.Alerts.MarkAsync(alert.Id, AlertDelivery.Sent, AlertDelivery.Digest, "unreachable", now, cancellationToken);
            CopilotTelemetry.CountAlert("unreachable");
            return false;
        }

        await runtime.Workspace.Alerts.MarkAsync(alert.Id, AlertDelivery.Sent, AlertDelivery.Sent, posted.Channel, now, cancellationToken);
        CopilotTelemetry.CountAlert("delivered");
        return true;
    }

    /// <summary>Sends each recipient one digest of the alerts held for it in the last day; returns how many digests went out.</summary>
    public async Task<int> SendDigestsAsync(CancellationToken cancellationToken)
    {
        CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        IReadOnlyList<Alert> held = await runtime.Workspace.Alerts.ListAsync(null, now.AddDays(-1), null, AlertDelivery.Digest, cancellationToken);
        var accounts = (await runtime.Workspace.Accounts.ListAsync(new(Status: null), cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        int sent = 0;
        foreach (IGrouping<string, Alert> mine in held.GroupBy(a => a.RecipientId))
        {
            // One digest per person per day, whichever instance gets here first.
            if (!await runtime.Workspace.InboundEvents.TryMarkSeenAsync($"digest|{mine.Key}|{today:yyyy-MM-dd}", now, cancellationToken))
            {
                continue;
            }

            var list = mine.ToList();
            PostedMessage? posted = await Messenger(runtime).SendAsync(mine.Key, Reply(AlertCards.Digest(list, accounts, today)), cancellationToken);
            foreach (Alert alert in list)
            {
                await runtime.Workspace.Alerts.MarkAsync(alert.Id, AlertDelivery.Digest, AlertDelivery.Digested, posted?.Channel ?? "unreachable", now, cancellationToken);
            }

            if (posted is not null)
            {
                sent++;
                CopilotTelemetry.Alerts.Add(list.Count, new KeyValuePair<string, object?>("copilot.event", "digested"));
            }
        }

        return sent;
    }

    /// <summary>Runs the time-based triggers over the whole book now.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
        DateTimeOffset now = runtime.Clock.GetUtcNow();
        IReadOnlyList<AccountRisk> current = await runtime.Risk.ScoreAsync(cancellationToken);
        IReadOnlyList<AccountRisk> weekAgo = await runtime.Risk.ScoreAsOfAsync(runtime.Today.AddDays(-7), cancellationToken);
        IReadOnlyList<Account> active = await runtime.Workspace.Accounts.ListAsync(new(), cancellationToken);
        return (await runtime.Alerts.SweepAsync(current, weekAgo, active, now, cancellationToken)).Count;
    }

    private async Task PeriodicAsync(CancellationToken stoppingToken)
    {
        int sweepMinutes = configuration.GetValue("Alerts:SweepMinutes", 60);
        int digestHour = configuration.GetValue("Alerts:DigestHourUtc", 8);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Alerts:RecoverySeconds", 60)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
                    DateTimeOffset now = runtime.Clock.GetUtcNow();
                    foreach (Alert stale in await runtime.Workspace.Alerts.ListAsync(null, now.AddDays(-2), now.AddSeconds(-30), AlertDelivery.Pending, stoppingToken))
                    {
                        await DeliverSafelyAsync(stale, stoppingToken);
                    }

                    if (sweepMinutes > 0 && now - _lastSweep >= TimeSpan.FromMinutes(sweepMinutes))
                    {
                        _lastSweep = now;
                        logger.LogInformation("Alert sweep raised {Count} alerts", await SweepAsync(stoppingToken));
                    }

                    if (now.UtcDateTime.Hour >= digestHour)
                    {
                        await SendDigestsAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Alert recovery, sweep or digest failed; retrying next tick");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task DeliverSafelyAsync(Alert alert, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(alert, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CopilotTelemetry.RecordError("alert_delivery", ex);
            logger.LogError(ex, "Alert {Alert} for {Recipient} not delivered", alert.Id, alert.RecipientId);
        }
    }

    private ProactiveMessenger Messenger(CopilotRuntime runtime) =>
        _messenger ??= new ProactiveMessenger(runtime.Workspace.ConversationReferences, services.GetServices<IProactiveChannel>(), logger);

    private static TurnReply Reply(Card card) =>
        new(card.FallbackText ?? card.Title, "alerts.list", new Dictionary<string, object?>(), [card], [], 1);
}
