using System.Text.Json;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Import;

/// <summary>One event that could not be accepted: its position in the batch (0-based), its id if it had one, and every problem.</summary>
public sealed record EventError(int Index, string? Id, IReadOnlyList<string> Problems);

/// <summary>A parsed batch: the good usage, payment and feature events, and the rejected ones with their reasons.</summary>
public sealed record EventBatch(IReadOnlyList<UsageEvent> Usage, IReadOnlyList<Payment> Payments, IReadOnlyList<EventError> Errors, int Count)
{
    /// <summary>The good <c>feature_used</c> events.</summary>
    public IReadOnlyList<FeatureEvent> Features { get; init; } = [];
}

/// <summary>
/// Reads usage, payment and feature events (the events API and event files): a JSON array, an object with an <c>events</c> array,
/// one object, or JSON lines. Each event is validated on its own, so one bad event never sinks the batch.
/// </summary>
/// <remarks>
/// Usage: <c>{"type":"usage","id","account_id","at","logins","active_users"?,"feature_adoption"?}</c>.
/// Payment: <c>{"type":"payment","id","account_id","due_date","amount","paid_date"?,"status"?}</c>.
/// Feature use: <c>{"type":"feature_used","id","account_id","feature","at","users"?}</c>; <c>users</c> (how many of the
/// account's users used the feature) is a whole number ≥ 1 and 1 when absent: the event says the feature was used.
/// </remarks>
public sealed class EventParser(IReadOnlySet<string> accountIds, DateOnly today)
{
    public const int MaxEventsPerBatch = 10_000;

