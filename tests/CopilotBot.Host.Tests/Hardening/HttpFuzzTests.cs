using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CopilotBot.Host.Tests.Hardening;

/// <summary>
/// Throws several hundred malformed, oversized and strange bodies (a seeded <see cref="FuzzCorpus"/>) at every HTTP
/// endpoint of a real host on Kestrel over loopback (so Kestrel's own body limits apply): never a 5xx, bodies no endpoint
/// can accept are a 4xx that stores nothing, the host keeps serving, and nothing was logged at Error level.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class HttpFuzzTests(SeededWorkspaceFixture fixture) : IDisposable
{
    private const string EventsKey = "fuzz-events-key";
    private const string SlackSecret = "fuzz-slack-signing-secret";
    private const int Seed = 20261121;

    private readonly string _directory = SeededWorkspaceFixture.Copy(fixture.Directory);
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task EveryEndpoint_RefusesBadBodiesWithA4xx_StoresNothing_AndKeepsServing()
    {
        await using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("urls", "http://127.0.0.1:0") // a free port: the bot itself may be running on 3978
            .UseSetting("Copilot:Workspace", _directory).UseSetting("Copilot:Now", SeededWorkspaceFixture.Today)
            .UseSetting("Events:ApiKey", EventsKey).UseSetting("Slack:SigningSecret", SlackSecret).UseSetting("Slack:BotToken", "xoxb-fuzz")
            .UseSetting("Slack:ApiBaseUrl", "http://127.0.0.1:9/").UseSetting("RateLimits:TurnsPerMinute", "0")
            .ConfigureLogging(l => l.AddProvider(_logs)));
        factory.UseKestrel(0);
        factory.StartServer();
        using HttpClient client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        var random = new Random(Seed);
        string admin = (string)JsonNode.Parse(await client.GetStringAsync("/api/info"))!["users"]!.AsArray().First(u => (string?)u!["role"] == "admin")!["id"]!;
        (string dlConversation, string dlToken) = await StartDirectLineAsync(client, admin);

        var endpoints = new (string Name, JsonNode Template, int MaxBytes, Func<FuzzCase, HttpRequestMessage> Request)[]
        {
            ("/api/messages", Activity(), 1024 * 1024, c => Post("/api/messages", c)),
            ("/api/slack/events", SlackEvent(), 1024 * 1024, c => SignedSlack(Post("/api/slack/events", c), c.Body)),
            ("/api/slack/interactivity", SlackInteraction(), 1024 * 1024, c => SignedSlack(Post("/api/slack/interactivity", AsForm(c)), AsForm(c).Body)),
            ("/api/events", Events(), 4 * 1024 * 1024, c => WithKey(Post("/api/events", c))),
            ("/api/ask", new JsonObject { ["question"] = "help", ["user"] = admin }, 1024 * 1024, c => Post("/api/ask", c)),
            ("/api/directline/token", new JsonObject { ["user"] = new JsonObject { ["id"] = admin } }, 1024 * 1024, c => Post("/api/directline/token", c)),
            ("directline activities", new JsonObject { ["type"] = "message", ["text"] = "help", ["from"] = new JsonObject { ["id"] = admin } }, 1024 * 1024,
                c => Bearer(Post($"/v3/directline/conversations/{dlConversation}/activities", c), dlToken)),
        };

        // SQLite's data_version moves whenever another connection commits: a cheap "was anything written" per request.
        using var watcher = new SqliteConnection($"Data Source={Path.Combine(_directory, "copilot.db")};Mode=ReadOnly;Pooling=False");
        watcher.Open();
        int total = 0;
        var problems = new List<string>();
        foreach ((string name, JsonNode template, int maxBytes, Func<FuzzCase, HttpRequestMessage> request) in endpoints)
        {
            // Bodies nothing can accept: each a 4xx, and together they change nothing stored (once earlier turns are done).
            string before = await QuietFingerprintAsync();
            foreach (FuzzCase c in FuzzCorpus.Invalid(template, random, maxBytes))
            {
                total++;
                (HttpStatusCode status, string body) = await SendAsync(client, request(c));
                bool emptyBatch = name == "/api/events" && c.Name == "primitive []";
                if ((int)status is < 400 or >= 500 && !(emptyBatch && status == HttpStatusCode.OK))
                {
                    problems.Add($"{name} [{c.Name}]: {(int)status} {Short(body)}");
                }
                else if ((int)status >= 400 && body.Contains("   at ", StringComparison.Ordinal))
                {
                    problems.Add($"{name} [{c.Name}]: stack trace in the answer");
                }
            }

            if (Fingerprint() != before)
            {
                problems.Add($"{name}: refused bodies changed the stored data");
            }

            // Mutations of a good body: acceptable or refused, never a server error.
            foreach (FuzzCase c in FuzzCorpus.Mutations(template, random, 35))
            {
                total++;
                long was = DataVersion(watcher);
                (HttpStatusCode status, string body) = await SendAsync(client, request(c));
                if ((int)status >= 500)
                {
                    problems.Add($"{name} [{c.Name}]: {(int)status} {Short(body)}");
                }

                if (name == "/api/events" && status == HttpStatusCode.BadRequest && JsonNode.Parse(body) is JsonObject answer
                    && ((int?)answer["accepted"] ?? 0) == 0 && DataVersion(watcher) != was)
                {
                    problems.Add($"{name} [{c.Name}]: a refused batch changed the stored data");
                }
            }

            HttpResponseMessage health = await client.GetAsync("/healthz");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"/healthz after {name}: {(int)health.StatusCode}");
        }

        // Let the queued turns of accepted bodies finish, then look for errors the answers did not show.
        await Task.Delay(500);
        if (Environment.GetEnvironmentVariable("COPILOT_FUZZ_DUMP") is { Length: > 0 } dump)
        {
            File.WriteAllLines(dump, _logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Text).Concat(problems));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {total} cases failed:\n" + string.Join('\n', problems.Take(40)));
        Assert.True(total >= 400, $"only {total} cases");
        string[] errors = _logs.Entries.Where(e => e.Level >= LogLevel.Error && !Undeliverable(e.Text)).Select(e => e.Text).ToArray();
        Assert.True(errors.Length == 0, "errors logged:\n" + string.Join('\n', errors.Take(10)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static JsonObject Activity() => new()
    {
        ["type"] = "message",
        ["id"] = "act-1",
        ["channelId"] = "msteams",
        ["serviceUrl"] = "http://127.0.0.1:9/",
        ["text"] = "help",
        ["from"] = new JsonObject { ["id"] = "29:fuzz-user", ["name"] = "Fuzz User", ["aadObjectId"] = "aad-fuzz" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CopilotBot" },
        ["conversation"] = new JsonObject { ["id"] = "fuzz-conversation", ["conversationType"] = "personal" },
        ["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["text"] = "<at>CopilotBot</at>" }),
        ["value"] = new JsonObject { ["verb"] = "help" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "t-1" } },
    };

    private static JsonObject SlackEvent() => new()
    {
        ["type"] = "event_callback",
        ["team_id"] = "T1",
        ["event_id"] = "Ev1",
        ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = "U1", ["text"] = "help", ["channel"] = "D1", ["ts"] = "1700000000.000100" },
    };

    private static JsonObject SlackInteraction() => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = "U1", ["team_id"] = "T1" },
        ["team"] = new JsonObject { ["id"] = "T1" },
        ["channel"] = new JsonObject { ["id"] = "D1" },
        ["container"] = new JsonObject { ["message_ts"] = "1700000000.000100" },
        ["response_url"] = "http://127.0.0.1:9/respond",
        ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "help", ["value"] = "{\"verb\":\"help\"}", ["action_ts"] = "1700000001.1" }),
    };

    private static JsonArray Events() =>
    [
        new JsonObject { ["type"] = "usage", ["id"] = "fuzz-evt-1", ["account_id"] = "P10042", ["at"] = "2026-11-20T10:00:00Z", ["logins"] = 3, ["active_users"] = 12, ["feature_adoption"] = 0.4 },
    ];

    private static HttpRequestMessage Post(string path, FuzzCase c)
    {
        var content = new ByteArrayContent(c.Body);
        content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach ((string name, string value) in c.Headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>Interactivity bodies travel as <c>payload=</c> form fields; the bad bytes go inside the field.</summary>
    private static FuzzCase AsForm(FuzzCase c) =>
        c.ContentType == "application/json"
            ? c with { Body = [.. "payload="u8, .. PercentEncode(c.Body)], ContentType = "application/x-www-form-urlencoded" }
            : c;

    /// <summary>Every byte as %XX except letters and digits, so invalid UTF-8 stays invalid once the form is decoded.</summary>
    private static byte[] PercentEncode(byte[] bytes) =>
        Encoding.ASCII.GetBytes(string.Concat(bytes.Select(b => char.IsAsciiLetterOrDigit((char)b) ? ((char)b).ToString() : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));

    private static HttpRequestMessage SignedSlack(HttpRequestMessage request, byte[] body)
    {
        string timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SlackSecret), (byte[])[.. Encoding.ASCII.GetBytes($"v0:{timestamp}:"), .. body]);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        return request;
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request)
    {
        request.Headers.Add("X-Api-Key", EventsKey);
        return request;
    }

    private static HttpRequestMessage Bearer(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<(HttpStatusCode, string)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            try
            {
                using HttpResponseMessage response = await client.SendAsync(request);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException ex)
            {
                // Kestrel may answer 413 and close before a huge body is sent; the client then sees the reset, not the status.
                return ex.StatusCode is { } status ? (status, ex.Message) : (HttpStatusCode.RequestEntityTooLarge, "connection closed while sending: " + ex.Message);
            }
        }
    }

    private static async Task<(string Conversation, string Token)> StartDirectLineAsync(HttpClient client, string user)
    {
        HttpResponseMessage grant = await client.PostAsync("/api/directline/token", new StringContent($"{{\"user\":{{\"id\":\"{user}\"}}}}", Encoding.UTF8, "application/json"));
        string token = (string)JsonNode.Parse(await grant.Content.ReadAsStringAsync())!["token"]!;
        using var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        start.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        JsonNode started = JsonNode.Parse(await (await client.SendAsync(start)).Content.ReadAsStringAsync())!;
        return ((string)started["conversationId"]!, (string)started["token"]!);
    }

    private static long DataVersion(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The fingerprint once queued turns from earlier requests have finished writing (two equal readings).</summary>
    private async Task<string> QuietFingerprintAsync()
    {
        string last = Fingerprint();
        for (int i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            string now = Fingerprint();
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    /// <summary>Row counts of every table and the content of the smaller ones: what a refused request must not change.</summary>
    private string Fingerprint()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "copilot.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (SqliteCommand list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using SqliteDataReader reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string table in tables)
        {
            using SqliteCommand count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            long rows = (long)count.ExecuteScalar()!;
            hash.AppendData(Encoding.UTF8.GetBytes($"{table}:{rows}\n"));
            if (rows > 20_000)
            {
                continue;
            }

            using SqliteCommand all = connection.CreateCommand();
            all.CommandText = $"SELECT * FROM \"{table}\"";
            using SqliteDataReader data = all.ExecuteReader();
            while (data.Read())
            {
                for (int i = 0; i < data.FieldCount; i++)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(Convert.ToString(data.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) + "\t"));
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Replies to the fake service URLs cannot be delivered (nothing listens there): expected, not a fault.</summary>
    private static bool Undeliverable(string text) =>
        text.Contains("127.0.0.1:9", StringComparison.Ordinal) || text.Contains("response_url outside", StringComparison.Ordinal);

    private static string Short(string body) => body.Length > 200 ? body[..200] + "…" : body;
}

/// <summary>Keeps every log entry of every level, with its exception, for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : "\n" + exception)}"));
    }
}
