using System.Net;
using CopilotBot.Channels.BotFramework;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CopilotBot.Host.Web;

/// <summary>
/// Anonymous local mode (no <c>Bot:MicrosoftAppId</c>) trusts whoever reaches the port, so it keeps itself to this machine:
/// only loopback host names are served (a DNS-rebinding page's <c>Host: evil.example</c> gets 400), unless
/// <c>AllowedHosts</c> names others; and start-up warns when it listens on anything but loopback.
/// </summary>
internal static class LocalModeExposure
{
    /// <summary>The host names anonymous local mode serves when <c>AllowedHosts</c> is not configured.</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "*.localhost", "127.0.0.1", "[::1]"];

    public static IServiceCollection AddLocalModeHostFiltering(this IServiceCollection services, IConfiguration configuration)
    {
        // ASP.NET Core's host filtering (on by default, reading AllowedHosts) allows every host when AllowedHosts is unset.
        // Registered after the defaults, this runs after them.
        services.AddOptions<HostFilteringOptions>().PostConfigure<BotOptions>((options, bot) =>
        {
            if (!bot.IsAnonymous || !string.IsNullOrWhiteSpace(configuration["AllowedHosts"]))
            {
                return;
            }

            var hosts = new List<string>(LoopbackHosts);
            if (Uri.TryCreate(bot.PublicBaseUrl, UriKind.Absolute, out Uri? publicUrl))
            {
                hosts.Add(publicUrl.Host);
            }

            options.AllowedHosts = hosts;
            options.AllowEmptyHosts = false;
        });
        return services;
    }

    /// <summary>Logs a warning once the server listens, when anonymous local mode is reachable beyond loopback.</summary>
    public static void WarnWhenExposed(WebApplication app)
    {
        if (!app.Services.GetRequiredService<BotOptions>().IsAnonymous)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            ICollection<string>? addresses = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            IReadOnlyList<string> exposed = NonLoopback(addresses ?? []);
            if (exposed.Count > 0)
            {
                app.Logger.LogWarning(
                    "EXPOSED: anonymous local mode (no Bot:MicrosoftAppId) is listening on {Addresses}, not only loopback. Anyone who can reach it can post unauthenticated Bot Framework activities (unmapped senders act as the admin) and call /api/ask. Listen on 127.0.0.1 (--urls http://127.0.0.1:3978), or set Bot:MicrosoftAppId",
                    string.Join(", ", exposed));
            }
        });
    }

    /// <summary>The listening addresses that are not loopback (wildcards such as <c>0.0.0.0</c>, <c>[::]</c>, <c>+</c> and <c>*</c> included).</summary>
    public static IReadOnlyList<string> NonLoopback(IEnumerable<string> addresses) =>
        addresses.Where(a => !IsLoopback(HostOf(a))).ToList();

    private static string HostOf(string address)
    {
        int scheme = address.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme >= 0 ? address[(scheme + 3)..] : address;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        rest = slash >= 0 ? rest[..slash] : rest;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[1..close] : rest;
        }

        int colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
}
