using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Plugins.Alerts;
using CopilotBot.Plugins.Support;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;
using Spectre.Console;

namespace CopilotBot.Host.Cli;

/// <summary>The `copilot` command line. Every command takes --workspace, --now and --as.</summary>
public static class CliApp
{
    public static readonly string[] Commands = ["ask", "import", "users", "serve", "workspace", "churn", "agent", "audit", "support", "report"];

    private static readonly Option<string?> WorkspaceOption = new("--workspace")
    {
        Description = "Workspace folder (default ./copilot-data, or COPILOT_WORKSPACE).",
        Recursive = true,
    };

    private static readonly Option<string?> NowOption = new("--now")
    {
        Description = "Today's date as YYYY-MM-DD, for reproducible relative dates (or COPILOT_NOW).",
        Recursive = true,
    };

    private static readonly Option<string?> AsOption = new("--as")
    {
        Description = "Act as this user id (default: the workspace's admin). See `copilot users`.",
        Recursive = true,
    };

    private static readonly Option<string?> SeedOption = new("--seed")
    {
        Description = "Seed for the demo portfolio made when the workspace is empty (default 42, or COPILOT_SEED).",
        Recursive = true,
    };

    /// <summary>
    /// The arguments with the command made explicit: a command after global options (<c>--workspace X users</c>) runs
    /// that command (the options are recursive, so they may stand anywhere); only arguments with no command at all
    /// (none, or options such as <c>--urls</c>) serve the bot.
    /// </summary>
    public static string[] WithCommand(string[] args)
    {
        if (args.Length == 0)
        {
            return ["serve"];
        }

        if (args[0] is "-h" or "--help" or "-?" or "--version" || !args[0].StartsWith('-'))
        {
            return args;
        }

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg.StartsWith('-'))
            {
                // A global option's value is never a command ("--workspace users" names a folder).
                if (!arg.Contains('=', StringComparison.Ordinal) && arg is "--workspace" or "--now" or "--as" or "--seed" && i + 1 < args.Length)
                {
                    i++;
                }

                continue;
            }

            if (Commands.Contains(arg, StringComparer.Ordinal))
            {
                return [arg, .. args[..i], .. args[(i + 1)..]];
            }

