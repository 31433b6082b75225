using System.Collections.Concurrent;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// Service URLs seen on activities that passed token validation. The connector client sends its bearer token only to these,
/// so a forged activity cannot make the bot hand its token to a host the attacker controls.
/// </summary>
public sealed class TrustedServiceUrls
{
    // Service URLs are per region, a handful in practice; the cap only guards against a bug feeding it garbage.
    private const int MaxEntries = 1000;

    private readonly ConcurrentDictionary<string, byte> _urls = new(StringComparer.Ordinal);

    public void Trust(string serviceUrl)
    {
        if (_urls.Count < MaxEntries)
        {
            _urls.TryAdd(Normalize(serviceUrl), 0);
        }
    }

    public bool IsTrusted(string serviceUrl) => _urls.ContainsKey(Normalize(serviceUrl));

    /// <summary>Scheme and host are case-insensitive and a trailing slash is optional; the path is kept as is.</summary>
    internal static string Normalize(string serviceUrl)
    {
        var uri = new Uri(serviceUrl, UriKind.Absolute);
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/');
    }
}
