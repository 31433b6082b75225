using CopilotBot.Channels.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Channels.DirectLine;

/// <summary>Registers the Direct Line endpoint from the <c>DirectLine:</c> section (called by <c>AddCopilotChannels</c>).</summary>
public static class DirectLineServiceCollectionExtensions
{
    /// <summary>
    /// Key of an optional <see cref="TimeProvider"/> for token expiry and idle conversations. A key of its own, so a clock
    /// the host registers for other reasons (e.g. one pinned to a demo date) never decides when a token expires.
    /// </summary>
    public const string ClockKey = "DirectLine";

    public static IServiceCollection AddCopilotDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        DirectLineOptions options = configuration.GetSection(DirectLineOptions.Section).Get<DirectLineOptions>() ?? new DirectLineOptions();
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        services.TryAddSingleton(options);
        services.TryAddSingleton<IChannelWorkQueue, InProcessChannelWorkQueue>();
        services.TryAddSingleton(sp => new DirectLineTokens(sp.GetRequiredService<DirectLineOptions>(), Clock(sp)));
        services.TryAddSingleton(sp => new DirectLineConversationStore(sp.GetRequiredService<DirectLineOptions>(), Clock(sp)));
        services.TryAddSingleton(sp => new DirectLineBot(
            sp.GetRequiredService<DirectLineOptions>(), sp.GetRequiredService<IChannelWorkQueue>(), sp.GetService<ILogger<DirectLineBot>>(), sp.GetService<ChartImageCache>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProactiveChannel, DirectLineProactiveChannel>(sp =>
            new DirectLineProactiveChannel(sp.GetRequiredService<DirectLineConversationStore>(), sp.GetRequiredService<DirectLineBot>())));
        services.TryAddSingleton<DirectLineEndpoint>();
        services.TryAddSingleton<DirectLineStream>();
        return services;
    }

    private static TimeProvider Clock(IServiceProvider services) => services.GetKeyedService<TimeProvider>(ClockKey) ?? TimeProvider.System;
}
