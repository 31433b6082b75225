using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CopilotBot.Bench.Load;
using CopilotBot.Host;
using CopilotBot.Host.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Usage: dotnet run -c Release --project bench/CopilotBot.Bench.Load [-- warmup=30 measure=60 baseline=20 users=400 concurrency=16 rate=300]
//        [profile=300 [profileonly=1]]: process CPU per turn kind, sessions run one after another straight into the agent
var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
TimeSpan warmup = TimeSpan.FromSeconds(options.GetValueOrDefault("warmup", 30)), measure = TimeSpan.FromSeconds(options.GetValueOrDefault("measure", 60));
TimeSpan baselineFor = TimeSpan.FromSeconds(options.GetValueOrDefault("baseline", 20));
int userCount = (int)options.GetValueOrDefault("users", 400), concurrency = (int)options.GetValueOrDefault("concurrency", 16);
double rate = options.GetValueOrDefault("rate", 300);
const string Today = "2026-11-21";
static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

// A fresh demo workspace: seeded, then its churn model trained, before anything is measured.
string directory = Path.Combine(Path.GetTempPath(), "copilot-bench-load-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine($"Creating a demo workspace in {directory} (load {Load()}) …");
var setup = Stopwatch.StartNew();
TimeSpan? trainingStarted = null;
CopilotRuntime runtime = CopilotRuntime.Open(
    HostSettings.Resolve(directory, Today, null, null), null, new Progress<double>(_ => trainingStarted ??= setup.Elapsed));
TimeSpan ready = setup.Elapsed;
Console.WriteLine($"  seeded in {(trainingStarted ?? ready).TotalSeconds:N1} s, churn model trained in {(ready - (trainingStarted ?? ready)).TotalSeconds:N1} s");
// The support index (sentence-model vectors of every conversation) is built once per workspace, as `copilot support index`
// does: measured here it would be a one-off background build competing with every turn, not the bot's steady state.
var indexing = Stopwatch.StartNew();
await runtime.SupportMemory.EnsureIndexedAsync(null, CancellationToken.None);
Console.WriteLine($"  support index built in {indexing.Elapsed.TotalSeconds:N1} s");
(IReadOnlyList<LoadUser> users, IReadOnlyList<string> mappings) = await LoadUsers.CreateAsync(runtime.Workspace, userCount);
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

await using LoopbackConnector connector = await LoopbackConnector.StartAsync();
WebApplication bot = WebHost.Build(
    HostSettings.Resolve(directory, Today, null, null),
    // The per-user turn limit is off here: 400 virtual users at 300 turns/s each send ~45 turns a minute, which the limit
    // (60/min, burst 20) is right to start refusing; this measures what the bot can serve, and a throttled reply counts as an error.
    ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--RateLimits:TurnsPerMinute=0", .. mappings]);
await bot.StartAsync();
string botUrl = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = new Uri(botUrl), Timeout = TimeSpan.FromSeconds(30) };
bot.Services.GetRequiredService<CopilotRuntime>(); // opened at start-up; make sure before the clock runs

// Each question of the mix must reach the function it stands for (checked through /api/ask, which names the tool).
int checkedTurns = 0, misrouted = 0;
var checkRandom = new Random(11);
foreach (LoadUser user in users.DistinctBy(u => u.WorkspaceUserId ?? "admin").Take(8))
{
    for (int s = 0; s < 12; s++)
    {
        string conversation = $"route-check-{user.AadObjectId}-{s}";
        foreach (LoadTurn turn in LoadScripts.Session(user, checkRandom))
        {
            var body = new JsonObject { ["question"] = turn.Text, ["conversation"] = conversation };
            if (user.WorkspaceUserId is { } id)
            {
                body["user"] = id;
            }

            HttpResponseMessage response = await http.PostAsync("/api/ask", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            JsonNode? asked = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            string? tool = (string?)asked?["tool"], answer = (string?)asked?["reply"] ?? string.Empty;
            checkedTurns++;
            if (tool != turn.Tool)
            {
                misrouted++;
                Console.WriteLine($"  misrouted: \"{turn.Text}\" ({user.Persona}) went to {tool ?? "none"}, expected {turn.Tool ?? "none"}: {answer[..Math.Min(160, answer.Length)]}");
            }
        }
    }
}

Console.WriteLine($"  question mix routes as intended: {checkedTurns - misrouted}/{checkedTurns} turns");
Console.WriteLine($"  {users.Count} virtual users: {users.Count(u => u.Persona == LoadPersona.Csm)} CSMs, {users.Count(u => u.Persona == LoadPersona.Manager)} managers (Channels:Users mappings), {users.Count(u => u.Persona == LoadPersona.Admin)} unmapped (anonymous mode: admin)");

Process self = Process.GetCurrentProcess();
if (options.TryGetValue("profile", out double profileSessions))
{
    // Where the time goes: whole sessions one after another straight into the agent (no HTTP, no concurrency), per kind.
    CopilotRuntime live = bot.Services.GetRequiredService<CopilotRuntime>();
    var perKind = new Dictionary<string, List<double>>();
    var profileRandom = new Random(5);
    Console.WriteLine($"Profiling {(int)profileSessions} sessions (process {Environment.ProcessId}) …");
    for (int s = 0; s < (int)profileSessions; s++)
    {
        LoadUser user = users[s % users.Count];
        foreach (LoadTurn turn in LoadScripts.Session(user, profileRandom))
        {
            // CPU time of the process (nothing else runs in it meanwhile): other programs on the machine do not inflate it.
            self.Refresh();
            TimeSpan cpu0 = self.TotalProcessorTime;
            await live.Agent.HandleAsync(new CopilotBot.Conversation.TurnRequest("msteams", "profile-" + s, user.WorkspaceUserId ?? "riley.chen", turn.Text));
            self.Refresh();
            (perKind.TryGetValue(turn.Kind, out var list) ? list : perKind[turn.Kind] = []).Add((self.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
    }

    Console.WriteLine($"Sequential, in-process agent, {(int)profileSessions} sessions, process CPU ms per turn (load {Load()}):");
    foreach ((string kind, List<double> ms) in perKind.OrderByDescending(k => k.Value.Sum()))
    {
        ms.Sort();
        Console.WriteLine($"  {kind,-18} n={ms.Count,5} mean {ms.Average(),8:N2} ms  p50 {ms[ms.Count / 2],8:N2}  max {ms[^1],8:N2}  share {ms.Sum() / perKind.Values.Sum(v => v.Sum()),6:P0}");
    }

    Console.WriteLine($"  all kinds: mean {perKind.Values.Sum(v => v.Sum()) / perKind.Values.Sum(v => v.Count):N2} ms CPU per turn (300 turns/s on {Environment.ProcessorCount} cores allows {Environment.ProcessorCount * 1000.0 / 300:N1})");

    if (options.ContainsKey("profileonly"))
    {
        await CleanUpAsync();
        return;
    }
}

var driver = new LoadDriver(http, connector, users);

async Task<LoadResult> RunAsync(string title, Func<Task<LoadResult>> run)
{
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.f}] {title} …");
    self.Refresh();
    TimeSpan cpu = self.TotalProcessorTime;
    await using var probe = new RuntimeProbe();
    LoadResult result = await run();
    string runtimeLine = await probe.StopAsync(result.Elapsed);
    self.Refresh();
    double cores = (self.TotalProcessorTime - cpu).TotalSeconds / result.Elapsed.TotalSeconds;
    Console.WriteLine();
    Console.WriteLine($"{title}: {result.Samples.Count:N0} turns in {result.Elapsed.TotalSeconds:N1} s = {result.Throughput:N0} turns/s, {result.Errors} errors; process CPU {cores:N2} of {Environment.ProcessorCount} cores, load average {Load()}");
    Console.Write(result.Table());
    Console.WriteLine(runtimeLine);
    return result;
}

Console.WriteLine();
Console.WriteLine($"Warm-up: closed loop, {concurrency} users, {warmup.TotalSeconds:N0} s (not reported) …");
await driver.RunClosedAsync(concurrency, warmup);

LoadResult baseline = await RunAsync($"Baseline, `help` only (channel + router + reply), closed loop, {concurrency} users", () =>
    driver.RunClosedAsync(concurrency, baselineFor, script: (_, _) => [new LoadTurn("help", "what can you do?", "help")]));
LoadResult closed = await RunAsync($"Question mix, closed loop, {concurrency} users", () => driver.RunClosedAsync(concurrency, measure));
LoadResult open = await RunAsync($"Question mix, open loop at {rate:N0} turns/s", () => driver.RunOpenAsync(rate, measure));

double P99(LoadResult r) => LoadResult.Percentile(r.Samples.Select(s => s.Milliseconds).Order().ToList(), 0.99);
Console.WriteLine();
Console.WriteLine($"Summary (target ≥ 300 turns/s, p99 < 250 ms, no errors; typing indicators {connector.Typing}, unexpected replies {connector.Unexpected}):");
Console.WriteLine($"  closed loop: {closed.Throughput,7:N0} turns/s  p99 {P99(closed),7:N1} ms  errors {closed.Errors}   baseline (help only) {baseline.Throughput:N0} turns/s, ratio {closed.Throughput / baseline.Throughput:0.00}");
Console.WriteLine($"  open loop:   {open.Throughput,7:N0} turns/s  p99 {P99(open),7:N1} ms  errors {open.Errors}   (offered {rate:N0}/s)");

await CleanUpAsync();

async Task CleanUpAsync()
{
    await bot.StopAsync();
    await bot.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException)
    {
    }
}
