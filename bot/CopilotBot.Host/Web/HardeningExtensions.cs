namespace CopilotBot.Host.Web;

/// <summary>Registration of the web host's abuse limits (per-user turn rate, shared by the instances on one PostgreSQL workspace), kept out of <see cref="WebHost"/>.</summary>
public static class HardeningExtensions
{
    public static IServiceCollection AddCopilotHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions());
        // Instances sharing a PostgreSQL workspace share the buckets too, so the limit holds whichever instance a turn reaches.
        services.AddSingleton(sp => WorkspaceFactory.IsShared(sp.GetRequiredService<IConfiguration>())
            ? new TurnRateLimiter(
                sp.GetRequiredService<RateLimitOptions>(), sp.GetRequiredService<ILogger<TurnRateLimiter>>(),
                () => sp.GetRequiredService<CopilotRuntime>().Workspace.RateLimits, TimeProvider.System)
            : new TurnRateLimiter(sp.GetRequiredService<RateLimitOptions>(), sp.GetRequiredService<ILogger<TurnRateLimiter>>()));
        return services;
    }
}
