using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// The conversations this process holds, in memory and bounded: idle ones (no request and no open stream for
/// <see cref="DirectLineOptions.ConversationIdleTimeout"/>) are forgotten, and past <see cref="DirectLineOptions.MaxConversations"/>
/// the least recently used goes. Forgetting a conversation closes its streams; its clients then get 404 and start anew.
/// </summary>
public sealed class DirectLineConversationStore
{
    private readonly ConcurrentDictionary<string, DirectLineConversation> _conversations = new(StringComparer.Ordinal);
    private readonly DirectLineOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lock _createGate = new();
    private long _lastSweepTicks;

    public DirectLineConversationStore(DirectLineOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _lastSweepTicks = _clock.GetUtcNow().UtcTicks;
    }

    public int Count => _conversations.Count;

    /// <summary>A new conversation id: 128 random bits, URL-safe.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>True for ids this store could have made or accepted: short and URL-safe (anything else is never looked up).</summary>
    public static bool IsWellFormedId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The conversation <paramref name="id"/>, or null when it never existed or was forgotten.</summary>
    public DirectLineConversation? Find(string id)
    {
        SweepIfDue();
        if (!_conversations.TryGetValue(id, out DirectLineConversation? conversation) || conversation.IsEnded)
        {
            return null;
        }

        conversation.Touch();
        return conversation;
    }

    /// <summary>Returns the conversation <paramref name="id"/> if it exists, else starts it for <paramref name="userId"/> (<c>Created</c> true).</summary>
    public (DirectLineConversation Conversation, bool Created) GetOrStart(string id, string userId)
    {
        Sweep();
        lock (_createGate)
        {
            if (_conversations.TryGetValue(id, out DirectLineConversation? existing) && !existing.IsEnded)
            {
                existing.Touch();
                return (existing, false);
            }

            while (_conversations.Count >= _options.MaxConversations)
            {
                if (!EvictLeastRecentlyUsed())
                {
                    break;
                }
            }

            var conversation = new DirectLineConversation(id, userId, _clock, _options.MaxActivitiesPerConversation, _options.MaxBytesPerConversation);
            _conversations[id] = conversation;
            return (conversation, true);
        }
    }

    public DirectLineStart TryGetOrStart(string id, string userId)
    {
        (DirectLineConversation c, bool created) = GetOrStart(id, userId);
        return new DirectLineStart(c, created, null);
    }

    /// <summary>Forgets conversations idle past the timeout (open streams count as activity).</summary>
    public int Sweep()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
        int removed = 0;
        foreach ((string id, DirectLineConversation conversation) in _conversations)
        {
            if (conversation.IsEnded || (conversation.OpenStreams == 0 && now - conversation.LastActive >= _options.ConversationIdleTimeout))
            {
                removed += Forget(id, conversation) ? 1 : 0;
            }
        }

        return removed;
    }

    private void SweepIfDue()
    {
        // Lookups happen on every poll; a full pass at most once a minute is plenty for an idle timeout of hours.
        long last = Interlocked.Read(ref _lastSweepTicks);
        if (_clock.GetUtcNow().UtcTicks - last >= TimeSpan.FromMinutes(1).Ticks)
        {
            Sweep();
        }
    }

    private bool EvictLeastRecentlyUsed()
    {
        KeyValuePair<string, DirectLineConversation>? oldest = null;
        foreach (KeyValuePair<string, DirectLineConversation> pair in _conversations)
        {
            if (oldest is null || pair.Value.LastActive < oldest.Value.Value.LastActive)
            {
                oldest = pair;
            }
        }

        return oldest is { } evict && Forget(evict.Key, evict.Value);
    }

    private bool Forget(string id, DirectLineConversation conversation)
    {
        if (!_conversations.TryRemove(new KeyValuePair<string, DirectLineConversation>(id, conversation)))
        {
            return false;
        }

        conversation.End();
        return true;
    }
}

public sealed record DirectLineStart(DirectLineConversation? Conversation, bool Created, string? Refusal);
