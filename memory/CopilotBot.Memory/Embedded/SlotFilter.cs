using System.Numerics;
using System.Runtime.Intrinsics;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// A <see cref="VectorFilter"/> compiled against one collection's interned keys: int and long compares per point. When
/// the filter names accounts or topics, their posting lists bound the matches ("seeds"), so a filter on one account
/// visits that account's points only.
/// </summary>
internal sealed class SlotFilter
{
    private readonly bool[]? _accounts;
    private readonly bool[]? _topics;
    private readonly HashSet<int>? _excluded;
    private readonly long _from;
    private readonly long _until;
    private readonly int[] _accountKeys;
    private readonly int[] _topicKeys;
    private readonly int[] _conversationKeys;
    private readonly long[] _timestamps;
    private readonly Postings? _seedPostings;
    private readonly int[] _seedKeys = [];

    public SlotFilter(VectorFilter filter, VectorCollection collection)
    {
        _accounts = Mask(filter.AccountIds, collection.Accounts);
        _topics = Mask(filter.Topics, collection.Topics);
        if (filter.ExcludeConversationIds is not null)
        {
            _excluded = [.. filter.ExcludeConversationIds.Select(collection.Conversations.Find).Where(k => k >= 0)];
        }

        _from = filter.FromUnixSeconds ?? long.MinValue;
        _until = filter.UntilUnixSeconds ?? long.MaxValue;
        _accountKeys = collection.AccountKeys;
        _topicKeys = collection.TopicKeys;
        _conversationKeys = collection.ConversationKeys;
        _timestamps = collection.Timestamps;

        // Seed from whichever of accounts and topics lists fewer points.
        SeedCount = -1;
        foreach ((bool[]? mask, Postings postings) in new[] { (_accounts, collection.AccountPostings), (_topics, collection.TopicPostings) })
        {
            if (mask is null)
            {
                continue;
            }

            int[] keys = [.. Enumerable.Range(0, mask.Length).Where(k => mask[k])];
            int count = keys.Sum(postings.Count);
            if (SeedCount < 0 || count < SeedCount)
            {
                SeedCount = count;
                _seedPostings = postings;
                _seedKeys = keys;
            }
        }
    }

    /// <summary>Points in the posting lists that contain every match, or -1 when the filter names no account or topic.</summary>
    public int SeedCount { get; }

    /// <summary>
    /// True when the filter excludes conversations: <see cref="Fill"/> leaves that condition out (it would cost a set
    /// lookup per point) and scans check <see cref="PassResidual"/> on the few points that become candidates.
    /// </summary>
    public bool HasResidual => _excluded is not null;

    /// <summary>Payload conditions only: the caller checks that the slot is live.</summary>
    public bool Pass(int slot) => PassIndexed(slot) && PassResidual(slot);

    /// <summary>The conversation exclusions alone.</summary>
    public bool PassResidual(int slot) => _excluded is null || !_excluded.Contains(_conversationKeys[slot]);

    /// <summary>Calls <paramref name="visit"/> for every live slot that passes, seeds only when there are seeds.</summary>
    public void ForEachMatch<TState>(ReadOnlySpan<ulong> live, ref TState state, Visitor<TState> visit)
        where TState : allows ref struct
    {
        if (_seedPostings is not null)
        {
            foreach (int key in _seedKeys)
            {
                foreach (int slot in _seedPostings.Slots(key))
                {
                    if (Pass(slot))
                    {
                        visit(ref state, slot);
                    }
                }
            }

            return;
        }

        for (int word = 0; word < live.Length; word++)
        {
            ulong bits = live[word];
            while (bits != 0)
            {
                int slot = word * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (Pass(slot))
                {
                    visit(ref state, slot);
                }
            }
        }
    }

    /// <summary>
    /// Sets the bit of every live slot that passes every condition but the residual one (see <see cref="HasResidual"/>);
    /// clears the rest of <paramref name="eligible"/>. Without seeds the time range is compared 4 timestamps at a time.
    /// </summary>
    public void Fill(Span<ulong> eligible, ReadOnlySpan<ulong> live)
    {
        if (_seedPostings is not null)
        {
            eligible.Clear();
            foreach (int key in _seedKeys)
            {
                foreach (int slot in _seedPostings.Slots(key))
                {
                    if (PassIndexed(slot))
                    {
                        eligible[slot >> 6] |= 1UL << slot;
                    }
                }
            }

            return;
        }

        // No account or topic condition: only the time range is left to test.
        bool ranged = _from != long.MinValue || _until != long.MaxValue;
        var from = Vector256.Create(_from);
        var until = Vector256.Create(_until);
        for (int word = 0; word < live.Length; word++)
        {
            ulong bits = live[word];
            if (bits != 0 && ranged)
            {
                ulong inRange = 0;
                for (int i = 0; i < 64; i += 4)
                {
                    Vector256<long> ts = Vector256.LoadUnsafe(ref _timestamps[word * 64 + i]);
                    inRange |= (ulong)(Vector256.GreaterThanOrEqual(ts, from) & Vector256.LessThan(ts, until)).ExtractMostSignificantBits() << i;
                }

                bits &= inRange;
            }

            eligible[word] = bits;
        }
    }

    private bool PassIndexed(int slot)
    {
        long ts = _timestamps[slot];
        return ts >= _from && ts < _until
            && (_accounts is null || (_accountKeys[slot] is int a && a >= 0 && _accounts[a]))
            && (_topics is null || (_topicKeys[slot] is int t && t >= 0 && _topics[t]));
    }

    private static bool[]? Mask(IReadOnlyCollection<string>? values, Interner interner)
    {
        if (values is null)
        {
            return null;
        }

        var mask = new bool[interner.Count];
        foreach (string value in values)
        {
            int key = interner.Find(value);
            if (key >= 0)
            {
                mask[key] = true;
            }
        }

        return mask;
    }

    public delegate void Visitor<TState>(ref TState state, int slot)
        where TState : allows ref struct;
}
