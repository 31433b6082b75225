using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage.Sqlite;

namespace CopilotBot.Host.Cli;

/// <summary>`copilot audit verify | export`: check the hash chain, and export entries as JSONL or CSV.</summary>
internal static class AuditCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, Func<ParseResult, CopilotRuntime> open)
    {
        var audit = new Command("audit", "Verify or export the tamper-evident audit log.");
        var verify = new Command("verify", "Recompute the hash chain; report the first edited, reordered or deleted entry.");
        verify.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            IReadOnlyList<AuditEntry> entries = await runtime.Workspace.Audit.ReadAsync(cancellationToken: ct);
            string? problem = AuditChain.FirstProblem(entries);
            if (problem is null)
            {
                await stdout.WriteLineAsync($"Audit log intact: {entries.Count} entries, chain verified.");
                return 0;
            }

            await stdout.WriteLineAsync("Audit log TAMPERED: " + problem);
            return 1;
        }));
        var from = new Option<string?>("--from") { Description = "Start date YYYY-MM-DD (inclusive)." };
        var to = new Option<string?>("--to") { Description = "End date YYYY-MM-DD (exclusive)." };
        var format = new Option<string>("--format") { Description = "jsonl or csv.", DefaultValueFactory = _ => "jsonl" };
        var export = new Command("export", "Export audit entries (with their hashes) as JSONL or CSV to standard output.");
        export.Options.Add(from);
        export.Options.Add(to);
        export.Options.Add(format);
        export.SetAction(async (parse, ct) => await CliApp.Guard(stderr, async () =>
        {
            CopilotRuntime runtime = open(parse);
            DateTimeOffset? f = Date(parse.GetValue(from), "--from"), t = Date(parse.GetValue(to), "--to");
            IReadOnlyList<AuditEntry> entries = await runtime.Workspace.Audit.ReadAsync(f, t, ct);
            bool csv = string.Equals(parse.GetValue(format), "csv", StringComparison.OrdinalIgnoreCase);
            if (csv)
            {
                await stdout.WriteLineAsync("seq,at,actor,action,target,details,prev_hash,hash");
            }

            foreach (AuditEntry e in entries)
            {
                await stdout.WriteLineAsync(csv
                    ? string.Join(',', new[] { e.Seq.ToString(CultureInfo.InvariantCulture), Vocabulary.Format(e.At), e.Actor, e.Action, e.Target ?? string.Empty, e.Details ?? string.Empty, e.PrevHash, e.Hash }.Select(Csv.Quote))
                    : JsonSerializer.Serialize(new { seq = e.Seq, at = Vocabulary.Format(e.At), actor = e.Actor, action = e.Action, target = e.Target, details = e.Details, prev_hash = e.PrevHash, hash = e.Hash }));
            }

            return 0;
        }));
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(export);
        return audit;
    }

    private static DateTimeOffset? Date(string? text, string name) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d)
            ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : throw new ArgumentException($"{name} '{text}' is not a date; use YYYY-MM-DD.");

}

/// <summary>Checks a hash chain: each entry's hash must match its fields, and link to the previous entry's hash.</summary>
public static class AuditChain
{
    public static string? FirstProblem(IReadOnlyList<AuditEntry> entries)
    {
        string previous = SqliteAuditLog.GenesisHash;
        long expectedSeq = 1;
        var text = new StringBuilder();
        foreach (AuditEntry e in entries)
        {
            if (e.Seq != expectedSeq)
            {
                return $"entry {expectedSeq} is missing (next is {e.Seq}): an entry was deleted or reordered.";
            }

            if (e.PrevHash != previous)
            {
                return $"entry {e.Seq} does not link to entry {e.Seq - 1}: an entry before it was changed, deleted or reordered.";
            }

            string hash = SqliteAuditLog.ComputeHash(e.Seq, Vocabulary.Format(e.At), e.Actor, e.Action, e.Target, e.Details, e.PrevHash);
            if (hash != e.Hash)
            {
                return $"entry {e.Seq} ({e.Action} by {e.Actor}) was modified: its contents no longer match its hash.";
            }

            previous = e.Hash;
            expectedSeq++;
        }

        return null;
    }
}
