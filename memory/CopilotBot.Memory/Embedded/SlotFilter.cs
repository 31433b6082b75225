namespace CopilotBot.Memory.Embedded;

/// <summary>A <see cref="VectorFilter"/> compiled against one collection's interned keys: int and long compares per point.</summary>
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
    }

    public bool Pass(int slot)
    {
        long ts = _timestamps[slot];
        return ts >= _from && ts < _until
            && (_accounts is null || (_accountKeys[slot] is int a && a >= 0 && _accounts[a]))
            && (_topics is null || (_topicKeys[slot] is int t && t >= 0 && _topics[t]))
            && (_excluded is null || !_excluded.Contains(_conversationKeys[slot]));
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
}
