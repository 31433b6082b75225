using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Cards;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.Slack;
using CopilotBot.Charts;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Channels.Tests.Cards;

public sealed class ChartCardTests
{
    private static CardChart Chart(string title = "Churned ARR by horizon") => new(
        new ChartSpec(ChartKind.Line, title, ["30 days", "90 days", "180 days"], [new ChartSeries("Expected", [1_340_000, 5_700_000, 6_740_000])])
        {
            Band = new ChartBand("90% interval", [548_000, 4_590_000, 5_130_000], [2_630_000, 7_580_000, 8_640_000]),
            Format = ValueFormat.Money,
        },
        "Expected churned ARR rises from $1.34M at 30 days to $6.74M at 180 days.");

    private static Card ForecastCard(CardChart? chart = null, string padding = "") => new(
        "Churn forecast",
        [
            new CardFacts([("Likely", "$5.7M")]),
            chart ?? Chart(),
            new CardTable(["Horizon", "Likely"], [["30 days", "$1.34M"], ["90 days", "$5.7M"], ["180 days", "$6.74M"]]),
            new CardText("Method" + padding, Subtle: true),
        ],
        []);

    [Fact]
    public void Adaptive_cards_carry_the_chart_as_a_valid_inline_png_image_before_the_table()
    {
        CardChart chart = Chart();

        JsonObject card = AdaptiveCardRenderer.Render(ForecastCard(chart));

        AdaptiveCardSchema.AssertValid(card);
        AdaptiveCardGuard.Validate(card);
        JsonArray body = card["body"]!.AsArray();
        JsonObject image = body.Single(e => (string?)e!["type"] == "Image")!.AsObject();
        string url = (string)image["url"]!;
        Assert.StartsWith("data:image/png;base64,", url, StringComparison.Ordinal);
        byte[] png = Convert.FromBase64String(url["data:image/png;base64,".Length..]);
        Assert.Equal(chart.Png, png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(chart.AltText, (string?)image["altText"]);
        Assert.True(body.IndexOf(image) < body.IndexOf(body.Single(e => (string?)e!["type"] == "Table")));
        Assert.InRange(Encoding.UTF8.GetByteCount(card.ToJsonString()), 1, AdaptiveCardGuard.DefaultMaxCardBytes);
    }

    [Fact]
    public void The_bot_framework_card_keeps_the_image_when_it_fits_and_drops_only_the_image_when_it_would_not()
    {
        Card small = ForecastCard();
        int imageChars = AdaptiveCardRenderer.DataUri(Chart()).Length;
        // Text that fits on its own but not together with the inline image.
        Card large = ForecastCard(padding: new string('x', AdaptiveCardGuard.DefaultMaxCardBytes - imageChars + 500));

        JsonObject kept = (JsonObject)BotFrameworkAdapter.RenderCard(small).Content!;
        JsonObject dropped = (JsonObject)BotFrameworkAdapter.RenderCard(large).Content!;

        Assert.Contains(kept["body"]!.AsArray(), e => (string?)e!["type"] == "Image");
        Assert.DoesNotContain(dropped["body"]!.AsArray(), e => (string?)e!["type"] == "Image");
        Assert.Contains(dropped["body"]!.AsArray(), e => (string?)e!["type"] == "Table");
        // Never silently: where the image was, the card says a chart is not shown and what it shows.
        Assert.Contains(dropped["body"]!.AsArray(), e => (string?)e!["text"] == MarkdownText.Escape(AdaptiveCardRenderer.ChartNotShown + Chart().AltText));
        Assert.True(Encoding.UTF8.GetByteCount(AdaptiveCardRenderer.Render(large).ToJsonString()) > AdaptiveCardGuard.DefaultMaxCardBytes, "the test card really is over the limit with its image");
        AdaptiveCardGuard.Validate(dropped);
    }

    [Fact]
    public void A_chart_too_large_to_go_inline_goes_by_the_url_the_channel_gives_and_teams_uses_the_public_url()
    {
        Card trends = TestCards.SupportTrendsDaily();
        CardChart chart = trends.Body.OfType<CardChart>().Single();
        var cache = new ChartImageCache("https://bot.example.com");

        JsonObject byUrl = (JsonObject)BotFrameworkAdapter.RenderCard(trends, cache.PublicUrlFor).Content!;
        JsonObject withoutUrl = (JsonObject)BotFrameworkAdapter.RenderCard(trends).Content!;
        var teams = new BotFrameworkAdapter(charts: cache).ToActivities(
            TestCards.Reply(trends), new Activity { Type = ActivityTypes.Message, Conversation = new ConversationAccount("c1"), From = new ChannelAccount("u1"), Recipient = new ChannelAccount("bot") });

        Assert.Equal($"https://bot.example.com/charts/{chart.Hash}.png", (string?)byUrl["body"]!.AsArray().Single(e => (string?)e!["type"] == "Image")!["url"]);
        AdaptiveCardGuard.Validate(byUrl);
        Assert.DoesNotContain(withoutUrl["body"]!.AsArray(), e => (string?)e!["type"] == "Image");
        Assert.Contains(withoutUrl["body"]!.AsArray(), e => ((string?)e!["text"])?.StartsWith(MarkdownText.Escape(AdaptiveCardRenderer.ChartNotShown), StringComparison.Ordinal) == true);
        string teamsCard = teams.Single(a => a.Attachments is { Count: > 0 }).Attachments![0].Content!.ToJsonString();
        Assert.Contains($"https://bot.example.com/charts/{chart.Hash}.png", teamsCard, StringComparison.Ordinal);
        Assert.True(cache.TryGet(chart.Hash + ".png", out _));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/charts/x.png")]
    [InlineData("data:text/html;base64,PGI+")]
    public void The_guard_refuses_images_that_are_neither_http_nor_inline_images(string url)
    {
        var card = JsonNode.Parse($$"""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Image","url":"{{url}}"}]}""")!.AsObject();

        var ex = Assert.Throws<CardValidationException>(() => AdaptiveCardGuard.Validate(card));

        Assert.Contains(ex.Problems, p => p.Contains("an Image needs", StringComparison.Ordinal));
    }

    [Fact]
    public void Slack_shows_the_table_alone_without_a_public_base_url()
    {
        var cache = new ChartImageCache();

        JsonArray blocks = BlockKitRenderer.Render(ForecastCard(), cache);
        JsonArray noCache = BlockKitRenderer.Render(ForecastCard());

        Assert.DoesNotContain(blocks, b => (string?)b!["type"] == "image");
        Assert.Equal(noCache.ToJsonString(), blocks.ToJsonString());
        // The reader is told there is a chart, why it is missing, and what it shows.
        Assert.Contains(blocks, b => (string?)b!["type"] == "context" && b["elements"]![0]!["text"]!.ToString().StartsWith(BlockKitRenderer.ChartNotShown, StringComparison.Ordinal));
        Assert.Contains(blocks, b => ((string?)b!["text"]?["text"])?.Contains("180 days", StringComparison.Ordinal) == true);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Slack_gets_an_image_block_at_the_public_url_that_the_cache_then_serves()
    {
        var cache = new ChartImageCache("https://bot.example.com/copilot/");
        CardChart chart = Chart();

        JsonArray blocks = BlockKitRenderer.Render(ForecastCard(chart), cache);

        JsonObject image = blocks.Single(b => (string?)b!["type"] == "image")!.AsObject();
        Assert.Equal($"https://bot.example.com/copilot/charts/{chart.Hash}.png", (string?)image["image_url"]);
        Assert.Equal(chart.AltText, (string?)image["alt_text"]);
        Assert.Matches("^[0-9a-f]{64}$", chart.Hash);
        Assert.True(cache.TryGet(chart.Hash + ".png", out byte[] served));
        Assert.Equal(chart.Png, served);
        Assert.Contains(blocks, b => ((string?)b!["text"]?["text"])?.Contains("180 days", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Slack_proactive_messages_use_the_same_cache()
    {
        var slack = new RecordingSlack();
        var cache = new ChartImageCache("https://bot.example.com");
        var channel = new SlackProactiveChannel(slack, cache);

        await channel.SendAsync(new ProactiveTarget("slack", "D1", SlackProactiveChannel.Reference("D1", "T1")), TurnReply.Plain("Forecast") with { Cards = [ForecastCard()] });

        JsonArray blocks = Assert.Single(slack.Posts)!;
        Assert.Contains(blocks, b => (string?)b!["type"] == "image" && ((string?)b["image_url"])!.StartsWith("https://bot.example.com/charts/", StringComparison.Ordinal));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void The_cache_is_bounded_least_recently_used_first_and_serves_only_hash_names()
    {
        var cache = new ChartImageCache("https://bot.example.com", maxEntries: 2);
        CardChart a = Chart("A"), b = Chart("B"), c = Chart("C");
        cache.PublicUrlFor(a);
        cache.PublicUrlFor(b);
        Assert.True(cache.TryGet(a.Hash + ".png", out _)); // a is now the most recent

        cache.PublicUrlFor(c);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(a.Hash + ".png", out _));
        Assert.False(cache.TryGet(b.Hash + ".png", out _));
        Assert.True(cache.TryGet(c.Hash + ".png", out _));
        foreach (string name in new[] { a.Hash, a.Hash.ToUpperInvariant() + ".png", "../" + a.Hash + ".png", a.Hash + ".png.png", new string('0', 64) + ".png", string.Empty })
        {
            Assert.False(cache.TryGet(name, out _), name);
        }
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://bot.example.com")]
    [InlineData("https://bot.example.com/?token=x")]
    public void A_bad_public_base_url_is_refused_naming_the_setting(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChartImageCache(url));

        Assert.Contains("Bot:PublicBaseUrl", ex.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingSlack : ISlackApi
    {
        public List<JsonArray?> Posts { get; } = [];

        public Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
        {
            Posts.Add(blocks);
            return Task.FromResult(new SlackMessageRef(channel, "1.1"));
        }

        public Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SlackMessageRef(channel, ts));

        public Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
