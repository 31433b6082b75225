using System.Diagnostics;
using System.Globalization;
using System.Text;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Import;

// Workspace benchmark: prints seeding time of the demo portfolio and import throughput (rows/s) for 100k conversation
// turns, each next to a baseline measured in the same run (generation alone; reading the file alone).
int turns = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var asOf = new DateOnly(2026, 11, 21);
string root = Path.Combine(Path.GetTempPath(), "copilot-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
try
{
    Console.WriteLine($"CopilotBot workspace benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version})");

    // Seeding: generation in memory (baseline) vs generation + writing the SQLite workspace.
    var generate = new List<double>();
    var seed = new List<double>();
    for (int run = 0; run < 3; run++)
    {
        var sw = Stopwatch.StartNew();
        DemoPortfolio portfolio = new DemoPortfolioGenerator(42, asOf).Generate();
        generate.Add(sw.Elapsed.TotalMilliseconds);
        if (run == 0)
        {
            Console.WriteLine($"Demo portfolio: {portfolio.Accounts.Count} accounts, {portfolio.Usage.Count} usage months, {portfolio.Payments.Count} payments, " +
                $"{portfolio.Conversations.Count} conversations ({portfolio.Conversations.Sum(c => c.Turns.Count)} turns)");
        }

        sw.Restart();
        CopilotWorkspace ws = CopilotWorkspace.Open(Path.Combine(root, "seed" + run));
        ws.EnsureSeeded(42, asOf);
        seed.Add(sw.Elapsed.TotalMilliseconds);
    }

    double genMs = Median(generate), seedMs = Median(seed);
    Console.WriteLine($"seeding: median {seedMs:0} ms (generation alone {genMs:0} ms; seeding/generation ratio {seedMs / genMs:0.00})");

    // The same seed into PostgreSQL, when a server is given (a scratch database is created and dropped).
    if (Environment.GetEnvironmentVariable("COPILOT_TEST_POSTGRES") is { Length: > 0 } server)
    {
        var postgres = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            postgres.Add(await SeedPostgresAsync(server, Path.Combine(root, "pg" + run), asOf));
        }

        Console.WriteLine($"seeding into PostgreSQL: median {Median(postgres):0} ms");
    }

    // Import: a CSV of N turns (turn per row, 4 turns per conversation), into a workspace holding 1,000 accounts.
    string file = Path.Combine(root, "turns.csv");
    WriteTurns(file, turns);
    CopilotWorkspace target = CopilotWorkspace.Open(Path.Combine(root, "import"));
    target.EnsureSeeded(42, asOf);

    var read = Stopwatch.StartNew();
    int rows = RowReader.Read(file).Count(i => i.Row is not null);
    double readS = read.Elapsed.TotalSeconds;

    var importer = new WorkspaceImporter(target, asOf);
    var first = Stopwatch.StartNew();
    ImportReport report = await importer.ImportAsync(ImportKind.Conversations, file);
    double firstS = first.Elapsed.TotalSeconds;
    var again = Stopwatch.StartNew();
    ImportReport second = await importer.ImportAsync(ImportKind.Conversations, file);
    double againS = again.Elapsed.TotalSeconds;

    Console.WriteLine($"import: {rows} turn rows -> {report.Inserted} conversations, {report.Rejected} rejected");
    Console.WriteLine($"import (new):      {rows / firstS,10:N0} rows/s ({firstS:0.00} s)");
    Console.WriteLine($"import (re-run):   {rows / againS,10:N0} rows/s ({againS:0.00} s; {second.Updated} conversations updated, {second.Inserted} new)");
    Console.WriteLine($"baseline (parse only): {rows / readS,10:N0} rows/s ({readS:0.00} s); import/parse time ratio {firstS / readS:0.0}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(root, recursive: true);
}

static async Task<double> SeedPostgresAsync(string server, string folder, DateOnly asOf)
{
    var admin = new Npgsql.NpgsqlConnectionStringBuilder(server) { Pooling = false };
    string name = "copilot_bench_" + Guid.NewGuid().ToString("N")[..10];
    await using (var c = new Npgsql.NpgsqlConnection(admin.ConnectionString))
    {
        await c.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", c);
        await create.ExecuteNonQueryAsync();
    }

    try
    {
        string database = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        using CopilotWorkspace ws = CopilotWorkspace.Open(folder, await CopilotBot.Workspace.Postgres.PostgresWorkspaceStores.OpenAsync(database));
        var sw = Stopwatch.StartNew();
        ws.EnsureSeeded(42, asOf);
        return sw.Elapsed.TotalMilliseconds;
    }
    finally
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var c = new Npgsql.NpgsqlConnection(admin.ConnectionString);
        await c.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
        await drop.ExecuteNonQueryAsync();
    }
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

static void WriteTurns(string path, int turns)
{
    string[] texts =
    [
        "We were charged twice for October, can you check invoice INV-10042?",
        "Thanks for reaching out, I'm looking into this now.",
        "SSO has been failing for half of our users since this morning with an \"invalid assertion\" error.",
        "The dashboard takes over a minute to load, and the exports keep timing out.",
    ];
    using var w = new StreamWriter(path, false, new UTF8Encoding(false));
    w.WriteLine("conversation_id,account_id,timestamp,speaker,text,topic");
    var start = new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Utc);
    for (int i = 0; i < turns; i++)
    {
        int conversation = i / 4;
        string account = "P" + (10001 + (conversation % 1000)).ToString(CultureInfo.InvariantCulture);
        string at = start.AddMinutes(conversation * 7 + (i % 4) * 5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string text = texts[i % 4].Replace("\"", "\"\"", StringComparison.Ordinal);
        w.WriteLine($"B{conversation:D6},{account},{at},{(i % 2 == 0 ? "customer" : "agent")},\"{text}\",billing");
    }
}
