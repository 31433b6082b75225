using System.Numerics.Tensors;
using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.TestDoubles;

namespace CopilotBot.Memory.Tests;

/// <summary>
/// Topics found among conversations outside the product's vocabulary: clusters of their vectors named by their
/// distinctive words, the same whatever order they come in, and keeping their names when found again or when new
/// conversations arrive; through the indexer, stored with the index and never touching conversations that have a topic.
/// </summary>
public sealed class TopicDiscoveryTests : IDisposable
{
    private static readonly string[] Themes = ["refund", "wifi", "baggage", "delay"];
    private static readonly string[] Filler = ["today", "again", "flight", "team", "really", "morning", "week", "still", "trip", "people"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Discover_NamesEachClusterByItsDistinctiveWord_WhenConversationsFallIntoThemes()
    {
        List<TopicInput> items = Items(perTheme: 25, seed: 1);

        TopicModel model = TopicDiscovery.Discover(items);

        Assert.Equal(Themes.Order(StringComparer.Ordinal), model.Topics.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal(ThemeOf(i.Id), model.Nearest(i.Vector)!.Name));
        Assert.Equal(items.Count, model.Basis);
    }

    [Fact]
    public void Discover_GivesTheSameTopics_WhateverOrderTheConversationsComeIn()
    {
        List<TopicInput> items = Items(perTheme: 25, seed: 2);

        TopicModel forward = TopicDiscovery.Discover(items);
        TopicModel backward = TopicDiscovery.Discover([.. Enumerable.Reverse(items)]);

        Assert.Equal(forward.Topics.Select(t => (t.Name, t.Size)), backward.Topics.Select(t => (t.Name, t.Size)));
        Assert.All(forward.Topics.Zip(backward.Topics), p => Assert.Equal(p.First.Centroid, p.Second.Centroid));
    }

    [Fact]
    public void Discover_KeepsThePreviousNames_WhenTopicsAreFoundAgainAmongMoreConversations()
    {
        TopicModel first = TopicDiscovery.Discover(Items(perTheme: 25, seed: 3));
        // Names people have seen (here made distinguishable from anything the words would give).
        var seen = new TopicModel([.. first.Topics.Select(t => t with { Name = "seen " + t.Name })], first.Basis);

        TopicModel again = TopicDiscovery.Discover(Items(perTheme: 40, seed: 4), seen);

        Assert.Equal(Themes.Select(t => "seen " + t).Order(StringComparer.Ordinal), again.Topics.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(160, again.Basis);
    }

    [Fact]
    public void Discover_FindsNoTopics_WhenThereAreTooFewConversations()
    {
        TopicModel model = TopicDiscovery.Discover(Items(perTheme: 4, seed: 5));

        Assert.Empty(model.Topics);
        Assert.Null(model.Nearest(Items(perTheme: 1, seed: 6)[0].Vector));
    }

    [Fact]
    public async Task TopicsAsync_NamesOnlyConversationsWithoutATopic_AndKeepsNamesAsConversationsArriveAndAcrossReopening()
    {
        var embedder = new CountingEmbedder(new HashingEmbedder(256));
        SupportConversation[] untopical = [.. Enumerable.Range(0, 32).Select(i => Conversation($"u{i:00}", Themes[i % 4], i, topic: null))];
        SupportConversation[] vocabulary = [.. Enumerable.Range(0, 5).Select(i => Conversation($"v{i}", "invoice", i, topic: "billing"))];
        Dictionary<string, string> before;
        using (var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors")))
        using (MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, embedder, store))
        {
            await indexer.IndexAsync([.. untopical, .. vocabulary]);
            before = new Dictionary<string, string>((await indexer.TopicsAsync()).Names);
            await indexer.IndexAsync([Conversation("late-1", "wifi", 40, null), Conversation("late-2", "refund", 41, null)]);
            ConversationTopics after = await indexer.TopicsAsync();

            Assert.Equal(before.Count + 2, after.Names.Count);
            Assert.All(before, n => Assert.Equal(n.Value, after.Names[n.Key]));
            Assert.Equal(after.Names["u01"], after.Names["late-1"]);
            Assert.Equal(after.Names["u00"], after.Names["late-2"]);

            // A removed conversation, or one given a topic from the vocabulary, leaves the discovered topics.
            await indexer.DeleteConversationsAsync(["u05"]);
            await indexer.IndexAsync([Conversation("u06", Themes[2], 6, topic: "billing")]);
            ConversationTopics pruned = await indexer.TopicsAsync();
            Assert.False(pruned.Names.ContainsKey("u05"));
            Assert.False(pruned.Names.ContainsKey("u06"));
            Assert.Equal(after.Names.Count - 2, pruned.Names.Count);
            // Restore what the reopened index below is compared with.
            await indexer.IndexAsync([untopical[5], untopical[6]]);
        }

        int embedded = embedder.TextsEmbedded;
        using var reopenedStore = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        using MemoryIndexer reopened = await MemoryIndexer.OpenAsync(_folder.Path, embedder, reopenedStore);
        ConversationTopics stored = await reopened.TopicsAsync();

        Assert.Equal(32, before.Count);
        Assert.DoesNotContain(before.Keys, id => id.StartsWith('v'));
        Assert.All(untopical, c => Assert.Equal(before[untopical[int.Parse(c.Id[1..]) % 4].Id], before[c.Id]));
        Assert.Equal(4, before.Values.Distinct().Count());
        Assert.All(before, n => Assert.Equal(n.Value, stored.Names[n.Key]));
        Assert.Equal(embedded, embedder.TextsEmbedded);
    }

    private static SupportConversation Conversation(string id, string theme, int i, string? topic) =>
        new(id, "acct-1", new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero).AddHours(i), topic, -0.4,
            [new ConversationTurn(Speaker.Customer, $"{theme} {theme} problem {Filler[i % Filler.Length]} {theme}"), new ConversationTurn(Speaker.Agent, "Sorry to hear that.")]);

    private static string ThemeOf(string id) => Themes[int.Parse(id.Split('-')[1])];

    /// <summary>Unit vectors scattered around one direction per theme, with texts using the theme's word among common ones.</summary>
    private static List<TopicInput> Items(int perTheme, int seed)
    {
        var random = new Random(seed);
        var centres = new Random(99);
        float[][] directions = [.. Themes.Select(_ => Unit([.. Enumerable.Range(0, 32).Select(_ => (float)(centres.NextDouble() - 0.5))]))];
        var items = new List<TopicInput>();
        for (int t = 0; t < Themes.Length; t++)
        {
            for (int i = 0; i < perTheme; i++)
            {
                float[] v = [.. directions[t].Select(x => x + (float)((random.NextDouble() - 0.5) * 0.08))];
                string text = $"{Filler[random.Next(Filler.Length)]} {Themes[t]} {Filler[random.Next(Filler.Length)]} {Filler[random.Next(Filler.Length)]}";
                items.Add(new TopicInput($"s{seed}-{t}-{i}", Unit(v), text));
            }
        }

        return items;
    }

    private static float[] Unit(float[] v)
    {
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
