using System.ComponentModel;
using System.Globalization;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Kernel;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Item = CopilotBot.Plugins.Support.SupportCorpus.Entry;

namespace CopilotBot.Plugins.Support;

[Description("Answers from support conversations, always with evidence; sentiment and topic trends.")]
public sealed class SupportPlugin(IConversationStore conversations, IAccountStore accounts, SupportMemory? memory = null)
{
    private const double NegativeBelow = -0.2;
    private readonly SupportCorpus _corpus = new(conversations);

    [KernelFunction("ask")]
    [Description("Answer a question from support conversations (complaints, outages, billing issues), with counts, sentiment against the previous period, and evidence.")]
    public async Task<PluginResult> AskAsync(
        CallerContext caller,
        [Description("The question in the user's words")] string? question = null,
        [Description("Account id to restrict to")] string? account = null,
        [Description("billing | login | performance | outage | integration | feature_request | onboarding | cancellation")] string? topic = null,
        [Description("Start date yyyy-MM-dd (inclusive)")] string? from = null,
        [Description("End date yyyy-MM-dd (inclusive)")] string? to = null,
        CancellationToken cancellationToken = default)
    {
        (DateOnly start, DateOnly end, string? error) = Range(caller, from, to, defaultDays: 90);
        if (error is not null)
        {
            return PluginResult.Refuse(error);
        }

        Slice current = await LoadAsync(caller, account, topic, start, end, cancellationToken);
        int days = end.DayNumber - start.DayNumber + 1;
        Slice baseline = await LoadAsync(caller, account, topic, start.AddDays(-days), start.AddDays(-1), cancellationToken, current.AccountNames);
        string scope = Describe(account, topic, start, end, current.AccountNames);
        if (current.Items.Count == 0)
        {
            return new PluginResult($"No support conversations {scope}.") { Data = new { count = 0 } };
        }

        // The words that ask about something: not the account's name or the topic, which are already filters.
        List<string> questionTerms = KeywordScorer.Terms(question ?? string.Empty);
        HashSet<string> nameTerms = questionTerms.Count == 0 ? [] : current.AccountNames.Values.SelectMany(KeywordScorer.Terms).ToHashSet(StringComparer.Ordinal);
        List<string> query = questionTerms
            .Where(t => !nameTerms.Contains(t)
                && !KeywordScorer.Terms((topic ?? string.Empty).Replace('_', ' ')).Contains(t))
            .Distinct().ToList();
        var documents = current.Items.Select(i => i.Document).ToList();
        double[] scores = KeywordScorer.Score(documents, query);
        bool keywordMatch = scores.Any(s => s > 0);
        if (!keywordMatch && query.Count > 0)
        {
            // The question names something ("baggage") that no conversation mentions: say so rather than list everything.
            var asked = KeywordScorer.Words(question ?? string.Empty).Where(w => query.Contains(w.Stem)).Select(w => w.Word).Distinct().Take(4);
            return new PluginResult($"None of the {Quantity.Of(current.Items.Count, "support conversation")} {scope} mention {string.Join(", ", asked)}.")
            {
                Data = new { count = 0, searched = current.Items.Count, terms = query },
            };
        }

        // With matching words, count the conversations that mention them; otherwise (e.g. "what are they complaining
        // about") every conversation in the slice, most negative and most recent first.
        var ranked = Enumerable.Range(0, current.Items.Count)
            .Where(i => !keywordMatch || scores[i] > 0)
            .OrderByDescending(i => keywordMatch ? scores[i] : -(current.Items[i].Conversation.Sentiment ?? 0))
            .ThenByDescending(i => current.Items[i].Conversation.StartedAt)
            .Select(i => current.Items[i])
            .ToList();
        var matched = keywordMatch ? ranked : current.Items;
        bool indexDown = false;
        if (keywordMatch && memory is not null)
        {
            // The evidence comes from hybrid retrieval (vectors + BM25, fused), inside the same scope and filters.
            (List<Item>? retrieved, indexDown) = await RetrieveAsync(question!, account, topic, start, end, current, cancellationToken);
            ranked = retrieved ?? ranked;
        }

        int negative = matched.Count(i => i.Conversation.Sentiment < NegativeBelow);
        double negShare = negative / (double)matched.Count;
        // The baseline is the same question asked of the previous period: the same words, when the question had any.
        var baselineItems = baseline.Items;
        if (keywordMatch)
        {
            double[] baselineScores = KeywordScorer.Score(baseline.Items.Select(i => i.Document).ToList(), query);
            baselineItems = baseline.Items.Where((_, i) => baselineScores[i] > 0).ToList();
        }

        double baseShare = baselineItems.Count == 0 ? 0 : baselineItems.Count(i => i.Conversation.Sentiment < NegativeBelow) / (double)baselineItems.Count;
        var topics = matched.GroupBy(i => i.Conversation.Topic ?? "unlabelled").OrderByDescending(g => g.Count()).Take(4)
            .Select(g => $"{g.Key.Replace('_', ' ')} {g.Count()}").ToList();
        int accountsCount = matched.Select(i => i.Conversation.AccountId).Distinct().Count();

        var evidence = ranked.Take(5).Select(i => new Evidence(
            i.Conversation.Id,
            i.Conversation.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            i.Conversation.AccountId,
            BestSentence(i, query))).ToList();
        string text =
            $"{matched.Count} conversation{(matched.Count == 1 ? string.Empty : "s")} from {accountsCount} account{(accountsCount == 1 ? string.Empty : "s")} {scope}" +
            (keywordMatch ? $" mention {string.Join(", ", KeywordScorer.Words(question ?? string.Empty).Where(w => query.Contains(w.Stem)).Select(w => w.Word).Distinct().Take(4))}" : string.Empty) + ". " +
            $"Negative: {Format.Percent(negShare)} (previous {(days == 1 ? "day" : days + " days")}: {Format.Percent(baseShare)}{(keywordMatch ? $", {Quantity.Of(baselineItems.Count, "conversation")}" : string.Empty)}). " +
            $"Top topics: {string.Join(", ", topics)}. " +
            (evidence.Count > 0 ? $"Most relevant: \"{evidence[0].Snippet}\" ({evidence[0].Id}, {evidence[0].Date})." : string.Empty) +
            (indexDown ? " " + IndexDownNote : string.Empty);

        var rows = evidence.Select(e => (IReadOnlyList<string>)[e.Id, e.Date, current.AccountNames.GetValueOrDefault(e.AccountId ?? string.Empty, e.AccountId ?? "—"), e.Snippet]).ToList();
        var card = new Card(
            "Support conversations",
            [
                new CardFacts([("Conversations", Format.Int(matched.Count)), ("Accounts", Format.Int(accountsCount)), ("Negative", $"{Format.Percent(negShare)} (was {Format.Percent(baseShare)})"), ("Topics", string.Join(", ", topics))]),
                new CardTable(["Conversation", "Date", "Account", "What they said"], rows),
            ],
            []);
        return new PluginResult(text)
        {
            Cards = [card],
            Evidence = evidence,
            AccountsShown = evidence.Where(e => e.AccountId is not null).Select(e => e.AccountId!).Distinct().ToList(),
            Data = new { count = matched.Count, accounts = accountsCount, negative_share = Math.Round(negShare, 3), baseline_negative_share = Math.Round(baseShare, 3), topics, evidence },
        };
    }