    /// <summary>Parses a request body.</summary>
    /// <exception cref="WorkspaceException">The body is not JSON of one of the accepted shapes, or holds too many events.</exception>
    public EventBatch ParseJson(ReadOnlyMemory<byte> utf8)
    {
        var items = new List<(int Index, JsonElement? Element, string? Error)>();
        try
        {
            using JsonDocument doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16 });
            JsonElement root = doc.RootElement;
            JsonElement list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out JsonElement events) ? events : root;
            if (list.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (JsonElement e in list.EnumerateArray())
                {
                    items.Add((i++, e.Clone(), null));
                }
            }
            else if (list.ValueKind == JsonValueKind.Object)
            {
                items.Add((0, list.Clone(), null));
            }
            else
            {
                throw new WorkspaceException("The body must be a JSON array of events, an object {\"events\": [...]}, one event object, or JSON lines.");
            }
        }
        catch (JsonException)
        {
            // Not one JSON document: perhaps JSON lines, each parsed on its own so a bad line names itself.
            items.Clear();
            int i = 0;
            foreach (string line in System.Text.Encoding.UTF8.GetString(utf8.Span).Split('\n'))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    items.Add((i, doc.RootElement.Clone(), null));
                }
                catch (JsonException ex)
                {
                    items.Add((i, null, "is not valid JSON (" + ex.Message.Split('.')[0] + ")"));
                }

                i++;
            }

            if (items.Count == 0 || items.All(x => x.Error is not null))
            {
                throw new WorkspaceException("The body is not valid JSON: send a JSON array of events, {\"events\": [...]}, or JSON lines.");
            }
        }

        if (items.Count > MaxEventsPerBatch)
        {
            throw new WorkspaceException($"{items.Count} events in one request; send at most {MaxEventsPerBatch} per batch.");
        }

        var rows = items.Select(x => x.Element is { ValueKind: JsonValueKind.Object } e ? TryRow(x.Index, e)
            : (x.Index, Row: (SourceRow?)null, Error: x.Error ?? "is not a JSON object")).ToList();
        return Parse(rows);
    }

    /// <summary>Parses rows of an events file (CSV or JSON lines), positions being the rows' line numbers.</summary>
    public EventBatch ParseRows(IEnumerable<SourceRow> rows) => Parse(rows.Select(r => (r.Line, (SourceRow?)r, (string?)null)).ToList());

    /// <summary>True when the file's columns are those of events (a timestamp per row) rather than monthly usage rows.</summary>
    public static bool LooksLikeEvents(IReadOnlyCollection<string> normalisedColumns) =>
        normalisedColumns.Contains("type") || (normalisedColumns.Contains("at") && !normalisedColumns.Contains("month"));

    private EventBatch Parse(IReadOnlyList<(int Index, SourceRow? Row, string? Error)> rows)
    {
        var usage = new List<UsageEvent>();
        var payments = new List<Payment>();
        var features = new List<FeatureEvent>();
        var errors = new List<EventError>();
        var lookups = WorkspaceImporter.Lookups.ForAccounts(accountIds);
        foreach ((int index, SourceRow? row, string? error) in rows)
        {
            if (row is null)
            {
                errors.Add(new EventError(index, null, [error ?? "is empty"]));
                continue;
            }

            var f = new FieldParser(row);
            string type = (f.Optional("type", "kind") ?? "usage").ToLowerInvariant();
            switch (type)
            {
                case "usage":
                    if (ParseUsage(f, lookups) is { } u)
                    {
                        usage.Add(u);
                        continue;
                    }

                    break;
                case "payment":
                    if (WorkspaceImporter.ParsePayment(f, lookups, today) is { } p)
                    {
                        payments.Add(p);
                        continue;
                    }

                    break;
                case "feature_used" or "featureused" or "feature":
                    if (ParseFeature(f, lookups) is { } fe)
                    {
                        features.Add(fe);
                        continue;
                    }

                    break;
                default:
                    f.Problems.Add($"'type' is '{type}'; expected usage, payment or feature_used");
                    break;
            }

            errors.Add(new EventError(index, row.Get("id"), f.Problems.Count > 0 ? f.Problems : ["could not be read"]));
        }

        return new EventBatch(usage, payments, errors, rows.Count) { Features = features };
    }

    private static UsageEvent? ParseUsage(FieldParser f, WorkspaceImporter.Lookups lookups)
    {
        string id = f.Required("id", "id", "eventid");
        if (id.Length > 128)
        {
            f.Problems.Add("'id' is longer than 128 characters");
        }

        string account = lookups.RequireAccount(f);
        DateTimeOffset? at = f.Instant("at", f.Optional("at", "timestamp", "time"), required: true);
        int? logins = f.Int("logins", f.Optional("logins"), required: false);
        int? active = f.Int("active_users", f.Optional("activeusers", "users"), required: false);
        double? adoption = f.Fraction("feature_adoption", f.Optional("featureadoption", "adoption"), required: false);
        if (f.Ok && logins is null && active is null && adoption is null)
        {
            f.Problems.Add("a usage event needs at least one of logins, active_users, feature_adoption");
        }

        return f.Ok ? new UsageEvent(id, account, at!.Value, logins ?? 0, active, adoption) : null;
    }

    private static FeatureEvent? ParseFeature(FieldParser f, WorkspaceImporter.Lookups lookups)
    {
        string id = f.Required("id", "id", "eventid");
        if (id.Length > 128)
        {
            f.Problems.Add("'id' is longer than 128 characters");
        }

        string account = lookups.RequireAccount(f);
        string feature = WorkspaceImporter.FeatureName(f, "feature", "feature", "featurename", "name");
        DateTimeOffset? at = f.Instant("at", f.Optional("at", "timestamp", "time"), required: true);
        int? users = f.Int("users", f.Optional("users", "activeusers"), required: false, min: 1);
        return f.Ok ? new FeatureEvent(id, account, feature, at!.Value, users ?? 1) : null;
    }

    /// <summary>The event's fields, or the problem when a text value is not valid Unicode (a lone surrogate escape).</summary>
    private static (int Index, SourceRow? Row, string? Error) TryRow(int index, JsonElement element)
    {
        try
        {
            return (index, ToRow(index, element), null);
        }
        catch (InvalidOperationException)
        {
            return (index, null, "has a text value that is not valid Unicode");
        }
    }

    private static SourceRow ToRow(int index, JsonElement element)
    {
        var fields = new Dictionary<string, string?>();
        foreach (JsonProperty p in element.EnumerateObject())
        {
            fields[SourceRow.Normalize(p.Name)] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => p.Value.GetRawText(),
            };
        }

        return new SourceRow(index, fields, element);
    }
}
