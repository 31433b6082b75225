using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CopilotBot.Channels.BotFramework;

/// <summary>
/// The channel's signing keys and, per key id, the channels each key is endorsed for (the Bot Framework's extra
/// <c>endorsements</c> array on its JWKS entries, which the standard key types drop).
/// </summary>
public sealed record BotSigningKeys(IReadOnlyList<SecurityKey> Keys, IReadOnlyDictionary<string, IReadOnlyList<string>> Endorsements)
{
    public SecurityKey? Find(string keyId) => Keys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
}

/// <summary>Where the validator gets keys; <see cref="RequestRefresh"/> is called on an unknown <c>kid</c> (key rollover).</summary>
public interface IBotSigningKeySource
{
    Task<BotSigningKeys> GetAsync(CancellationToken cancellationToken);

    void RequestRefresh();
}

/// <summary>
/// Reads the OpenID metadata document, then its <c>jwks_uri</c> (IdentityModel's <see cref="HttpDocumentRetriever"/> and
/// <see cref="OpenIdConnectConfiguration"/>), and caches the keys for 24 h. An unknown <c>kid</c> (key rollover) forces a
/// synchronous re-fetch, at most once per <c>refreshInterval</c> (default 5 min) so forged key ids cannot hammer the
/// metadata endpoint. If a refresh fails the last good keys stay in use; with no keys yet, a failure is remembered (1 s, doubling
/// to 60 s) and requests fail fast (503) meanwhile instead of each refetching. Plain http is accepted only for loopback metadata
/// (local tests and tools). IdentityModel's ConfigurationManager is not used because it refreshes in the background and
/// would reject the first token signed with a rolled-over key.
/// </summary>
public sealed class OpenIdBotSigningKeySource : IBotSigningKeySource
{
    public static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromHours(24);

    /// <summary>After a failed fetch with no keys to fall back on, requests fail fast for this long, doubling up to <see cref="MaxFailureBackoff"/>.</summary>
    public static readonly TimeSpan FirstFailureBackoff = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxFailureBackoff = TimeSpan.FromSeconds(60);

    private readonly string _metadataUrl;
    private readonly HttpDocumentRetriever _documents;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private BotSigningKeys? _current;
    private DateTimeOffset _refreshAfter = DateTimeOffset.MinValue;
    private DateTimeOffset _lastForced = DateTimeOffset.MinValue;
    private DateTimeOffset _failedUntil = DateTimeOffset.MinValue;
    private TimeSpan _backoff = TimeSpan.Zero;

    public OpenIdBotSigningKeySource(string metadataUrl, HttpClient? httpClient = null, TimeSpan? refreshInterval = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metadataUrl);
        var uri = new Uri(metadataUrl, UriKind.Absolute);
        _metadataUrl = metadataUrl;
        _documents = httpClient is null ? new HttpDocumentRetriever() : new HttpDocumentRetriever(httpClient);
        _documents.RequireHttps = !uri.IsLoopback;
        _refreshInterval = refreshInterval ?? TimeSpan.FromMinutes(5);
        _clock = clock ?? TimeProvider.System;
    }

    public int Fetches { get; private set; }

    public async Task<BotSigningKeys> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && _clock.GetUtcNow() < _refreshAfter)
        {
            return current;
        }

        ThrowIfFailingRecently();
        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && _clock.GetUtcNow() < _refreshAfter)
            {
                return fresh;
            }

            // Requests that queued behind a failed fetch fail with it instead of fetching again (no storm on the endpoint).
            ThrowIfFailingRecently();
            try
            {
                _current = await FetchAsync(cancellationToken);
                Fetches++;
                _refreshAfter = _clock.GetUtcNow() + AutomaticRefreshInterval;
                _backoff = TimeSpan.Zero;
            }
            catch (Exception) when (_current is not null && !cancellationToken.IsCancellationRequested)
            {
                // Keep validating with the last good keys; try again after the rate limit.
                _refreshAfter = _clock.GetUtcNow() + _refreshInterval;
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No keys at all: remember the failure briefly (1 s, doubling to 60 s) so every request with a key id does
                // not refetch the failing metadata endpoint.
                _backoff = _backoff == TimeSpan.Zero ? FirstFailureBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxFailureBackoff.Ticks));
                _failedUntil = _clock.GetUtcNow() + _backoff;
                throw;
            }

            return _current;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private void ThrowIfFailingRecently()
    {
        if (_current is null && _clock.GetUtcNow() < _failedUntil)
        {
            throw new InvalidOperationException($"The OpenID metadata at {_metadataUrl} failed recently; not fetched again until {_failedUntil:O}.");
        }
    }

    public void RequestRefresh()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        if (now - _lastForced >= _refreshInterval)
        {
            _lastForced = now;
            _refreshAfter = now;
        }
    }

    private async Task<BotSigningKeys> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            OpenIdConnectConfiguration metadata = OpenIdConnectConfiguration.Create(await _documents.GetDocumentAsync(_metadataUrl, cancellationToken));
            if (string.IsNullOrEmpty(metadata.JwksUri))
            {
                throw new InvalidOperationException("The metadata has no jwks_uri.");
            }

            string jwks = await _documents.GetDocumentAsync(metadata.JwksUri, cancellationToken);
            return Parse(jwks);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // HTTP failures arrive as IOException, bad documents as ArgumentException/JsonException: to the validator they all
            // mean "keys unavailable".
            throw new InvalidOperationException($"Could not read the OpenID metadata or keys from {_metadataUrl}.", ex);
        }
    }

    private static BotSigningKeys Parse(string jwks)
    {
        var set = new JsonWebKeySet(jwks) { SkipUnresolvedJsonWebKeys = true };
        var endorsements = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using (JsonDocument document = JsonDocument.Parse(jwks))
        {
            if (document.RootElement.TryGetProperty("keys", out JsonElement keys) && keys.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement key in keys.EnumerateArray())
                {
                    if (key.TryGetProperty("kid", out JsonElement kid) && kid.ValueKind == JsonValueKind.String
                        && key.TryGetProperty("endorsements", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                    {
                        endorsements[kid.GetString()!] = list.EnumerateArray()
                            .Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
                    }
                }
            }
        }

        return new BotSigningKeys(set.GetSigningKeys().ToList(), endorsements);
    }
}