    [KernelFunction("trends")]
    [Description("Sentiment and topic volume over time (by day or week), with spikes against the baseline and the conversations behind them.")]
    public async Task<PluginResult> TrendsAsync(
        CallerContext caller,
        [Description("Topic to restrict to")] string? topic = null,
        [Description("Account id to restrict to")] string? account = null,
        [Description("Start date yyyy-MM-dd")] string? from = null,
        [Description("End date yyyy-MM-dd")] string? to = null,
        [Description("day | week")] string? granularity = null,
        CancellationToken cancellationToken = default)
    {
        (DateOnly start, DateOnly end, string? error) = Range(caller, from, to, defaultDays: 84);
        if (error is not null)
        {
            return PluginResult.Refuse(error);
        }

        bool daily = string.Equals(granularity, "day", StringComparison.OrdinalIgnoreCase) || end.DayNumber - start.DayNumber <= 31;
        Slice slice = await LoadAsync(caller, account, topic, start, end, cancellationToken);
        if (slice.Items.Count == 0)
        {
            return new PluginResult($"No support conversations {Describe(account, topic, start, end, slice.AccountNames)}.") { Data = new { count = 0 } };
        }

        DateOnly BucketOf(DateOnly d) => daily ? d : d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
        var buckets = new SortedDictionary<DateOnly, List<Item>>();
        for (DateOnly d = BucketOf(start); d <= end; d = d.AddDays(daily ? 1 : 7))
        {
            buckets[d] = [];
        }

        foreach (Item i in slice.Items)
        {
            DateOnly key = BucketOf(DateOnly.FromDateTime(i.Conversation.StartedAt.UtcDateTime));
            if (buckets.TryGetValue(key, out List<Item>? list))
            {
                list.Add(i);
            }
        }

        var negatives = buckets.Values.Select(b => b.Count(i => i.Conversation.Sentiment < NegativeBelow)).ToList();
        double mean = negatives.Average();
        double sd = Math.Sqrt(negatives.Average(n => (n - mean) * (n - mean)));
        double threshold = Math.Max(mean + (2 * sd), mean + 3);
        var spikes = buckets.Where(b => b.Value.Count(i => i.Conversation.Sentiment < NegativeBelow) > threshold).ToList();

        var rows = buckets.Select(b =>
        {
            int n = b.Value.Count, neg = b.Value.Count(i => i.Conversation.Sentiment < NegativeBelow);
            string top = b.Value.GroupBy(i => i.Conversation.Topic ?? "—").OrderByDescending(g => g.Count()).FirstOrDefault()?.Key ?? "—";
            bool spike = neg > threshold;
            return (IReadOnlyList<string>)[Format.Iso(b.Key), Format.Int(n), Format.Int(neg), n == 0 ? "—" : Format.Percent(neg / (double)n), top.Replace('_', ' '), spike ? "▲ spike" : string.Empty];
        }).ToList();
        var evidence = spikes.SelectMany(s => s.Value.Where(i => i.Conversation.Sentiment < NegativeBelow).OrderBy(i => i.Conversation.Sentiment).Take(3))
            .Select(i => new Evidence(i.Conversation.Id, i.Conversation.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.Conversation.AccountId, BestSentence(i, [])))
            .ToList();
        string spikeText = spikes.Count == 0
            ? "No spikes against the baseline."
            : "Spikes: " + string.Join("; ", spikes.Select(s => $"{Format.Iso(s.Key)} ({s.Value.Count(i => i.Conversation.Sentiment < NegativeBelow)} negative, mostly {s.Value.GroupBy(i => i.Conversation.Topic).OrderByDescending(g => g.Count()).First().Key?.Replace('_', ' ')})")) + ".";
        string text = $"{Quantity.Of(slice.Items.Count, "conversation")} {Describe(account, topic, start, end, slice.AccountNames)}, by {(daily ? "day" : "week")}: " +
            $"on average {mean:0.0} negative per {(daily ? "day" : "week")}. {spikeText}";
        var body = new List<CardElement>();
        CardChart? chart = TrendChart.Build(
            buckets.Select(b => (b.Key, b.Value.Count, b.Value.Count(i => i.Conversation.Sentiment < NegativeBelow))).ToList(), daily, spikes.Select(s => s.Key).ToList());
        if (chart is not null)
        {
            body.Add(chart);
        }

        body.Add(new CardTable([daily ? "Day" : "Week of", "Conversations", "Negative", "Negative %", "Top topic", ""], rows));
        var card = new Card($"Support trends ({(daily ? "daily" : "weekly")})", body, []);
        return new PluginResult(text)
        {
            Cards = [card],
            Evidence = evidence,
            Data = new { granularity = daily ? "day" : "week", buckets = buckets.Select(b => new { start = Format.Iso(b.Key), count = b.Value.Count }), spikes = spikes.Select(s => Format.Iso(s.Key)) },
        };
    }

