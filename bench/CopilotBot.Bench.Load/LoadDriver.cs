using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Bench.Load;

/// <summary>What a virtual user is: a Teams identity, the workspace user it maps to (null: unmapped, so anonymous mode makes it the admin), its persona and the accounts it may name.</summary>
public sealed record LoadUser(string ChannelId, string AadObjectId, string Name, string? WorkspaceUserId, LoadPersona Persona, IReadOnlyList<string> AccountNames);

public enum LoadPersona
{
    Csm,
    Manager,
    Admin,
}

/// <summary>One question of a session: its kind (what the figures are grouped by), the text, and the function it should route to (null: none).</summary>
public sealed record LoadTurn(string Kind, string Text, string? Tool);

/// <summary>
/// The question mix, from the personas of the domain notes: a CSM works through at-risk lists, explanations (by follow-up
/// and by name), drafts, tasks, support questions, account plans and next steps; a manager asks about the portfolio, its forecast,
/// the save rate, upsell candidates and the features that go with retention;
/// everyone now and then asks for help or something out of scope. A session is one conversation; follow-ups ("why is the
/// second one red?", "draft a save email to them", "and in NA?") resolve against that conversation's memory.
/// </summary>
public static class LoadScripts
{
    public static IReadOnlyList<LoadTurn> Session(LoadUser user, Random random)
    {
        string account = user.AccountNames.Count > 0 ? user.AccountNames[random.Next(user.AccountNames.Count)] : "Contoso";
        string[] regions = ["EMEA", "NA", "APAC", "LATAM"];
        string region = regions[random.Next(regions.Length)], other = regions[(Array.IndexOf(regions, region) + 1 + random.Next(3)) % 4];
        string[] topics = ["billing", "login", "performance", "integration", "onboarding"];
        string topic = topics[random.Next(topics.Length)];
        int pick = random.Next(100);
        return user.Persona switch
        {
            LoadPersona.Csm when pick < 35 =>
            [
                new("at_risk", "who in my book is most likely to churn?", "churn.at_risk"),
                new("explain_followup", random.Next(2) == 0 ? "why is the second one red?" : "why is the first one at risk?", "churn.explain"),
                new("draft", "draft a save email to them", "interventions.draft"),
                new("task", "remind me to call them next Friday", "crm.create_task"),
            ],
            LoadPersona.Csm when pick < 55 =>
            [
                new("explain", $"why is {account} at risk?", "churn.explain"),
                new("support", $"what are customers complaining about in {topic} tickets this month?", "support.ask"),
            ],
            LoadPersona.Csm when pick < 70 =>
            [
                new("trends", "show support sentiment trends for the last 30 days", "support.trends"),
                new("tasks", "my overdue tasks", "crm.list_tasks"),
            ],
            LoadPersona.Csm when pick < 80 =>
            [
                new("plan", $"give me a plan for {account}", "account.plan"),
                new("next_steps", $"what should {account} adopt next?", "adoption.next_steps"),
            ],
            LoadPersona.Csm when pick < 90 =>
            [
                new("help", "what can you do?", "help"),
                new("at_risk", "which of my accounts are at risk?", "churn.at_risk"),
            ],
            LoadPersona.Csm =>
            [
                new("out_of_scope", "book me a flight to Paris", null),
                new("tasks", "my overdue tasks", "crm.list_tasks"),
            ],
            _ when pick < 40 =>
            [
                new("summary", $"how much ARR is at risk in {region}?", "portfolio.summary"),
                new("summary_followup", $"and in {other}?", "portfolio.summary"),
            ],
            _ when pick < 60 =>
            [
                new("forecast", "forecast churned ARR for the next 90 days", "portfolio.forecast"),
                new("save_rate", "what's our save rate this quarter?", "interventions.summary"),
            ],
            _ when pick < 78 =>
            [
                new("at_risk", "which accounts are most likely to churn?", "churn.at_risk"),
                new("explain_followup", "why is the first one at risk?", "churn.explain"),
            ],
            _ when pick < 92 =>
            [
                new("expansion", "who is ready for an upsell?", "expansion.opportunities"),
                new("patterns", "which features predict retention?", "adoption.patterns"),
            ],
            _ =>
            [
                new("help", "what can you do?", "help"),
                new("out_of_scope", "book me a flight to Paris", null),
            ],
        };
    }
}

