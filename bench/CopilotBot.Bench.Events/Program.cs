using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Host;
using CopilotBot.Host.Web;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Usage: dotnet run -c Release --project bench/CopilotBot.Bench.Events [-- events=200000 batch=5000 alerts=10]
var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
int total = options.GetValueOrDefault("events", 200_000), batchSize = options.GetValueOrDefault("batch", 5_000), alertRuns = options.GetValueOrDefault("alerts", 10);
const string Today = "2026-11-21";
string directory = Path.Combine(Path.GetTempPath(), "copilot-bench-events-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine($"Seeding a demo workspace in {directory} …");
CopilotRuntime runtime = CopilotRuntime.Open(HostSettings.Resolve(directory, Today, null, null));
IReadOnlyList<Account> accounts = await runtime.Workspace.Accounts.ListAsync(new());
var random = new Random(7);

List<UsageEvent> Events(string prefix, int n, int month = 11) => Enumerable.Range(0, n).Select(i =>
{
    Account a = accounts[random.Next(accounts.Count)];
    return new UsageEvent($"{prefix}-{i}", a.Id, new DateTimeOffset(2026, month, 1 + random.Next(20), random.Next(24), 0, 0, TimeSpan.Zero), random.Next(1, 20), null, null);
}).ToList();

string Json(IEnumerable<UsageEvent> batch) => new JsonArray(batch.Select(e => (JsonNode)new JsonObject
{
    ["type"] = "usage", ["id"] = e.Id, ["account_id"] = e.AccountId, ["at"] = e.At.ToString("o"), ["logins"] = e.Logins,
}).ToArray()).ToJsonString();

// Baseline: the store's write alone (no parsing, no rescoring, no triggers).
var baselineEvents = Events("base", total);
var sw = Stopwatch.StartNew();
foreach (UsageEvent[] chunk in baselineEvents.Chunk(batchSize))
{
    await runtime.Workspace.Activity.ApplyUsageEventsAsync(chunk);
}

double baseline = total / sw.Elapsed.TotalSeconds;

// The product's path: JSON body → parse and validate → store once per id → rescore touched accounts → triggers.
// Live events (this month) are stored and count when the month ends; late events (last month) rescore at once.
async Task<double> IngestAsync(string prefix, int month)
{
    var bodies = Events(prefix, total, month).Chunk(batchSize).Select(c => Encoding.UTF8.GetBytes(Json(c))).ToList();
    await runtime.Risk.ScoreAsync(CancellationToken.None);
    var watch = Stopwatch.StartNew();
    foreach (byte[] body in bodies)
    {
        EventParser parser = await runtime.Events.ParserAsync(CancellationToken.None);
        await runtime.Events.IngestAsync(parser.ParseJson(body), CancellationToken.None);
    }

    return total / watch.Elapsed.TotalSeconds;
}

double ingest = await IngestAsync("live", 11);
double late = await IngestAsync("late", 10);
Console.WriteLine();
Console.WriteLine($"Event ingest, {total:N0} usage events in batches of {batchSize:N0} over {accounts.Count:N0} accounts (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
Console.WriteLine($"  live events (this month): parse + store + triggers:  {ingest,10:N0} events/s   (target ≥ 20,000)");
Console.WriteLine($"  late events (last month): + rescore every account:  {late,10:N0} events/s");
Console.WriteLine($"  baseline, store write only:                         {baseline,10:N0} events/s   ratios {ingest / baseline:0.00} / {late / baseline:0.00}");

// Event to alert: a real host on loopback, a Bot Connector on loopback, each owner reachable in Teams.
var received = new ConcurrentDictionary<string, DateTimeOffset>();
WebApplicationBuilder connectorBuilder = WebApplication.CreateSlimBuilder();
connectorBuilder.Logging.ClearProviders();
WebApplication connector = connectorBuilder.Build();
connector.Urls.Add("http://127.0.0.1:0");
connector.Run(async context =>
{
    string body = await new StreamReader(context.Request.Body).ReadToEndAsync();
    foreach (Account a in accounts)
    {
        if (body.Contains("alerts.dismiss", StringComparison.Ordinal) && body.Contains(a.Id, StringComparison.Ordinal))
        {
            received.TryAdd(a.Id, DateTimeOffset.UtcNow);
        }
    }

    context.Response.StatusCode = 201;
    await context.Response.WriteAsync("{\"id\":\"x\"}");
});
await connector.StartAsync();
string connectorUrl = connector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

WebApplication bot = WebHost.Build(HostSettings.Resolve(directory, Today, null, null), ["--urls", "http://127.0.0.1:0", "--Events:ApiKey=bench", "--Alerts:RiskJumpPoints=1", "--Alerts:MaxImmediatePerHour=1000", "--Logging:LogLevel:Default=Warning"]);
await bot.StartAsync();
string botUrl = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(botUrl) };
IReadOnlyList<AccountRisk> risks = await bot.Services.GetRequiredService<CopilotRuntime>().Risk.ScoreAsync(CancellationToken.None);
var targets = risks.Where(r => r.Account.OwnerId is not null && r.Probability < 0.05).Take(alertRuns).ToList();
foreach (string owner in targets.Select(t => t.Account.OwnerId!).Distinct())
{
    await http.PostAsync("/api/messages", new StringContent(new JsonObject
    {
        ["type"] = "message", ["id"] = "hello-" + owner, ["channelId"] = "msteams", ["serviceUrl"] = connectorUrl, ["text"] = "hi",
        ["from"] = new JsonObject { ["id"] = "29:" + owner, ["name"] = (await runtime.Workspace.Users.GetAsync(owner))!.Name },
        ["recipient"] = new JsonObject { ["id"] = "28:bot" },
        ["conversation"] = new JsonObject { ["id"] = "a:" + owner, ["conversationType"] = "personal" },
    }.ToJsonString(), Encoding.UTF8, "application/json"));
}

var latencies = new List<double>();
foreach (AccountRisk target in targets)
{
    var events = new JsonArray(new JsonObject { ["type"] = "usage", ["id"] = "drop-" + target.Account.Id, ["account_id"] = target.Account.Id, ["at"] = "2026-10-31T12:00:00Z", ["feature_adoption"] = 0.0 });
    foreach (int m in new[] { 8, 9, 10 })
    {
        events.Add(new JsonObject { ["type"] = "payment", ["id"] = $"fail-{m}-{target.Account.Id}", ["account_id"] = target.Account.Id, ["due_date"] = $"2026-{m:00}-05", ["amount"] = 5000, ["status"] = "failed" });
    }

    var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new StringContent(events.ToJsonString(), Encoding.UTF8, "application/json") };
    request.Headers.Add("X-Api-Key", "bench");
    DateTimeOffset start = DateTimeOffset.UtcNow;
    HttpResponseMessage response = await http.SendAsync(request);
    while (!received.ContainsKey(target.Account.Id) && DateTimeOffset.UtcNow - start < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(2);
    }

    if (received.TryGetValue(target.Account.Id, out DateTimeOffset at))
    {
        latencies.Add((at - start).TotalMilliseconds);
    }
    else
    {
        Console.WriteLine($"  no alert for {target.Account.Id} within 10 s (response {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()})");
    }
}

latencies.Sort();
Console.WriteLine();
Console.WriteLine($"Event to alert (POST /api/events → alert card received by the Bot Connector on loopback), {latencies.Count}/{targets.Count} alerts:");
if (latencies.Count > 0)
{
    Console.WriteLine($"  p50 {latencies[latencies.Count / 2],8:N1} ms   max {latencies[^1],8:N1} ms   (target < 2,000 ms)");
}

await bot.StopAsync();
await connector.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
try
{
    Directory.Delete(directory, recursive: true);
}
catch (IOException)
{
}
