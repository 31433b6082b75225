using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Support;

/// <summary>
/// The workspace's support conversations with their turns, held in memory for <see cref="SupportPlugin"/>: every question
/// and trend used to read its period (and the one before) from the store and tokenise every conversation again, about
/// 100 ms a question on the demo workspace. The copy is reloaded when the number of conversations changes (imports add
/// them; the question waits for it) and, in the background while questions go on being answered from the old copy, once
/// it is a minute old (a re-import that only replaces turns); unchanged conversations keep their computed term counts. Slices come back in the store's order (start time, then id) with each conversation's turns by sequence.
/// </summary>
internal sealed class SupportCorpus(IConversationStore conversations)
{
    private static readonly TimeSpan ReloadAfter = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _refreshing;

    public async Task<IReadOnlyList<Entry>> SliceAsync(string? accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        Snapshot snapshot = await CurrentAsync(cancellationToken);
        var slice = new List<Entry>();
        // Entries are ordered by start time: find the first at or after `from`, stop at `to`.
        int lo = 0, hi = snapshot.Entries.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (snapshot.Entries[mid].Conversation.StartedAt < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (int i = lo; i < snapshot.Entries.Length && snapshot.Entries[i].Conversation.StartedAt < to; i++)
        {
            Entry entry = snapshot.Entries[i];
            if (accountId is null || string.Equals(entry.Conversation.AccountId, accountId, StringComparison.Ordinal))
            {
                slice.Add(entry);
            }
        }

        return slice;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        int count = await conversations.CountAsync(cancellationToken);
        if (_snapshot is { } current && current.Count == count)
        {
            // Same conversations, only older than a minute: answer from this copy and refresh it off the request path.
            if (Environment.TickCount64 - current.LoadedAt >= ReloadAfter.TotalMilliseconds)
            {
                RefreshInBackground();
            }

            return current;
        }

        // New conversations (an import): wait for them, so the answer counts them.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _snapshot is { } again && again.Count == count ? again : await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void RefreshInBackground()
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await _gate.WaitAsync();
            try
            {
                if (_snapshot is not { } stale || Environment.TickCount64 - stale.LoadedAt >= ReloadAfter.TotalMilliseconds)
                {
                    await LoadAsync(CancellationToken.None);
                }
            }
            catch (Exception)
            {
                // The store failed: keep answering from the copy in hand; the next question's count call says so if it is gone.
            }
            finally
            {
                _gate.Release();
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    /// <summary>Reads every conversation and its turns; a conversation unchanged since the last copy keeps its entry (and the term counts computed for it).</summary>
    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        long loadedAt = Environment.TickCount64;
        IReadOnlyList<SupportConversation> headers = await conversations.ListAsync(null, null, null, cancellationToken);
        ILookup<string, ConversationTurn> turns = (await conversations.ListTurnsAsync(null, null, null, cancellationToken)).ToLookup(t => t.ConversationId);
        Dictionary<string, Entry> previous = _snapshot?.Entries.ToDictionary(e => e.Conversation.Id, StringComparer.Ordinal) ?? [];
        Entry[] entries = headers.Select(c =>
        {
            List<ConversationTurn> ordered = turns[c.Id].OrderBy(t => t.Seq).ToList();
            return previous.TryGetValue(c.Id, out Entry? old) && old.Conversation == c && old.Turns.SequenceEqual(ordered) ? old : new Entry(c, ordered);
        }).ToArray();
        _snapshot = new Snapshot(entries, headers.Count, loadedAt);
        return _snapshot;
    }

    /// <summary>One conversation, its turns, and (computed once, on first use) its searchable text and term counts.</summary>
    internal sealed class Entry(SupportConversation conversation, List<ConversationTurn> turns)
    {
        private string? _text;
        private KeywordScorer.Document? _document;

        public SupportConversation Conversation { get; } = conversation;

        public List<ConversationTurn> Turns { get; } = turns;

        /// <summary>The subject and what the customer said: what questions are matched against.</summary>
        public string Text => _text ??= (Conversation.Subject ?? string.Empty) + " " + string.Join(' ', Turns.Where(t => t.Speaker == Speaker.Customer).Select(t => t.Text));

        public KeywordScorer.Document Document => _document ??= KeywordScorer.Document.Of(KeywordScorer.Terms(Text));
    }

    private sealed record Snapshot(Entry[] Entries, int Count, long LoadedAt);
}
