using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CopilotBot.Channels.Slack;
using CopilotBot.Host;
using CopilotBot.Storage.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CopilotBot.Storage.Tests.Postgres;

/// <summary>
/// One PostgreSQL database and one workspace folder, seeded and with a churn model (the first start of a deployment),
/// and two web hosts on them; made once for <see cref="TwoHostsTests"/> (seeding and training take seconds).
/// </summary>
public sealed class TwoHostsFixture : IAsyncLifetime
{
    public const string Today = "2026-11-21";
    public const string SlackSecret = "two-hosts-secret";
    public const string PublicBaseUrl = "https://bot.example.com";

    /// <summary>The turn limit both hosts run with: a burst of six, then one a minute (no refill during a test).</summary>
    public const int Burst = 6;

    /// <summary>A Slack member mapped to the workspace admin (who sees every account), for replies with charts.</summary>
    public const string SlackAdmin = "UADMIN";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilot-hosts-" + Guid.NewGuid().ToString("N")[..10]);
    private string? _database;

    public WebApplicationFactory<Program> A { get; private set; } = null!;

    public WebApplicationFactory<Program> B { get; private set; } = null!;

    public RecordingSlack SlackA { get; } = new();

    public RecordingSlack SlackB { get; } = new();

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipRequested && PostgresServer.ConnectionString is null)
        {
            return; // The tests are reported as skipped.
        }

        _database = await PostgresServer.CreateDatabaseAsync("hosts");
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = _database })
            .Build();
        CopilotRuntime.Open(HostSettings.Resolve(_folder, Today, null, null), configuration: configuration).Workspace.Dispose();
        A = Host(SlackA);
        B = Host(SlackB);
        // Start both (and open their workspaces) before the tests race them.
        _ = A.Services.GetRequiredService<CopilotRuntime>();
        _ = B.Services.GetRequiredService<CopilotRuntime>();
    }

    public async Task DisposeAsync()
    {
        foreach (WebApplicationFactory<Program>? host in new[] { A, B })
        {
            if (host is not null)
            {
                host.Services.GetRequiredService<CopilotRuntime>().Workspace.Dispose();
                await host.DisposeAsync();
            }
        }

        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(_database);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp folders.
        }
    }

    /// <summary>Another host on the same database and folder: an instance started later (a restart, a new replica).</summary>
    public WebApplicationFactory<Program> StartAnother(RecordingSlack slack) => Host(slack);

    private WebApplicationFactory<Program> Host(RecordingSlack slack) => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting("Copilot:Workspace", _folder)
        .UseSetting("Copilot:Now", Today)
        .UseSetting("Storage:Provider", "Postgres")
        .UseSetting("Storage:ConnectionString", _database)
        .UseSetting("Slack:SigningSecret", SlackSecret)
        .UseSetting("Slack:BotToken", "xoxb-test")
        .UseSetting("Bot:PublicBaseUrl", PublicBaseUrl)
        .UseSetting("RateLimits:Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .UseSetting("RateLimits:TurnsPerMinute", "1")
        .UseSetting("Channels:Users:" + SlackAdmin, CopilotBot.Workspace.Demo.DemoUsers.AdminId)
        .ConfigureTestServices(s => s.AddSingleton<ISlackApi>(slack)));

    /// <summary>Slack's Web API for one host: records what the host posts (each answered event posts once); no network.</summary>
    public sealed class RecordingSlack : ISlackApi
    {
        private readonly ConcurrentQueue<(string Channel, string Text, JsonArray? Blocks)> _posts = new();

        public int Posts => _posts.Count;

        /// <summary>The blocks posted to a Slack channel, oldest first.</summary>
        public IReadOnlyList<JsonArray?> BlocksPostedTo(string channel) => [.. _posts.Where(p => p.Channel == channel).Select(p => p.Blocks)];

        public Task<SlackMessageRef> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
        {
            _posts.Enqueue((channel, text, blocks));
            return Task.FromResult(new SlackMessageRef(channel, "1700000002.000300"));
        }

        public Task<SlackMessageRef> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SlackMessageRef(channel, ts));

        public Task RespondAsync(string responseUrl, JsonObject payload, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