    /// <summary>Said when the retrieval index (e.g. Qdrant) could not be used and keyword ranking stood in.</summary>
    public const string IndexDownNote = "(The semantic search index is unavailable right now, so these are ranked by keyword match; counts are unaffected.)";

    private async Task<(List<Item>? Items, bool Unavailable)> RetrieveAsync(string question, string? account, string? topic, DateOnly start, DateOnly end, Slice slice, CancellationToken cancellationToken)
    {
        var byId = slice.Items.ToDictionary(i => i.Conversation.Id);
        var filter = new CopilotBot.Memory.VectorFilter
        {
            AccountIds = account is not null ? [account] : slice.ScopedAccounts,
            From = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            Until = new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            Topics = topic is null ? null : [topic.Trim().ToLowerInvariant().Replace(' ', '_')],
        };
        try
        {
            var results = await memory!.SearchAsync(new CopilotBot.Memory.MemoryQuery(question) { Filter = filter, Limit = 5 }, cancellationToken);
            var items = results.Select(r => byId.GetValueOrDefault(r.ConversationId)).OfType<Item>().ToList();
            return (items.Count > 0 ? items : null, false);
        }
        catch (Exception ex) when (ex is CopilotBot.Memory.VectorStoreException or CopilotBot.Memory.EmbeddingException or IOException)
        {
            // The index being unavailable costs ranking quality, not the answer: keyword ranking over the slice stands in,
            // and the reply says so.
            return (null, true);
        }
    }

