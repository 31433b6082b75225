using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// The conversations this process holds, in memory and bounded: idle ones (no request and no open stream for
/// <see cref="DirectLineOptions.ConversationIdleTimeout"/>) are forgotten; past <see cref="DirectLineOptions.MaxConversations"/>
/// (or a user's <see cref="DirectLineOptions.MaxConversationsPerUser"/>) the least recently used idle one goes, and when none
/// is idle a new conversation is refused rather than one in use forgotten. Forgetting a conversation closes its streams; its clients then get 404 and start anew.
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
    /// <exception cref="InvalidOperationException">The store is full of conversations in use (<see cref="TryGetOrStart"/> says why instead).</exception>
    public (DirectLineConversation Conversation, bool Created) GetOrStart(string id, string userId)
    {
        DirectLineStart start = TryGetOrStart(id, userId);
        return start.Conversation is { } conversation ? (conversation, start.Created) : throw new InvalidOperationException(start.Refusal);
    }

    /// <summary>
    /// Returns the conversation <paramref name="id"/> if it exists, else starts it for <paramref name="userId"/>. Room is made
    /// by forgetting idle conversations only (the user's own first when they are at their cap, else anyone's, least recently
    /// used first); when there is none to forget the start is refused with a reason and nothing is forgotten.
    /// </summary>
    public DirectLineStart TryGetOrStart(string id, string userId)
    {
        Sweep();
        lock (_createGate)
        {
            if (_conversations.TryGetValue(id, out DirectLineConversation? existing) && !existing.IsEnded)
            {
                existing.Touch();
                return new DirectLineStart(existing, false, null);
            }

            DateTimeOffset now = _clock.GetUtcNow();
            var mine = _conversations.Where(p => !p.Value.IsEnded && string.Equals(p.Value.UserId, userId, StringComparison.Ordinal)).ToList();
            if (mine.Count >= _options.MaxConversationsPerUser && !EvictIdle(mine, now))
            {
                return new DirectLineStart(null, false,
                    $"You already have {mine.Count} conversations open; close one (or wait until one has been idle for {Minutes(_options.ConversationInUseWindow)}) and try again.");
            }

            while (_conversations.Count >= _options.MaxConversations)
            {
                if (!EvictIdle(_conversations, now))
                {
                    return new DirectLineStart(null, false, "The chat is serving as many conversations as it can; please try again in a few minutes.");
                }
            }

            var conversation = new DirectLineConversation(id, userId, _clock, _options.MaxActivitiesPerConversation, _options.MaxBytesPerConversation);
            _conversations[id] = conversation;
            return new DirectLineStart(conversation, true, null);
        }
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

    /// <summary>Forgets the least recently used conversation among <paramref name="candidates"/> that is not in use; false when all are.</summary>
    private bool EvictIdle(IEnumerable<KeyValuePair<string, DirectLineConversation>> candidates, DateTimeOffset now)
    {
        KeyValuePair<string, DirectLineConversation>? oldest = null;
        foreach (KeyValuePair<string, DirectLineConversation> pair in candidates)
        {
            bool inUse = pair.Value.OpenStreams > 0 || now - pair.Value.LastActive < _options.ConversationInUseWindow;
            if (!inUse && (oldest is null || pair.Value.LastActive < oldest.Value.Value.LastActive))
            {
                oldest = pair;
            }
        }

        return oldest is { } evict && Forget(evict.Key, evict.Value);
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes == 1 ? "a minute" : $"{span.TotalMinutes:0} minutes";

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

/// <summary>What starting (or finding) a conversation did: the conversation, or why none was started.</summary>
public sealed record DirectLineStart(DirectLineConversation? Conversation, bool Created, string? Refusal);
