namespace CopilotBot.Host.Web;

/// <summary>Registration of the web host's abuse limits (per-user turn rate), kept out of <see cref="WebHost"/>.</summary>
public static class HardeningExtensions
{
    public static IServiceCollection AddCopilotHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions());
        services.AddSingleton<TurnRateLimiter>();
        return services;
    }
}
