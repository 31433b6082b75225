using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CopilotBot.Channels.Common;

/// <summary>
/// The chart images the bot has rendered, kept for channels that show an image by URL (Slack fetches it from
/// <c>{public base URL}/charts/{sha256}.png</c>). Content-addressed: the URL names nothing but the PNG's hash, and only
/// PNGs this process rendered are served. Bounded by count and bytes, least recently used dropped first; in memory, so an
/// image outlives neither a restart nor the bound (Slack keeps its own copy once it has fetched it). With
/// <see cref="ISharedChartImages"/> (instances sharing a PostgreSQL workspace) a published chart is also saved there before
/// the message naming it is posted, and a miss in memory is looked up there: any instance serves any instance's charts.
/// </summary>
public sealed partial class ChartImageCache
{
    public const string RoutePrefix = "/charts/";

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Hash, byte[] Png)>> _byHash = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Hash, byte[] Png)> _recent = new();
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly ISharedChartImages? _shared;
    private readonly ILogger _logger;
    private long _bytes;

    /// <param name="publicBaseUrl">An absolute http(s) URL the bot is reachable at, or null/empty: no image URLs then.</param>
    /// <param name="maxEntries">How many images this process keeps in memory.</param>
    /// <param name="maxBytes">How many bytes of images this process keeps in memory.</param>
    /// <param name="shared">Where every instance's charts are kept, or null: this process serves only its own.</param>
    /// <param name="logger">Says when a chart could not be shared (the reply still goes out).</param>
    public ChartImageCache(
        string? publicBaseUrl = null, int maxEntries = 500, long maxBytes = 32L * 1024 * 1024, ISharedChartImages? shared = null, ILogger<ChartImageCache>? logger = null)
    {
        _shared = shared;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
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

        return UrlFor(chart, PublicBaseUrl);
    }

    /// <summary>
    /// Keeps the chart's PNG and returns its URL under <paramref name="baseUrl"/>: an address of this host its client can
    /// reach, such as the origin the local Web Chat page was loaded from (which fetches the image from this host).
    /// </summary>
    /// <exception cref="ArgumentException">The chart's spec cannot be drawn.</exception>
    public string UrlFor(CardChart chart, string baseUrl)
    {
        Add(chart.Hash, chart.Png);
        return baseUrl.TrimEnd('/') + RoutePrefix + chart.Hash + ".png";
    }

    /// <summary>
    /// Keeps every chart in the reply's cards (charts that cannot be drawn are left out, as the renderers leave them out)
    /// and, with a shared store, saves each there, so that the URLs in the message resolve on every instance by the time
    /// it is posted. A chart that cannot be saved is logged and still served by this instance: the reply goes out.
    /// </summary>
    public async Task PublishAsync(TurnReply reply, CancellationToken cancellationToken = default)
    {
        if (PublicBaseUrl is null)
        {
            return;
        }

        foreach (CardChart chart in reply.Cards.SelectMany(c => c.Body).OfType<CardChart>())
        {
            string hash;
            byte[] png;
            try
            {
                (hash, png) = (chart.Hash, chart.Png);
            }
            catch (ArgumentException)
            {
                continue;
            }

            Add(hash, png);
            if (_shared is null)
            {
                continue;
            }

            try
            {
                await _shared.SaveAsync(hash, png, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Chart {Hash} not shared ({Error}); only this instance serves it", hash, ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// The PNG for a route's file name (<c>{sha256}.png</c>): from memory, else from the shared store (then kept in
    /// memory); null for anything else, or an image no instance keeps. Bytes from the shared store are served only when
    /// they hash to the name.
    /// </summary>
    public async Task<byte[]?> GetAsync(string fileName, CancellationToken cancellationToken = default)
    {
        if (TryGet(fileName, out byte[] png))
        {
            return png;
        }

        if (_shared is null || !fileName.EndsWith(".png", StringComparison.Ordinal) || !IsHash(fileName[..^4]))
        {
            return null;
        }

        string hash = fileName[..^4];
        if (await _shared.GetAsync(hash, cancellationToken) is not { } stored
            || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(stored)), hash, StringComparison.Ordinal))
        {
            return null;
        }

        Add(hash, stored);
        return stored;
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
