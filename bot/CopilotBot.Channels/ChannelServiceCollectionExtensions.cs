using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Channels.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CopilotBot.Channels;

/// <summary>
/// Registers the channel endpoints and what they need, from the <c>Bot:</c>, <c>Slack:</c> and <c>DirectLine:</c> configuration sections. The host
/// may register its own <see cref="IChannelWorkQueue"/>, <see cref="IInboundDeduplicator"/> and <see cref="ISharedChartImages"/> (e.g. database-backed) or
/// <see cref="IChannelUserResolver"/> before calling this; existing registrations are kept.
/// </summary>
public static class ChannelServiceCollectionExtensions
{
    public static IServiceCollection AddCopilotChannels(this IServiceCollection services, IConfiguration configuration)
    {
        BotOptions bot = configuration.GetSection(BotOptions.Section).Get<BotOptions>() ?? new BotOptions();
        SlackOptions slack = configuration.GetSection(SlackOptions.Section).Get<SlackOptions>() ?? new SlackOptions();
        services.TryAddSingleton(bot);
        services.TryAddSingleton(slack);
        services.TryAddSingleton(sp => new ChartImageCache(
            bot.PublicBaseUrl, shared: sp.GetService<ISharedChartImages>(), logger: sp.GetService<Microsoft.Extensions.Logging.ILogger<ChartImageCache>>()));
        services.TryAddSingleton<IInboundDeduplicator>(_ => new MemoryInboundDeduplicator());
        services.TryAddSingleton<IChannelWorkQueue, InProcessChannelWorkQueue>();
        services.TryAddSingleton<IChannelUserResolver>(PassThroughUserResolver.Instance);
        services.TryAddSingleton<TrustedServiceUrls>();

        // Long-lived clients with pooled connections recycled every few minutes, so DNS changes are picked up.
        services.TryAddSingleton(_ => new ChannelHttp(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        }));
        services.TryAddSingleton<IBotSigningKeySource>(sp =>
        {
            BotOptions options = sp.GetRequiredService<BotOptions>();
            return new OpenIdBotSigningKeySource(options.OpenIdMetadataUrl, sp.GetRequiredService<ChannelHttp>().Client);
        });
        services.TryAddSingleton<IBotTokenSource>(sp =>
        {
            BotOptions options = sp.GetRequiredService<BotOptions>();
            return options.IsAnonymous ? AnonymousBotTokenSource.Instance : new MsalBotTokenSource(options);
        });
        services.TryAddSingleton<BotTokenValidator>();
        services.TryAddSingleton<IBotConnector>(sp => new BotConnectorClient(
            sp.GetRequiredService<ChannelHttp>().Client, sp.GetRequiredService<IBotTokenSource>(), sp.GetRequiredService<TrustedServiceUrls>()));
        services.TryAddSingleton<ISlackApi>(sp => new SlackWebApiClient(sp.GetRequiredService<ChannelHttp>().Client, sp.GetRequiredService<SlackOptions>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProactiveChannel, BotFrameworkProactiveChannel>(sp =>
            new BotFrameworkProactiveChannel(sp.GetRequiredService<IBotConnector>(), sp.GetRequiredService<TrustedServiceUrls>(), sp.GetRequiredService<BotOptions>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProactiveChannel, SlackProactiveChannel>(sp => new SlackProactiveChannel(sp.GetRequiredService<ISlackApi>(), sp.GetRequiredService<ChartImageCache>())));
        services.TryAddSingleton<BotFrameworkEndpoint>();
        services.TryAddSingleton<SlackEndpoint>();
        services.AddCopilotDirectLine(configuration);
        return services;
    }

    /// <summary>The shared outbound HttpClient, wrapped so it does not collide with a host's own HttpClient registration.</summary>
    public sealed record ChannelHttp(HttpClient Client);
}
