using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Charts;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.Cards;

/// <summary>
/// Chart images behind a load balancer: what one instance's cache publishes, another instance's cache serves through the
/// shared store; a failing store never holds a reply back.
/// </summary>
public sealed class SharedChartImageTests
{
    private static CardChart Chart(string title = "Negative conversations by week") => new(
        new ChartSpec(ChartKind.Bar, title, ["Nov 2", "Nov 9", "Nov 16"], [new ChartSeries("Negative", [96, 97, 88])]),
        "Negative conversations held steady at about 90 a week.");

    private static TurnReply Reply(params CardChart[] charts) =>
        TurnReply.Plain("Trends") with { Cards = [new Card("Support trends", [new CardText("Weekly"), .. charts], [])] };

    [Fact]
    public async Task GetAsync_ServesAnotherInstancesChart_WhenItWasPublishedToTheSharedStore()
    {
        var shared = new MemoryShared();
        var a = new ChartImageCache("https://bot.example.com", shared: shared);
        var b = new ChartImageCache("https://bot.example.com", shared: shared);
        CardChart chart = Chart(), second = Chart("Volume by week");

        await a.PublishAsync(Reply(chart, second));
        bool inBsMemoryBefore = b.TryGet(chart.Hash + ".png", out _);
        byte[]? served = await b.GetAsync(chart.Hash + ".png");
        int readsBefore = shared.Reads;
        byte[]? again = await b.GetAsync(chart.Hash + ".png");

        Assert.False(inBsMemoryBefore);
        Assert.Equal(chart.Png, served);
        Assert.Equal(chart.Png, again);
        Assert.Equal(readsBefore, shared.Reads); // kept in memory after the first read
        Assert.Equal(2, shared.Images.Count);
        Assert.Null(await b.GetAsync(new string('a', 64) + ".png"));
        Assert.Null(await b.GetAsync("../" + chart.Hash + ".png"));
    }

    [Fact]
    public async Task GetAsync_ServesNothing_WhenTheSharedBytesDoNotHashToTheName()
    {
        var shared = new MemoryShared();
        CardChart chart = Chart();
        shared.Images[chart.Hash] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
        var cache = new ChartImageCache("https://bot.example.com", shared: shared);

        byte[]? served = await cache.GetAsync(chart.Hash + ".png");

        Assert.Null(served);
    }

    [Fact]
    public async Task PublishAsync_KeepsTheChartOnThisInstance_WhenTheSharedStoreFails()
    {
        var shared = new MemoryShared { Failing = true };
        var cache = new ChartImageCache("https://bot.example.com", shared: shared);
        CardChart chart = Chart();

        await cache.PublishAsync(Reply(chart));

        Assert.True(cache.TryGet(chart.Hash + ".png", out byte[] png));
        Assert.Equal(chart.Png, png);
    }

    [Fact]
    public async Task PublishAsync_SavesNothing_WithoutAPublicBaseUrl()
    {
        var shared = new MemoryShared();
        var cache = new ChartImageCache(shared: shared);

        await cache.PublishAsync(Reply(Chart()));

        Assert.Empty(shared.Images);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task SendAsync_SavesTheChartToTheSharedStore_BeforeTheMessageNamingItIsPosted()
    {
        var shared = new MemoryShared();
        var slack = new CheckingSlack(shared);
        var channel = new SlackProactiveChannel(slack, new ChartImageCache("https://bot.example.com", shared: shared));
        CardChart chart = Chart();

        await channel.SendAsync(new ProactiveTarget("slack", "D1", SlackProactiveChannel.Reference("D1", "T1")), Reply(chart));

        Assert.Equal([$"https://bot.example.com/charts/{chart.Hash}.png"], slack.ImageUrls);
        Assert.Equal([true], slack.SavedWhenPosted);
    }

    private sealed class MemoryShared : ISharedChartImages
    {
        public ConcurrentDictionary<string, byte[]> Images { get; } = new();

        public bool Failing { get; set; }

        public int Reads { get; private set; }

        public Task SaveAsync(string hash, byte[] png, CancellationToken cancellationToken = default)
        {
            if (Failing)
            {
                throw new InvalidOperationException("the database is not there");
            }

            Images[hash] = png;
            return Task.CompletedTask;
        }

        public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
        {
            Reads++;
            return Task.FromResult(Images.TryGetValue(hash, out byte[]? png) ? png : null);
        }
    }

    /// <summary>Slack's Web API: records each posted image URL and whether the shared store had that image at that moment.</summary>
    private sealed class CheckingSlack(MemoryShared shared) : ISlackApi
    {
        public List<string> ImageUrls { get; } = [];

        public List<bool> SavedWhenPosted { get; } = [];

        public Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
        {
            foreach (JsonNode? block in blocks ?? [])
            {
                if ((string?)block?["type"] == "image")
                {
                    string url = (string)block["image_url"]!;
                    ImageUrls.Add(url);
                    SavedWhenPosted.Add(shared.Images.ContainsKey(url[(url.LastIndexOf('/') + 1)..^4]));
                }
            }

            return Task.FromResult(new SlackMessageRef(channel, "1.1"));
        }

        public Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SlackMessageRef(channel, ts));

        public Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
