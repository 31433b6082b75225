using System.Text.RegularExpressions;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Common;

/// <summary>
/// The chart images the bot has rendered, kept for channels that show an image by URL (Slack fetches it from
/// <c>{public base URL}/charts/{sha256}.png</c>). Content-addressed: the URL names nothing but the PNG's hash, and only
/// PNGs this process rendered are served. Bounded by count and bytes, least recently used dropped first; in memory, so an
/// image outlives neither a restart nor the bound (Slack keeps its own copy once it has fetched it).
/// </summary>
public sealed partial class ChartImageCache
{
    public const string RoutePrefix = "/charts/";

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Hash, byte[] Png)>> _byHash = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Hash, byte[] Png)> _recent = new();
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private long _bytes;

    /// <param name="publicBaseUrl">An absolute http(s) URL the bot is reachable at, or null/empty: no image URLs then.</param>
    public ChartImageCache(string? publicBaseUrl = null, int maxEntries = 500, long maxBytes = 32L * 1024 * 1024)
    {
        if (!string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            if (!Uri.TryCreate(publicBaseUrl.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new ArgumentException($"Bot:PublicBaseUrl must be an absolute https URL such as https://bot.example.com, not '{publicBaseUrl}'.", nameof(publicBaseUrl));
            }

            PublicBaseUrl = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        (_maxEntries, _maxBytes) = (maxEntries, maxBytes);
    }

    /// <summary>The configured public base URL without a trailing slash, or null.</summary>
    public string? PublicBaseUrl { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byHash.Count;
            }
        }
    }

    /// <summary>Keeps the chart's PNG and returns its public URL; null (and nothing kept) when no public base URL is configured.</summary>
    /// <exception cref="ArgumentException">The chart's spec cannot be drawn.</exception>
    public string? PublicUrlFor(CardChart chart)
    {
        if (PublicBaseUrl is null)
        {
            return null;
        }

        Add(chart.Hash, chart.Png);
        return PublicBaseUrl + RoutePrefix + chart.Hash + ".png";
    }

    public void Add(string hash, byte[] png)
    {
        if (!IsHash(hash))
        {
            throw new ArgumentException("A chart is kept under the lowercase hex SHA-256 of its PNG.", nameof(hash));
        }

        lock (_gate)
        {
            if (_byHash.TryGetValue(hash, out var existing))
            {
                _recent.Remove(existing);
                _recent.AddFirst(existing);
                return;
            }

            _byHash[hash] = _recent.AddFirst((hash, png));
            _bytes += png.Length;
            while (_byHash.Count > _maxEntries || (_bytes > _maxBytes && _recent.Count > 1))
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _byHash.Remove(oldest.Value.Hash);
                _bytes -= oldest.Value.Png.Length;
            }
        }
    }

    /// <summary>The PNG for a route's file name (<c>{sha256}.png</c>); false for anything else or an image not (or no longer) kept.</summary>
    public bool TryGet(string fileName, out byte[] png)
    {
        png = [];
        if (!fileName.EndsWith(".png", StringComparison.Ordinal) || !IsHash(fileName[..^4]))
        {
            return false;
        }

        lock (_gate)
        {
            if (!_byHash.TryGetValue(fileName[..^4], out var node))
            {
                return false;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            png = node.Value.Png;
            return true;
        }
    }

    private static bool IsHash(string text) => Sha256Hex().IsMatch(text);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
