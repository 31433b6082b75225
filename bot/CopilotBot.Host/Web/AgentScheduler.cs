namespace CopilotBot.Host.Web;

/// <summary>
/// Runs the intervention agent every <c>Agent:ScheduleMinutes</c> minutes (0, the default, turns it off). The agent's
/// guardrails and kill switch apply exactly as for a manual run; a failed run is logged and the next one tried.
/// </summary>
public sealed class AgentScheduler(IServiceProvider services, IConfiguration configuration, ILogger<AgentScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int minutes = configuration.GetValue("Agent:ScheduleMinutes", 0);
        if (minutes <= 0)
        {
            return;
        }

        logger.LogInformation("Intervention agent scheduled every {Minutes} minutes", minutes);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                CopilotRuntime runtime = services.GetRequiredService<CopilotRuntime>();
                var report = await runtime.InterventionAgent.RunAsync("scheduler", runtime.Clock.GetUtcNow(), dryRun: false, stoppingToken);
                logger.LogInformation("Scheduled agent run: {Acted} acted, {Queued} queued for approval, stopped {Stopped}", report.Acted, report.QueuedForApproval, report.Stopped);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CopilotBot.Workspace.CopilotTelemetry.RecordError("agent", ex);
                logger.LogError(ex, "Scheduled agent run failed; the next run is in {Minutes} minutes", minutes);
            }
        }
    }
}