            break;
        }

        return ["serve", .. args];
    }

    public static RootCommand Build(Func<HostSettings, string[], Task<int>> serve, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("CopilotBot: a customer-success copilot. With no command, serves the bot on http://localhost:3978.");
        root.Options.Add(WorkspaceOption);
        root.Options.Add(NowOption);
        root.Options.Add(AsOption);
        root.Options.Add(SeedOption);
        root.Subcommands.Add(AskCommand(stdin, stdout, stderr));
        root.Subcommands.Add(ImportCommand(stdout, stderr));
        root.Subcommands.Add(UsersCommand(stdout, stderr));
        root.Subcommands.Add(SupportCommand(stdout, stderr));
        root.Subcommands.Add(WorkspaceCommand(stdout, stderr));
        root.Subcommands.Add(ChurnCommands.Build(stdout, stderr, parse => Open(parse, stderr)));
        root.Subcommands.Add(AgentCommands.Build(stdout, stderr, parse => Open(parse, stderr)));
        root.Subcommands.Add(AuditCommands.Build(stdout, stderr, parse => Open(parse, stderr)));
        root.Subcommands.Add(ReportCommands.Build(stdout, stderr, parse => Open(parse, stderr)));
        var serveCommand = new Command("serve", "Serve the bot (web chat, Teams and Slack endpoints). Pass --urls to change the address.");
        serveCommand.TreatUnmatchedTokensAsErrors = false;
        serveCommand.SetAction((parse, _) => serve(Settings(parse), parse.UnmatchedTokens.ToArray()));
        root.Subcommands.Add(serveCommand);
        return root;
    }

    public static HostSettings Settings(ParseResult parse) =>
        HostSettings.Resolve(parse.GetValue(WorkspaceOption), parse.GetValue(NowOption), parse.GetValue(AsOption), parse.GetValue(SeedOption));

    private static Command AskCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var question = new Argument<string[]>("question") { Arity = ArgumentArity.ZeroOrMore, Description = "The question, in plain words." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per question: question, tool, arguments, reply, cards, evidence, confidence." };
        var fromStdin = new Option<bool>("--stdin") { Description = "Read one question per line from standard input." };
        var command = new Command("ask", "Ask the bot a question and print its answer.");
        command.Arguments.Add(question);
        command.Options.Add(json);
        command.Options.Add(fromStdin);
        command.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            // A misspelt option would otherwise be read as the start of the question ("--user x why …" asked as the admin).
            if ((parse.GetValue(question) ?? []).FirstOrDefault(w => w.Length > 2 && w.StartsWith("--", StringComparison.Ordinal) && !w.Contains(' ')) is { } unknown)
            {
                string known = string.Join(", ", parse.CommandResult.Command.Options.Concat(parse.RootCommandResult.Command.Options)
                    .Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().Order());
                await stderr.WriteLineAsync($"Unknown option {unknown}. `copilot ask` takes {known} (to act as a user: --as <user id>); see `copilot ask --help`.");
                return 2;
            }

            CopilotRuntime runtime = Open(parse, stderr);
            User user = await runtime.ActingUserAsync(ct);
            bool asJson = parse.GetValue(json);
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            var charts = new ChartFiles(runtime.Settings.WorkspaceDirectory);
            async Task AnswerAsync(string q, string conversationId)
            {
                TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("cli", conversationId, user.Id, q), ct);
                if (asJson)
                {
                    await stdout.WriteLineAsync(AskOutput.Serialize(AskOutput.ToJson(q, reply, charts.FileUrl)));
                    await stdout.FlushAsync(ct);
                }
                else
                {
                    TextRenderer.Write(console, reply, charts.Save);
                }
            }

            if (parse.GetValue(fromStdin))
            {
                // One conversation per process, so follow-ups on later lines resolve against earlier ones.
                string conversation = "cli-" + Guid.NewGuid().ToString("N")[..8];
                string? line;
                while ((line = await stdin.ReadLineAsync(ct)) is not null)
                {
                    await AnswerAsync(line, conversation);
                }

                return 0;
            }

            string text = string.Join(' ', parse.GetValue(question) ?? []);
            if (string.IsNullOrWhiteSpace(text))
            {
                await stderr.WriteLineAsync("Ask a question, e.g.: copilot ask \"which Platinum accounts are most likely to churn?\" (or --stdin).");
                return 2;
            }

            await AnswerAsync(text, "cli-" + user.Id);
            return 0;
        }));
        return command;
    }

    private static Command ImportCommand(TextWriter stdout, TextWriter stderr)
    {
        var kind = new Argument<string>("kind") { Description = "accounts | users | usage | payments | conversations | tasks | features | subscriptions" };
        var file = new Option<string>("--file") { Description = "CSV (with header) or JSONL file.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var dateFormat = new Option<string?>("--date-format")
        {
            Description = "How the file writes dates with numbers only: dd/MM/yyyy (day first) or MM/dd/yyyy (month first). " +
                "Without it, a date such as 03/04/2027 that reads two ways is refused.",
        };
        var replaceDemo = new Option<bool>("--replace-demo")
        {
            Description = "The workspace holds the demo portfolio: delete it first, so the workspace holds only your data.",
        };
        var command = new Command("import", "Import real data; bad rows are reported by line and skipped, good rows upserted.");
        command.Arguments.Add(kind);
        command.Options.Add(file);
        command.Options.Add(json);
        command.Options.Add(dateFormat);
        command.Options.Add(replaceDemo);
        command.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            string kindText = parse.GetValue(kind) ?? string.Empty;
            if (!Enum.TryParse(kindText, ignoreCase: true, out ImportKind importKind) || int.TryParse(kindText, out _))
            {
                await stderr.WriteLineAsync($"Unknown import kind '{kindText}'. Use one of: accounts, users, usage, payments, conversations, tasks, features, subscriptions.");
                return 2;
            }

            string path = parse.GetValue(file)!;
            if (parse.GetValue(replaceDemo))
            {
                await ReplaceDemoAsync(parse, stdout, ct);
            }

            CopilotRuntime runtime = Open(parse, stderr, empty: parse.GetValue(replaceDemo));
            bool demo = await runtime.Workspace.IsDemoAsync(ct);
            if (importKind is ImportKind.Usage or ImportKind.Payments && File.Exists(path) && EventParser.LooksLikeEvents(RowReader.Columns(path).ToList()))
            {
                return await ImportEventsAsync(runtime, path, parse.GetValue(json), stdout, stderr, ct);
            }

            var importer = new WorkspaceImporter(runtime.Workspace, runtime.Today) { DateFormat = parse.GetValue(dateFormat) };
            var progress = new ConsoleProgress($"Importing {importKind.ToString().ToLowerInvariant()}", stderr == Console.Error ? null : stderr);
            ImportReport report = await importer.ImportAsync(
                importKind, parse.GetValue(file)!, new Progress<ImportProgress>(p => progress.Report(p.Fraction)), ct);
            User user = await runtime.ActingUserAsync(ct);
            await runtime.Workspace.Audit.AppendAsync(
                user.Id, "import." + importKind.ToString().ToLowerInvariant(), Path.GetFileName(report.File),
                $"{{\"read\":{report.RowsRead},\"inserted\":{report.Inserted},\"updated\":{report.Updated},\"rejected\":{report.Rejected}}}",
                runtime.Clock.GetUtcNow(), ct);
            if (parse.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    kind = importKind.ToString().ToLowerInvariant(),
                    file = report.File,
                    rows = report.RowsRead,
                    inserted = report.Inserted,
                    updated = report.Updated,
                    rejected = report.Rejected,
                    demo,
                    errors = report.Errors.Select(e => new { line = e.Line, message = e.Message }),
                }));
            }
            else
            {
                await stdout.WriteLineAsync(
                    $"Imported {Quantity.Of(report.Inserted + report.Updated, ImportNoun(importKind))} from {report.File} " +
                    $"({report.Inserted} new, {report.Updated} updated, {report.Rejected} rejected) in {report.Elapsed.TotalSeconds:0.0}s.");
                foreach (ImportRowError e in report.Errors.Take(50))
                {
                    await stdout.WriteLineAsync($"  line {e.Line}: {e.Message}");
                }

                if (report.Errors.Count > 50)
                {
                    await stdout.WriteLineAsync($"  … and {Quantity.Of(report.Errors.Count - 50, "more problem")} (use --json for all).");
                }
            }

            if (demo)
            {
                await stderr.WriteLineAsync(DemoNotice(runtime.Workspace.Directory));
            }

            if (importKind == ImportKind.Conversations && report.Inserted + report.Updated > 0)
            {
                try
                {
                    await IndexConversationsAsync(runtime, stdout, stderr, rebuild: false, ct);
                }
                catch (CopilotBot.Memory.EmbedderMismatchException ex)
                {
                    // The conversations are stored; only the search index waits for a rebuild.
                    await stderr.WriteLineAsync(SupportPlugin.MismatchMessage(ex));
                }
            }

            return report.Rejected > 0 ? 1 : 0;
        }));
        return command;
    }

    /// <summary>
    /// An events file (rows with a timestamp <c>at</c> or a <c>type</c>, as the events API takes): applied like events posted to
    /// <c>/api/events</c> — stored once each by id, the touched accounts rescored with the current model and the alert triggers
    /// run — in batches of <see cref="EventParser.MaxEventsPerBatch"/>, bad rows reported by line and the rest kept.
    /// </summary>
    private static async Task<int> ImportEventsAsync(CopilotRuntime runtime, string path, bool asJson, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ConsoleProgress("Importing usage events", stderr == Console.Error ? null : stderr);
        var errors = new List<(int Line, string Message)>();
        int received = 0, applied = 0, duplicates = 0, payments = 0, rescored = 0, alerts = 0, features = 0, firstUses = 0;
        var rows = new List<SourceRow>(EventParser.MaxEventsPerBatch);
        double fraction = 0;

        async Task FlushAsync()
        {
            if (rows.Count == 0)
            {
                return;
            }

            EventParser parser = await runtime.Events.ParserAsync(ct);
            EventIngestResult result = await runtime.Events.IngestAsync(parser.ParseRows(rows), ct);
            received += result.Received;
            applied += result.Applied;
            duplicates += result.Duplicates;
            payments += result.Payments;
            features += result.FeatureEvents;
            firstUses += result.FirstUses.Count;
            rescored += result.AccountsRescored;
            alerts += result.Alerts.Count;
            errors.AddRange(result.Rejected.Select(e => (e.Index, string.Join("; ", e.Problems))));
            rows.Clear();
            progress.Report(fraction);
        }

        foreach (RowReader.Item item in RowReader.Read(path, ct))
        {
            fraction = item.Fraction;
            if (item.Error is { } unreadable)
            {
                received++;
                errors.Add((unreadable.Line, unreadable.Message));
            }
            else if (item.Row is { } row)
            {
                rows.Add(row);
                if (rows.Count == EventParser.MaxEventsPerBatch)
                {
                    await FlushAsync();
                }
            }
        }

        await FlushAsync();
        progress.Report(1);
        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        User user = await runtime.ActingUserAsync(ct);
        await runtime.Workspace.Audit.AppendAsync(
            user.Id, "import.events", Path.GetFileName(path),
            $"{{\"read\":{received},\"applied\":{applied},\"feature_events\":{features},\"duplicates\":{duplicates},\"payments\":{payments},\"rejected\":{errors.Count},\"alerts\":{alerts}}}",
            runtime.Clock.GetUtcNow(), ct);
        if (asJson)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new
            {
                kind = "events",
                file = Path.GetFullPath(path),
                rows = received,
                applied,
                duplicates,
                payments,
                feature_events = features,
                first_uses = firstUses,
                accounts_rescored = rescored,
                alerts,
                rejected = errors.Count,
                errors = errors.Select(e => new { line = e.Line, message = e.Message }),
            }));
        }
        else
        {
            await stdout.WriteLineAsync(
                $"Imported {Quantity.Of(applied + payments + features, "event")} from {Path.GetFullPath(path)} ({applied} usage, {Quantity.Of(payments, "payment")}, " +
                $"{features} feature use ({Quantity.Of(firstUses, "first use")}), {duplicates} already stored, " +
                $"{errors.Count} rejected) in {started.Elapsed.TotalSeconds:0.0}s; {Quantity.Of(rescored, "account")} rescored, {Quantity.Of(alerts, "alert")} raised" +
                (alerts > 0 ? " (the running bot delivers them within a minute)." : "."));
            foreach ((int line, string message) in errors.Take(50))
            {
                await stdout.WriteLineAsync($"  line {line}: {message}");
            }

            if (errors.Count > 50)
            {
                await stdout.WriteLineAsync($"  … and {errors.Count - 50} more problems (use --json for all).");
            }
        }

        return errors.Count > 0 ? 1 : 0;
    }

    private static Command SupportCommand(TextWriter stdout, TextWriter stderr)
    {
        var support = new Command("support", "The retrieval index over support conversations.");
        var index = new Command("index", "Bring the index up to date (only new or changed conversations are embedded).");
        var rebuild = new Option<bool>("--rebuild") { Description = "Delete the index and build it again with the configured embedder (conversations are kept)." };
        index.Options.Add(rebuild);
        index.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            try
            {
                await IndexConversationsAsync(Open(parse, stderr), stdout, stderr, parse.GetValue(rebuild), ct);
                return 0;
            }
            catch (CopilotBot.Memory.EmbedderMismatchException ex)
            {
                await stderr.WriteLineAsync(SupportPlugin.MismatchMessage(ex));
                return 1;
            }
        }));
        support.Subcommands.Add(index);
        return support;
    }

    private static async Task IndexConversationsAsync(CopilotRuntime runtime, TextWriter stdout, TextWriter stderr, bool rebuild, CancellationToken ct)
    {
        int total = await runtime.Workspace.Conversations.CountAsync(ct);
        var bar = new ConsoleProgress(rebuild ? "Rebuilding the support index" : "Indexing conversations", stderr == Console.Error ? null : stderr);
        var progress = new Progress<CopilotBot.Memory.IndexProgress>(p => bar.Report(total == 0 ? 1 : p.ConversationsSeen / (double)total));
        CopilotBot.Memory.IndexReport? report = rebuild
            ? await runtime.SupportMemory.RebuildAsync(progress, ct)
            : await runtime.SupportMemory.EnsureIndexedAsync(progress, ct);
        bar.Report(1);
        await stdout.WriteLineAsync(report is null
            ? "Support index already up to date."
            : $"Support index: {report.Seen:N0} conversations, {report.Embedded:N0} embedded ({report.ChunksEmbedded:N0} chunks), {report.Unchanged:N0} unchanged, in {report.Elapsed.TotalSeconds:0.0}s ({report.Seen / Math.Max(0.001, report.Elapsed.TotalSeconds):N0} conversations/s).");
        CopilotBot.Memory.ConversationTopics topics = await runtime.SupportMemory.TopicsAsync(ct);
        if (topics.Names.Count > 0)
        {
            // Conversations imported without a topic from the vocabulary: the topics found among them, as answers will name them.
            await stdout.WriteLineAsync(
                $"Topics found among the {topics.Names.Count:N0} conversations without one from the vocabulary: " +
                string.Join(", ", topics.Names.Values.GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}")) + ".");
        }
    }

    private static Command UsersCommand(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print as JSON." };
        var command = new Command("users", "List the workspace's users and their roles.");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            CopilotRuntime runtime = Open(parse, stderr);
            IReadOnlyList<User> users = await runtime.Workspace.Users.ListAsync(ct);
            // The channel identities each user is mapped from (import users: teams_aad_id, slack_id, aliases), so an admin
            // can check who a Teams or Slack sender will act as.
            ILookup<string, UserIdentity> identities = (await runtime.Workspace.Users.ListIdentitiesAsync(ct)).ToLookup(i => i.UserId, StringComparer.Ordinal);
            if (parse.GetValue(json))
            {
                var array = new JsonArray(users.Select(u => (JsonNode)new JsonObject
                {
                    ["id"] = u.Id,
                    ["name"] = u.Name,
                    ["email"] = u.Email,
                    ["role"] = Vocabulary.ToSnake(u.Role),
                    ["manager"] = u.ManagerId,
                    ["identities"] = new JsonObject(IdentityChannels.All.Select(channel => new KeyValuePair<string, JsonNode?>(
                        channel, new JsonArray(identities[u.Id].Where(i => i.Channel == channel).Select(i => (JsonNode)JsonValue.Create(i.ExternalId)).ToArray())))),
                }).ToArray());
                await stdout.WriteLineAsync(AskOutput.Serialize(array));
            }
            else
            {
                await stdout.WriteLineAsync($"{"ID",-18} {"NAME",-18} {"ROLE",-9} {"MANAGER",-18} MAPPED FROM");
                foreach (User u in users)
                {
                    string mapped = string.Join(", ", identities[u.Id].OrderBy(i => IdentityChannels.All.ToList().IndexOf(i.Channel)).Select(i => $"{i.Channel}:{i.ExternalId}"));
                    await stdout.WriteLineAsync($"{u.Id,-18} {u.Name,-18} {Vocabulary.ToSnake(u.Role),-9} {u.ManagerId,-18} {mapped}".TrimEnd());
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>What one row of an import kind is, for sentences ("Imported 1 account", "2 usage months").</summary>
    internal static string ImportNoun(ImportKind kind) => kind switch
    {
        ImportKind.Accounts => "account",
        ImportKind.Users => "user",
        ImportKind.Usage => "usage month",
        ImportKind.Payments => "payment",
        ImportKind.Conversations => "conversation",
        ImportKind.Tasks => "task",
        ImportKind.Features => "feature",
        ImportKind.Subscriptions => "subscription change",
        _ => "row",
    };

    /// <summary>Said after an import into a workspace that holds the generated demo portfolio.</summary>
    internal static string DemoNotice(string directory) =>
        $"Note: the workspace {directory} holds the demo portfolio (generated accounts, users and conversations), so your rows " +
        "were mixed into it. To keep only your own data, import again with --replace-demo (it deletes the demo data first), " +
        "or start a workspace for your data with `copilot workspace init --empty --workspace DIR`.";

    /// <summary>
    /// --replace-demo: deletes a SQLite workspace that holds the demo portfolio (its database, retrieval index and charts),
    /// so the import that follows starts from an empty workspace for the user's own data. Refuses anything else.
    /// </summary>
    private static async Task ReplaceDemoAsync(ParseResult parse, TextWriter stdout, CancellationToken ct)
    {
        HostSettings settings = Settings(parse);
        if (WorkspaceFactory.IsShared(EnvironmentConfiguration.Build()))
        {
            throw new WorkspaceException(
                "--replace-demo deletes a SQLite workspace's demo data; this workspace is on PostgreSQL. Point Storage:ConnectionString " +
                "at a new, empty database and start it with Copilot__EmptyWorkspace=true instead. Nothing was changed.");
        }

        string directory = Path.GetFullPath(settings.WorkspaceDirectory);
        string database = Path.Combine(directory, CopilotWorkspace.DatabaseFileName);
        if (!File.Exists(database))
        {
            return; // A new workspace: it is created empty below.
        }

        bool demo;
        using (CopilotWorkspace existing = CopilotWorkspace.Open(directory))
        {
            demo = await existing.IsDemoAsync(ct);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!demo)
        {
            throw new WorkspaceException(
                $"The workspace {directory} holds imported data, not the demo portfolio: --replace-demo only deletes demo data. Nothing was changed.");
        }

        foreach (string file in new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }

        foreach (string folder in new[] { "memory", "charts", "models" }.Select(f => Path.Combine(directory, f)).Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        await stdout.WriteLineAsync($"Deleted the demo portfolio from {directory}; importing into an empty workspace for your own data.");
    }

    private static Command WorkspaceCommand(TextWriter stdout, TextWriter stderr)
    {
        var empty = new Option<bool>("--empty") { Description = "Start without the demo portfolio, for your own data." };
        var init = new Command("init", "Create the workspace: with the demo portfolio, or empty for your own data (--empty).");
        init.Options.Add(empty);
        init.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            HostSettings settings = Settings(parse);
            bool existed = !WorkspaceFactory.IsNew(settings.WorkspaceDirectory, EnvironmentConfiguration.Build());
            CopilotRuntime runtime = Open(parse, stderr, empty: parse.GetValue(empty));
            CopilotWorkspace ws = runtime.Workspace;
            bool demo = await ws.IsDemoAsync(ct);
            if (parse.GetValue(empty) && demo)
            {
                await stderr.WriteLineAsync(
                    $"The workspace {ws.Directory} already holds the demo portfolio. Use another --workspace folder for your own data, " +
                    "or import with --replace-demo to delete the demo data first.");
                return 2;
            }

            string holds = demo
                ? "the demo portfolio"
                : $"{Quantity.Of(await ws.Accounts.CountAsync(ct), "account")} and {Quantity.Of((await ws.Users.ListAsync(ct)).Count, "user")}";
            await stdout.WriteLineAsync($"{(existed ? "Workspace" : "Created workspace")} {ws.Directory}: {holds}.");
            if (!demo && await ws.IsEmptyAsync(ct))
            {
                await stdout.WriteLineAsync(
                    "Next: import users, accounts, usage and conversations (copilot import KIND --file F --workspace DIR), " +
                    "then `copilot churn train` (README: \"Use your own data\").");
            }

            return 0;
        }));
        var command = new Command("workspace", "Show where the workspace is and what it holds (creating and seeding it if empty).");
        command.SetAction(async (parse, ct) => await Guard(stderr, async () =>
        {
            CopilotRuntime runtime = Open(parse, stderr);
            CopilotWorkspace ws = runtime.Workspace;
            bool demo = await ws.IsDemoAsync(ct);
            await stdout.WriteLineAsync($"Workspace: {ws.Directory}");
            await stdout.WriteLineAsync($"Data: {(demo ? "demo portfolio (seed " + await ws.Meta.GetAsync(WorkspaceKeys.DemoSeed, ct) + ", as of " + await ws.Meta.GetAsync(WorkspaceKeys.DemoAsOf, ct) + ")" : await ws.IsEmptyAsync(ct) ? "none yet (empty, for your own data)" : "imported")}");
            await stdout.WriteLineAsync($"Accounts: {await ws.Accounts.CountAsync(ct)}, conversations: {await ws.Conversations.CountAsync(ct)}, users: {(await ws.Users.ListAsync(ct)).Count}");
            await stdout.WriteLineAsync($"Data hash: {ws.DataHash()}");
            return 0;
        }));
        command.Subcommands.Add(init);
        return command;
    }

    private static CopilotRuntime Open(ParseResult parse, TextWriter stderr, bool empty = false)
    {
        IConfiguration configuration = EnvironmentConfiguration.Build();
        HostSettings settings = Settings(parse) with
        {
            EmptyWorkspace = empty || string.Equals(configuration[HostSettings.EmptyWorkspaceKey], "true", StringComparison.OrdinalIgnoreCase),
        };
        bool isNew = WorkspaceFactory.IsNew(settings.WorkspaceDirectory, configuration);
        bool fresh = isNew && !settings.EmptyWorkspace;
        if (isNew && settings.EmptyWorkspace)
        {
            stderr.WriteLine($"Creating an empty workspace in {Path.GetFullPath(settings.WorkspaceDirectory)} for your own data (no demo portfolio).");
        }

        if (fresh)
        {
            stderr.WriteLine($"Creating workspace in {Path.GetFullPath(settings.WorkspaceDirectory)} with a demo portfolio (seed {settings.Seed}).");
        }

        TextWriter? writer = stderr == Console.Error ? null : stderr;
        return CopilotRuntime.Open(
            settings,
            fresh ? new ConsoleProgress("Seeding demo portfolio", writer) : null,
            new ConsoleProgress("Training churn model", writer),
            configuration);
    }

    /// <summary>Turns the errors a person can fix into a one-line message and exit code 2; never a stack trace.</summary>
    internal static async Task<int> Guard(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is WorkspaceException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException or CopilotBot.ML.DataSchemaException or System.Text.Json.JsonException)
        {
            await stderr.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
    }
}