/// <summary>One turn as measured, from posting the activity to the Bot Connector receiving its reply: its kind, latency, why it counts as an error (null: it does not) and when it was sent (a Stopwatch timestamp).</summary>
public sealed record TurnSample(string Kind, double Milliseconds, string? Error)
{
    public long StartedAt { get; init; }
}

/// <summary>
/// A Bot Connector on loopback: receives the bot's replies (<c>POST /v3/conversations/{id}/activities/{replyToId}</c>) and
/// typing indicators (<c>POST /v3/conversations/{id}/activities</c>) and completes the turn waiting for that reply.
/// </summary>
public sealed class LoopbackConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new();
    private long _typing;
    private long _unexpected;

    private LoopbackConnector(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public long Typing => Interlocked.Read(ref _typing);

    /// <summary>Replies to activities nobody was waiting for (late after a timeout, or a second activity of a split reply).</summary>
    public long Unexpected => Interlocked.Read(ref _unexpected);

    public static async Task<LoopbackConnector> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        LoopbackConnector? connector = null;
        app.Run(async context => await connector!.HandleAsync(context));
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        connector = new LoopbackConnector(app, url);
        return connector;
    }

    /// <summary>Starts waiting for the reply to activity <paramref name="activityId"/> (before the activity is sent).</summary>
    public Task<string> Expect(string activityId)
    {
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[activityId] = reply;
        return reply.Task;
    }

    public void Forget(string activityId) => _waiting.TryRemove(activityId, out _);

    private async Task HandleAsync(HttpContext context)
    {
        // /v3/conversations/{conversationId}/activities[/{replyToId}]
        string[] parts = (context.Request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        using var reader = new StreamReader(context.Request.Body);
        string body = await reader.ReadToEndAsync();
        if (parts is ["v3", "conversations", _, "activities", var replyTo])
        {
            if (_waiting.TryRemove(Uri.UnescapeDataString(replyTo), out TaskCompletionSource<string>? waiting))
            {
                waiting.TrySetResult(body);
            }
            else
            {
                Interlocked.Increment(ref _unexpected);
            }
        }
        else if (parts is ["v3", "conversations", _, "activities"])
        {
            Interlocked.Increment(ref _typing);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"id\":\"" + Guid.NewGuid().ToString("N") + "\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Drives <c>/api/messages</c> as Teams would (anonymous local mode: no token), each virtual user in its own personal
/// conversation, and measures each turn until its reply reaches the <see cref="LoopbackConnector"/>. Closed loop: K users
/// each ask, wait for the reply, ask the next question. Open loop: turns start at a fixed rate whatever the latency, each
/// from a user with no turn in flight (a turn that finds none is counted as not started).
/// </summary>
public sealed class LoadDriver(HttpClient bot, LoopbackConnector connector, IReadOnlyList<LoadUser> users, int seed = 7)
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    private readonly Random _random = new(seed);
    private long _activitySeq;
    private long _conversationSeq;

    /// <summary>A user's conversation: its id, and the questions still to ask in it.</summary>
    private sealed class UserState(LoadUser user)
    {
        public LoadUser User { get; } = user;

        public string ConversationId { get; set; } = string.Empty;

        public Queue<LoadTurn> Pending { get; } = new();

        public int InFlight;
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> users until <paramref name="duration"/> has passed or <paramref name="maxTurns"/> turns were sent.</summary>
    public async Task<LoadResult> RunClosedAsync(int concurrency, TimeSpan duration, int maxTurns = int.MaxValue, Func<LoadUser, bool>? only = null, Func<LoadUser, Random, IReadOnlyList<LoadTurn>>? script = null)
    {
        var pool = users.Where(u => only?.Invoke(u) ?? true).Select(u => new UserState(u)).ToList();
        if (pool.Count < concurrency)
        {
            throw new ArgumentException($"{concurrency} concurrent users need at least as many users; there are {pool.Count}.", nameof(concurrency));
        }

        var samples = new ConcurrentBag<TurnSample>();
        int sent = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            // Worker i owns users i, i + K, i + 2K, …: it moves to its next user between sessions, so no user is shared.
            var mine = pool.Where((_, j) => j % concurrency == i).ToList();
            int current = 0;
            UserState state = mine[0];
            while (watch.Elapsed < duration && Interlocked.Increment(ref sent) <= maxTurns)
            {
                if (state.Pending.Count == 0)
                {
                    state = mine[current++ % mine.Count];
                }

                samples.Add(await TurnAsync(state, script));
            }
        })).ToList();
        await Task.WhenAll(workers);
        return new LoadResult(samples.ToList(), watch.Elapsed, 0);
    }

    /// <summary>Open loop: a turn every 1/<paramref name="rate"/> s for <paramref name="duration"/>, each on a user with no turn in flight.</summary>
    public async Task<LoadResult> RunOpenAsync(double rate, TimeSpan duration)
    {
        var pool = users.Select(u => new UserState(u)).ToList();
        var samples = new ConcurrentBag<TurnSample>();
        var running = new List<Task>();
        int notStarted = 0, next = 0;
        var watch = Stopwatch.StartNew();
        long total = (long)(rate * duration.TotalSeconds);
        for (long n = 0; n < total; n++)
        {
            TimeSpan due = TimeSpan.FromSeconds(n / rate);
            TimeSpan wait = due - watch.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            UserState? free = null;
            for (int tries = 0; tries < pool.Count && free is null; tries++)
            {
                UserState candidate = pool[next++ % pool.Count];
                if (Interlocked.CompareExchange(ref candidate.InFlight, 1, 0) == 0)
                {
                    free = candidate;
                }
            }

            if (free is null)
            {
                notStarted++;
                continue;
            }

            running.Add(Task.Run(async () =>
            {
                samples.Add(await TurnAsync(free, null));
                Volatile.Write(ref free.InFlight, 0);
            }));
        }

        await Task.WhenAll(running);
        return new LoadResult(samples.ToList(), watch.Elapsed, notStarted);
    }

    private async Task<TurnSample> TurnAsync(UserState state, Func<LoadUser, Random, IReadOnlyList<LoadTurn>>? script)
    {
        if (state.Pending.Count == 0)
        {
            IReadOnlyList<LoadTurn> session;
            lock (_random)
            {
                session = (script ?? LoadScripts.Session)(state.User, _random);
            }

            foreach (LoadTurn t in session)
            {
                state.Pending.Enqueue(t);
            }

            state.ConversationId = $"a:load-{Interlocked.Increment(ref _conversationSeq)}-{state.User.AadObjectId}";
        }

        LoadTurn turn = state.Pending.Dequeue();
        string activityId = "act-" + Interlocked.Increment(ref _activitySeq).ToString(CultureInfo.InvariantCulture);
        string json = new JsonObject
        {
            ["type"] = "message",
            ["id"] = activityId,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["channelId"] = "msteams",
            ["serviceUrl"] = connector.Url,
            ["from"] = new JsonObject { ["id"] = state.User.ChannelId, ["aadObjectId"] = state.User.AadObjectId, ["name"] = state.User.Name },
            ["recipient"] = new JsonObject { ["id"] = "28:copilotbot", ["name"] = "CopilotBot" },
            ["conversation"] = new JsonObject { ["id"] = state.ConversationId, ["conversationType"] = "personal" },
            ["text"] = turn.Text,
            ["textFormat"] = "plain",
            ["locale"] = "en-US",
        }.ToJsonString();
        Task<string> reply = connector.Expect(activityId);
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await bot.PostAsync("/api/messages", content);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                connector.Forget(activityId);
                state.Pending.Clear();
                return new TurnSample(turn.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds, $"HTTP {(int)response.StatusCode}") { StartedAt = start };
            }
        }
        catch (HttpRequestException ex)
        {
            connector.Forget(activityId);
            state.Pending.Clear();
            return new TurnSample(turn.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds, "HTTP " + ex.HttpRequestError) { StartedAt = start };
        }

        if (await Task.WhenAny(reply, Task.Delay(ReplyTimeout)) != reply)
        {
            connector.Forget(activityId);
            state.Pending.Clear();
            return new TurnSample(turn.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds, "no reply") { StartedAt = start };
        }

        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return new TurnSample(turn.Kind, ms, ReplyError(await reply)) { StartedAt = start };
    }

    /// <summary>Null for a real answer; else why the reply counts as an error (the bot's apology, a refusal the mix never provokes, no text or card).</summary>
    public static string? ReplyError(string activityJson)
    {
        JsonNode? activity;
        try
        {
            activity = JsonNode.Parse(activityJson);
        }
        catch (JsonException)
        {
            return "reply not JSON";
        }

        string text = activity?["text"]?.GetValue<string>() ?? string.Empty;
        int cards = activity?["attachments"]?.AsArray().Count ?? 0;
        if (text.Contains("something went wrong", StringComparison.OrdinalIgnoreCase))
        {
            return "error reply";
        }

        if (text.Contains("faster than I can answer", StringComparison.Ordinal))
        {
            return "throttled";
        }

        if (text.Contains("don't have access", StringComparison.OrdinalIgnoreCase) || text.Contains("I don't know you", StringComparison.Ordinal))
        {
            return "refused";
        }

        return text.Length == 0 && cards == 0 ? "empty reply" : null;
    }
}