    private static (DateOnly Start, DateOnly End, string? Error) Range(CallerContext caller, string? from, string? to, int defaultDays)
    {
        (DateOnly? f, string? e1) = Format.ParseDate(from, "the start date");
        (DateOnly? t, string? e2) = Format.ParseDate(to, "the end date");
        if ((e1 ?? e2) is { } error)
        {
            return (default, default, error);
        }

        DateOnly end = t ?? caller.Today;
        DateOnly start = f ?? end.AddDays(-defaultDays + 1);
        return start > end ? (default, default, "The start date is after the end date.") : (start, end, null);
    }

    /// <summary>The conversations of a period inside the caller's scope; <paramref name="visible"/> reuses a scope already read for this question.</summary>
    private async Task<Slice> LoadAsync(CallerContext caller, string? account, string? topic, DateOnly start, DateOnly end, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? visible = null)
    {
        var fromAt = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var toAt = new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        IReadOnlyList<Item> list = await _corpus.SliceAsync(account, fromAt, toAt, cancellationToken);
        visible ??= (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken))
            .Where(caller.Scope.Allows).ToDictionary(a => a.Id, a => a.Name);
        string? topicKey = topic?.Trim().ToLowerInvariant().Replace(' ', '_');
        // A scoped caller sees only conversations of accounts they may see; unlinked conversations only unscoped callers.
        var items = list.Where(i => (i.Conversation.AccountId is null ? caller.Scope.OwnerIds is null : visible.ContainsKey(i.Conversation.AccountId))
            && (topicKey is null || string.Equals(i.Conversation.Topic, topicKey, StringComparison.OrdinalIgnoreCase))).ToList();
        return new Slice(items, visible, caller.Scope.OwnerIds is null ? null : visible.Keys.ToList());
    }

    private static string Describe(string? account, string? topic, DateOnly start, DateOnly end, IReadOnlyDictionary<string, string> names) =>
        (topic is null ? string.Empty : $"about {topic.Replace('_', ' ')} ") +
        (account is null ? string.Empty : $"for {names.GetValueOrDefault(account, account)} ") +
        $"between {Format.Iso(start)} and {Format.Iso(end)}";

    /// <summary>The customer sentence that shares most words with the question (the first customer sentence if none does).</summary>
    private static string BestSentence(Item item, IReadOnlyCollection<string> query)
    {
        var sentences = item.Turns.Where(t => t.Speaker == Speaker.Customer)
            .SelectMany(t => t.Text.Split(['.', '!', '?', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(s => s.Length > 3).ToList();
        if (sentences.Count == 0)
        {
            return item.Conversation.Subject ?? "(no customer text)";
        }

        string best = sentences.OrderByDescending(s => KeywordScorer.Terms(s).Count(query.Contains)).First();
        return best.Length > 160 ? best[..157] + "…" : best;
    }

    private sealed record Slice(List<Item> Items, IReadOnlyDictionary<string, string> AccountNames, IReadOnlyCollection<string>? ScopedAccounts);
}