/// <summary>A run's samples and how long it took; <see cref="NotStarted"/> counts open-loop turns that found every user busy.</summary>
public sealed record LoadResult(IReadOnlyList<TurnSample> Samples, TimeSpan Elapsed, int NotStarted)
{
    public double Throughput => Samples.Count / Elapsed.TotalSeconds;

    public int Errors => Samples.Count(s => s.Error is not null) + NotStarted;

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A table: per kind and overall, turns, p50/p90/p99/max latency in ms and errors.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"    {"kind",-18} {"turns",7} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7}");
        foreach (IGrouping<string, TurnSample> group in Samples.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Row(group.Key, group.ToList());
        }

        Row("overall", Samples);
        var reasons = Samples.Where(s => s.Error is not null).GroupBy(s => s.Error!).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        if (NotStarted > 0)
        {
            reasons.Add($"not started (every user busy) ×{NotStarted}");
        }

        if (reasons.Count > 0)
        {
            text.AppendLine("    errors: " + string.Join(", ", reasons));
        }

        // When the slow turns were sent: a few seconds holding most of them is a stall (something periodic or a pause),
        // slow turns spread over the run are queueing.
        long first = Samples.Count > 0 ? Samples.Min(s => s.StartedAt) : 0;
        var slowBySecond = Samples.Where(s => s.Milliseconds > 250)
            .GroupBy(s => (int)Stopwatch.GetElapsedTime(first, s.StartedAt).TotalSeconds)
            .OrderByDescending(g => g.Count()).ToList();
        if (slowBySecond.Count > 0)
        {
            string worst = string.Join(", ", slowBySecond.Take(8).Select(g => $"{g.Key}: {g.Count()}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"    turns over 250 ms: {slowBySecond.Sum(g => g.Count())} in {slowBySecond.Count} distinct seconds; worst seconds (s: count): {worst}");
        }

        return text.ToString();

        void Row(string name, IReadOnlyList<TurnSample> rows)
        {
            var ms = rows.Select(r => r.Milliseconds).Order().ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"    {name,-18} {rows.Count,7:N0} {Percentile(ms, 0.50),8:N1} {Percentile(ms, 0.90),8:N1} {Percentile(ms, 0.99),8:N1} {(ms.Count > 0 ? ms[^1] : double.NaN),8:N1} {rows.Count(r => r.Error is not null),7}");
        }
    }
}
