using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Workspace.Import;

/// <summary>
/// Imports CSV or JSONL files into the workspace. Every row is validated; bad rows are reported by line and skipped,
/// good rows are upserted by their key (re-importing updates, never duplicates), and nothing already stored is lost.
/// </summary>
public sealed class WorkspaceImporter(CopilotWorkspace workspace, DateOnly today)
{
    private const int BatchSize = 2000;

    /// <summary>
    /// How the file writes dates with numbers only (<c>dd/MM/yyyy</c> or <c>MM/dd/yyyy</c>; any separator). Without it,
    /// a date such as 03/04/2027 that reads two ways is refused rather than guessed.
    /// </summary>
    public string? DateFormat { get; init; }

    public async Task<ImportReport> ImportAsync(
        ImportKind kind,
        string path,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new WorkspaceException($"File not found: {path}");
        }

        DateOrder dateOrder = ParseDateFormat(DateFormat);
        CheckColumns(kind, path);
        var stopwatch = Stopwatch.StartNew();
        var errors = new List<ImportRowError>();
        Lookups lookups = await Lookups.LoadAsync(workspace, cancellationToken);
        var batch = new List<object>(BatchSize);
        var conversations = new Dictionary<string, ConversationBuilder>(StringComparer.Ordinal);
        var conversationOrder = new List<string>();
        var identities = new Dictionary<(string Channel, string Id), (UserIdentity Identity, int Line)>();
        int rows = 0, inserted = 0, total = 0;

        foreach (RowReader.Item item in RowReader.Read(path, cancellationToken))
        {
            if (item.Header is not null)
            {
                continue;
            }

            rows++;
            if (item.Error is { } readError)
            {
                errors.Add(readError);
                if (kind == ImportKind.Conversations && item.Row?.Get(ImportColumns.ConversationId) is { } unreadConversation)
                {
                    // One unreadable row of a conversation skips the whole conversation, as a bad field does.
                    FailConversation(unreadConversation, readError.Line, conversations, conversationOrder, errors);
                }

                continue;
            }

            SourceRow row = item.Row!;
            if (kind == ImportKind.Conversations)
            {
                AddConversationRow(row, lookups, conversations, conversationOrder, errors, dateOrder);
            }
            else
            {
                var fields = new FieldParser(row, dateOrder);
                object? record = kind switch
                {
                    ImportKind.Accounts => ParseAccount(fields, lookups),
                    ImportKind.Users => ParseUser(fields, identities),
                    ImportKind.Usage => ParseUsage(fields, lookups),
                    ImportKind.Payments => ParsePayment(fields, lookups, today),
                    ImportKind.Tasks => ParseTask(fields, lookups),
                    ImportKind.Features => ParseFeature(fields),
                    ImportKind.Subscriptions => ParseSubscription(fields, lookups),
                    _ => null,
                };
                if (!fields.Ok || record is null)
                {
                    errors.AddRange(fields.Problems.Select(p => new ImportRowError(row.Line, p)));
                    continue;
                }

                // A column the file does not have keeps what is stored (an upsert changes only the file's columns).
                record = await KeepStoredColumnsAsync(record, fields, lookups, cancellationToken);
                batch.Add(record);
                if (record is Account a)
                {
                    lookups.AddAccount(a);
                }
                else if (record is User u)
                {
                    lookups.AddUser(u);
                }
                else if (record is ProductFeature pf)
                {
                    lookups.Features![pf.Name] = pf;
                }
            }

            if (batch.Count >= BatchSize)
            {
                inserted += await WriteAsync(kind, batch, cancellationToken);
                total += batch.Count;
                batch.Clear();
            }

            if (rows % 1000 == 0)
            {
                progress?.Report(new ImportProgress(rows, item.Fraction));
            }
        }

        if (kind == ImportKind.Conversations)
        {
            foreach (string id in conversationOrder)
            {
                ConversationBuilder builder = conversations[id];
                if (builder.Failed)
                {
                    continue;
                }

                batch.Add(await KeepStoredConversationColumnsAsync(builder, cancellationToken));
                if (batch.Count >= BatchSize / 4)
                {
                    inserted += await WriteAsync(kind, batch, cancellationToken);
                    total += batch.Count;
                    batch.Clear();
                }
            }
        }

        if (batch.Count > 0)
        {
            inserted += await WriteAsync(kind, batch, cancellationToken);
            total += batch.Count;
        }

        if (identities.Count > 0)
        {
            // Written once every user of the file is: a channel id given to someone else before moves to this user.
            await workspace.Users.UpsertIdentitiesAsync(identities.Values.Select(v => v.Identity).ToList(), cancellationToken);
        }

        progress?.Report(new ImportProgress(rows, 1.0));
        errors.Sort((x, y) => x.Line.CompareTo(y.Line));
        return new ImportReport(kind, path, rows, inserted, total - inserted, errors, stopwatch.Elapsed);
    }

    /// <summary>dd/MM/yyyy (day first) or MM/dd/yyyy (month first), any separator; null or ISO (yyyy-MM-dd) states nothing.</summary>
    private static DateOrder ParseDateFormat(string? format)
    {
        string f = (format ?? string.Empty).Trim();
        if (f.Length == 0 || f.StartsWith('y') || f.StartsWith('Y'))
        {
            return DateOrder.Unstated;
        }

        if (f.StartsWith('d') || f.StartsWith('D'))
        {
            return DateOrder.DayFirst;
        }

        if (f.StartsWith('M') || f.StartsWith('m'))
        {
            return DateOrder.MonthFirst;
        }

        throw new WorkspaceException($"--date-format is '{format}'; expected dd/MM/yyyy (day first) or MM/dd/yyyy (month first). Nothing was imported.");
    }

    /// <summary>The parsed record, with every optional column the file does not have taken from the stored record.</summary>
    private async Task<object> KeepStoredColumnsAsync(object record, FieldParser f, Lookups lookups, CancellationToken cancellationToken)
    {
        switch (record)
        {
            case Account a when lookups.Accounts.TryGetValue(a.Id, out Account? old):
                return a with
                {
                    Industry = f.Has("industry", "sector") ? a.Industry : old.Industry,
                    OwnerId = f.Has("owner", "ownerid", "csm", "owneremail") ? a.OwnerId : old.OwnerId,
                    RenewalDate = f.Has("renewaldate", "renewal") ? a.RenewalDate : old.RenewalDate,
                    SignupDate = f.Has("signupdate", "signup", "startdate") ? a.SignupDate : old.SignupDate,
                    Seats = f.Has("seats", "licenses") ? a.Seats : old.Seats,
                    Status = f.Has("status") ? a.Status : old.Status,
                    ChurnedOn = f.Has("churnedon", "churndate") ? a.ChurnedOn : old.ChurnedOn,
                };
            case User u when lookups.Users.TryGetValue(u.Id, out User? old):
                return u with
                {
                    Email = f.Has("email") ? u.Email : old.Email,
                    ManagerId = f.Has("manager", "managerid") ? u.ManagerId : old.ManagerId,
                };
            case UsageMonth m:
                UsageMonth? storedMonth = (await StoredUsageAsync(m.AccountId, lookups, cancellationToken)).GetValueOrDefault(m.Month);
                UsageMonth merged = storedMonth is null ? m : m with
                {
                    Logins = f.Has("logins") ? m.Logins : storedMonth.Logins,
                    FeatureAdoption = f.Has("featureadoption", "adoption") ? m.FeatureAdoption : storedMonth.FeatureAdoption,
                };
                lookups.Usage[m.AccountId][m.Month] = merged;
                return merged;
            case Payment p:
                // Stored payments are read once per account (not once per row: an import can have tens of thousands of rows).
                if (!lookups.Payments.TryGetValue(p.AccountId, out Dictionary<string, Payment>? payments))
                {
                    payments = (await workspace.Activity.GetPaymentsAsync(p.AccountId, cancellationToken)).ToDictionary(x => x.Id, StringComparer.Ordinal);
                    lookups.Payments[p.AccountId] = payments;
                }

                Payment? storedPayment = payments.GetValueOrDefault(p.Id);
                if (storedPayment is null)
                {
                    return p;
                }

                bool hasPaid = f.Has("paiddate", "paid"), hasStatus = f.Has("status");
                DateOnly? paid = hasPaid ? p.PaidDate : storedPayment.PaidDate;
                PaymentStatus status = hasStatus || hasPaid ? (hasPaid && !hasStatus ? DerivedStatus(p.DueDate, paid) : p.Status) : storedPayment.Status;
                return p with { PaidDate = paid, Status = status };
            case ProductFeature feature:
                lookups.Features ??= (await workspace.Growth.ListFeaturesAsync(cancellationToken)).ToDictionary(x => x.Name, FeatureNames.Comparer);
                return lookups.Features.TryGetValue(feature.Name, out ProductFeature? storedFeature)
                    ? feature with
                    {
                        Name = storedFeature.Name,
                        Requires = f.Has(FeatureRequiresColumns) ? feature.Requires : storedFeature.Requires,
                        MinPlan = f.Has(FeaturePlanColumns) ? feature.MinPlan : storedFeature.MinPlan,
                        Key = f.Has(FeatureKeyColumns) ? feature.Key : storedFeature.Key,
                    }
                    : feature;
            case CrmTask t:
                CrmTask? storedTask = await workspace.Tasks.GetAsync(t.Id, cancellationToken);
                return storedTask is null ? t : t with
                {
                    AccountId = f.Has("accountid", "account") ? t.AccountId : storedTask.AccountId,
                    DueDate = f.Has("duedate", "due") ? t.DueDate : storedTask.DueDate,
                    AssigneeId = f.Has("assignee", "assigneeid", "owner") ? t.AssigneeId : storedTask.AssigneeId,
                    Status = f.Has("status") ? t.Status : storedTask.Status,
                    CreatedAt = f.Has("createdat", "created") ? t.CreatedAt : storedTask.CreatedAt,
                    CreatedBy = storedTask.CreatedBy,
                    CompletedAt = f.Has("status") ? t.CompletedAt : storedTask.CompletedAt,
                };
            default:
                return record;
        }
    }

    private async Task<Dictionary<DateOnly, UsageMonth>> StoredUsageAsync(string accountId, Lookups lookups, CancellationToken cancellationToken)
    {
        if (!lookups.Usage.TryGetValue(accountId, out Dictionary<DateOnly, UsageMonth>? months))
        {
            months = (await workspace.Activity.GetUsageAsync(accountId, cancellationToken)).ToDictionary(u => u.Month);
            lookups.Usage[accountId] = months;
        }

        return months;
    }

    private async Task<(SupportConversation, IReadOnlyList<ConversationTurn>)> KeepStoredConversationColumnsAsync(
        ConversationBuilder builder, CancellationToken cancellationToken)
    {
        (SupportConversation conversation, IReadOnlyList<ConversationTurn> turns) = builder.Build();
        SupportConversation? stored = await workspace.Conversations.GetAsync(conversation.Id, cancellationToken);
        if (stored is null)
        {
            return (conversation, turns);
        }

        // Turns are replaced (the file holds the conversation's turns); the header keeps what the file does not say.
        return (conversation with
        {
            AccountId = builder.Has("accountid") ? conversation.AccountId : stored.AccountId,
            Topic = builder.Has("topic") ? conversation.Topic : stored.Topic,
            Sentiment = builder.Has("sentiment") ? conversation.Sentiment : stored.Sentiment,
            Channel = builder.Has("channel") ? conversation.Channel : stored.Channel,
            Subject = builder.Has("subject") ? conversation.Subject : stored.Subject,
        }, turns);
    }

    private PaymentStatus DerivedStatus(DateOnly due, DateOnly? paid) => paid is { } p
        ? (p > due.AddDays(7) ? PaymentStatus.Late : PaymentStatus.Paid)
        : (today > due.AddDays(7) ? PaymentStatus.Late : PaymentStatus.Open);

    private static void CheckColumns(ImportKind kind, string path)
    {
        IReadOnlyList<string> columns;
        try
        {
            columns = RowReader.Columns(path);
        }
        catch (IOException ex)
        {
            throw new WorkspaceException($"Cannot read {path}: {ex.Message}", ex);
        }

        if (columns.Count == 0)
        {
            throw new WorkspaceException($"{path} is empty: expected a header row (CSV) or JSON objects, one per line (JSONL).");
        }

        if (RowReader.Detect(path) == RowReader.Format.JsonLines)
        {
            return; // JSONL objects may each carry different keys; rows are checked one by one.
        }

        var present = new HashSet<string>(columns);
        string[] missing = ImportColumns.Documented[kind].Required
            .Where(req => !ImportColumns.Accepts(req).Any(present.Contains))
            .ToArray();
        if (kind == ImportKind.Conversations && !present.Contains("text") && !present.Contains("turns"))
        {
            missing = [.. missing, "text"];
        }

        if (missing.Length > 0)
        {
            throw new WorkspaceException(
                $"{path} is missing the required {Quantity.Noun(missing.Length, "column")} {string.Join(", ", missing)} for importing {kind.ToString().ToLowerInvariant()} " +
                $"(found: {string.Join(", ", columns)}). Nothing was imported.");
        }
    }

    private async Task<int> WriteAsync(ImportKind kind, List<object> batch, CancellationToken cancellationToken)
    {
        WorkspaceBatch rows = kind switch
        {
            ImportKind.Accounts => new WorkspaceBatch { Accounts = batch.Cast<Account>().ToList() },
            ImportKind.Users => new WorkspaceBatch { Users = batch.Cast<User>().ToList() },
            ImportKind.Usage => new WorkspaceBatch { Usage = batch.Cast<UsageMonth>().ToList() },
            ImportKind.Payments => new WorkspaceBatch { Payments = batch.Cast<Payment>().ToList() },
            ImportKind.Tasks => new WorkspaceBatch { Tasks = batch.Cast<CrmTask>().ToList() },
            ImportKind.Features => new WorkspaceBatch { Features = batch.Cast<ProductFeature>().ToList() },
            ImportKind.Subscriptions => new WorkspaceBatch { Subscriptions = batch.Cast<SubscriptionChange>().ToList() },
            ImportKind.Conversations => new WorkspaceBatch
            {
                Conversations = batch.Cast<(SupportConversation, IReadOnlyList<ConversationTurn>)>().ToList(),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return (await workspace.Stores.WriteAsync(rows, cancellationToken: cancellationToken)).Inserted;
    }

    private static Account? ParseAccount(FieldParser f, Lookups lookups)
    {
        string id = f.Required("id", "id", "accountid");
        string name = f.Required("name", "name", "accountname", "company");
        Tier tier = f.Enum<Tier>("tier", f.Required("tier", "tier"), Vocabulary.TryParseTier, "Platinum, Gold, Silver, Bronze", Tier.Bronze);
        decimal? arr = f.Money("arr", f.Optional("arr"), required: true);
        Region region = f.Enum<Region>("region", f.Required("region", "region"), Vocabulary.TryParseRegion, "NA, EMEA, APAC, LATAM", Region.NA);
        string industry = f.Optional("industry", "sector") ?? "Unknown";
        string? owner = lookups.ResolveUser(f.Optional("owner", "ownerid", "csm", "owneremail"), "owner", f);
        DateOnly? renewal = f.Date("renewal_date", f.Optional("renewaldate", "renewal"), required: false);
        DateOnly? signup = f.Date("signup_date", f.Optional("signupdate", "signup", "startdate"), required: false);
        int? seats = f.Int("seats", f.Optional("seats", "licenses"), required: false);
        AccountStatus status = f.Enum<AccountStatus>("status", f.Optional("status"), Vocabulary.TryParseAccountStatus, "active, churned", AccountStatus.Active);
        DateOnly? churnedOn = f.Date("churned_on", f.Optional("churnedon", "churndate"), required: false);
        if (id.Length > 64)
        {
            f.Problems.Add("'id' is longer than 64 characters");
        }

        return f.Ok ? new Account(id, name, tier, arr ?? 0, region, industry, owner, renewal, signup, seats, status, churnedOn) : null;
    }

    private static User? ParseUser(FieldParser f, Dictionary<(string Channel, string Id), (UserIdentity Identity, int Line)> identities)
    {
        string id = f.Required("id", "id", "userid");
        string name = f.Required("name", "name");
        UserRole role = f.Enum<UserRole>("role", f.Required("role", "role"), Vocabulary.TryParseRole, "csm, manager, approver, admin", UserRole.Csm);
        string email = f.Optional("email") ?? id;
        string? manager = f.Optional("manager", "managerid");

        // Channel identities (optional): the Teams user's Entra object id, the Slack member id, and other names (web, CLI).
        var mine = new List<UserIdentity>();
        if (f.Optional("teamsaadid", "aadobjectid", "teamsid", "entraid") is { } aad)
        {
            if (Guid.TryParse(aad, out _))
            {
                mine.Add(new UserIdentity(IdentityChannels.Teams, aad.Trim(), id));
            }
            else
            {
                f.Problems.Add($"'teams_aad_id' '{aad}' is not an Entra object id (a GUID such as 6b1d3c9a-0f2e-4c1b-9e8d-7a6b5c4d3e2f; Teams sends it as from.aadObjectId)");
            }
        }

        if (f.Optional("slackid", "slackuserid", "slack") is { } slack)
        {
            string s = slack.Trim();
            if (s.Length is >= 3 and <= 32 && s[0] is 'U' or 'W' or 'u' or 'w' && s.All(char.IsAsciiLetterOrDigit))
            {
                mine.Add(new UserIdentity(IdentityChannels.Slack, s, id));
            }
            else
            {
                f.Problems.Add($"'slack_id' '{slack}' is not a Slack member id (such as U024BE7LH: the profile's \"Copy member ID\")");
            }
        }

        foreach (string alias in (f.Optional("aliases", "alias") ?? string.Empty).Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (alias.Length > 100)
            {
                f.Problems.Add($"alias '{alias[..20]}…' is longer than 100 characters");
                continue;
            }

            mine.Add(new UserIdentity(IdentityChannels.Alias, alias, id));
        }

        foreach (UserIdentity identity in mine)
        {
            if (identities.TryGetValue((identity.Channel, identity.ExternalId.ToLowerInvariant()), out var earlier)
                && !string.Equals(earlier.Identity.UserId, id, StringComparison.OrdinalIgnoreCase))
            {
                f.Problems.Add($"{identity.Channel} id '{identity.ExternalId}' is already given to {earlier.Identity.UserId} on line {earlier.Line}; one channel id maps to one user");
            }
        }

        if (!f.Ok)
        {
            return null;
        }

        foreach (UserIdentity identity in mine)
        {
            identities[(identity.Channel, identity.ExternalId.ToLowerInvariant())] = (identity, f.Line);
        }

        return new User(id, name, email, role, manager);
    }

    private static UsageMonth? ParseUsage(FieldParser f, Lookups lookups)
    {
        string account = lookups.RequireAccount(f);
        DateOnly? month = f.Month("month", f.Optional("month", "period", "date"));
        int? active = f.Int("active_users", f.Optional("activeusers", "mau", "users"), required: true);
        int? logins = f.Int("logins", f.Optional("logins"), required: false);
        double? adoption = f.Fraction("feature_adoption", f.Optional("featureadoption", "adoption"), required: false);
        return f.Ok ? new UsageMonth(account, month!.Value, active!.Value, logins ?? 0, adoption ?? 0) : null;
    }

    internal static Payment? ParsePayment(FieldParser f, Lookups lookups, DateOnly today)
    {
        string id = f.Required("id", "id", "invoiceid", "invoice");
        string account = lookups.RequireAccount(f);
        DateOnly? due = f.Date("due_date", f.Optional("duedate", "due"), required: true);
        DateOnly? paid = f.Date("paid_date", f.Optional("paiddate", "paid"), required: false);
        decimal? amount = f.Money("amount", f.Optional("amount", "total"), required: true);
        PaymentStatus? explicitStatus = null;
        if (f.Optional("status") is { } s)
        {
            explicitStatus = Enum.TryParse(s, ignoreCase: true, out PaymentStatus ps) ? ps : null;
            if (explicitStatus is null)
            {
                f.Problems.Add($"'status' is '{s}'; expected one of paid, late, failed, open");
            }
        }

        if (!f.Ok)
        {
            return null;
        }

        // Without a status, it follows from the dates: more than a week late counts as late.
        PaymentStatus status = explicitStatus ?? (paid is { } p
            ? (p > due!.Value.AddDays(7) ? PaymentStatus.Late : PaymentStatus.Paid)
            : (today > due!.Value.AddDays(7) ? PaymentStatus.Late : PaymentStatus.Open));
        return new Payment(id, account, due!.Value, paid, amount!.Value, status);
    }

    private static readonly string[] FeatureRequiresColumns = ["requires", "prerequisites", "dependson"];
    private static readonly string[] FeaturePlanColumns = ["minplan", "plan", "minimumplan"];
    private static readonly string[] FeatureKeyColumns = ["key", "keyfeature", "iskey"];

    /// <summary>
    /// A feature name from the row: trimmed, at most 100 characters, without <c>;</c> (it separates the features a
    /// feature requires). Compared ignoring case everywhere (see <see cref="FeatureNames"/>).
    /// </summary>
    internal static string FeatureName(FieldParser f, string label, params string[] names)
    {
        string name = f.Required(label, names).Trim();
        CheckFeatureName(f, label, name);
        return name;
    }

    private static void CheckFeatureName(FieldParser f, string label, string name)
    {
        if (name.Length > 100)
        {
            f.Problems.Add($"'{label}' is longer than 100 characters");
        }
        else if (name.Contains(';', StringComparison.Ordinal))
        {
            f.Problems.Add($"'{label}' '{name}' contains ';', which separates the features in requires");
        }
        else if (name.Any(char.IsControl))
        {
            f.Problems.Add($"'{label}' contains a control character");
        }
    }

    /// <summary>A catalogue row: name; optional requires (separated by ;), min_plan and key.</summary>
    private static ProductFeature? ParseFeature(FieldParser f)
    {
        string name = FeatureName(f, "name", "name", "feature", "featurename");
        var requires = new List<string>();
        string requiresText = f.Optional(FeatureRequiresColumns) ?? string.Empty;
        string[] listed = requiresText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (requiresText.TrimStart().StartsWith('['))
        {
            // JSONL may give the list as an array of names.
            try
            {
                listed = [.. (JsonSerializer.Deserialize<string?[]>(requiresText) ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r!.Trim())];
            }
            catch (JsonException)
            {
                f.Problems.Add("'requires' is not a list of feature names (write them separated by ; or as a JSON array of strings)");
            }
        }

        foreach (string required in listed)
        {
            CheckFeatureName(f, "requires", required);
            if (FeatureNames.Comparer.Equals(required, name))
            {
                f.Problems.Add($"'requires' names the feature itself ('{required}')");
            }
            else if (!requires.Contains(required, FeatureNames.Comparer))
            {
                requires.Add(required);
            }
        }

        Plan plan = f.Enum<Plan>("min_plan", f.Optional(FeaturePlanColumns), TryParsePlan, "starter, pro, enterprise", Plan.Starter);
        bool key = f.Enum<bool>("key", f.Optional(FeatureKeyColumns), TryParseFlag, "true, false, yes, no", false);
        return f.Ok ? new ProductFeature(name, requires, plan, key) : null;
    }

    /// <summary>
    /// A subscription change: account, date (<c>on</c>, <c>effective_date</c>), plan, seats and ARR; without an id, one is
    /// derived from the account and the date (one change per account and day), so importing the file again updates it.
    /// </summary>
    private static SubscriptionChange? ParseSubscription(FieldParser f, Lookups lookups)
    {
        string account = lookups.RequireAccount(f);
        DateOnly? on = f.Date("date", f.Optional("date", "on", "effectivedate"), required: true);
        Plan plan = f.Enum<Plan>("plan", f.Required("plan", "plan"), TryParsePlan, "starter, pro, enterprise", Plan.Starter);
        int? seats = f.Int("seats", f.Optional("seats", "licenses"), required: true);
        decimal? arr = f.Money("arr", f.Optional("arr"), required: true);
        string? id = f.Optional("id", "subscriptionid", "changeid");
        if (id is { Length: > 128 })
        {
            f.Problems.Add("'id' is longer than 128 characters");
        }

        return f.Ok ? new SubscriptionChange(id ?? $"{account}:{Vocabulary.Format(on!.Value)}", account, on!.Value, plan, seats!.Value, arr!.Value) : null;
    }

    private static bool TryParsePlan(string? text, out Plan plan)
    {
        string t = (text ?? string.Empty).Trim();
        plan = default;
        return t.Length > 0 && !char.IsAsciiDigit(t[0]) && Enum.TryParse(t, ignoreCase: true, out plan) && Enum.IsDefined(plan);
    }

    private static bool TryParseFlag(string? text, out bool value)
    {
        switch ((text ?? string.Empty).Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "1":
                value = true;
                return true;
            case "false" or "no" or "n" or "0" or "":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private CrmTask? ParseTask(FieldParser f, Lookups lookups)
    {
        string title = f.Required("title", "title", "subject");
        string? account = f.Optional("accountid", "account");
        if (account is not null && !lookups.AccountIds.Contains(account))
        {
            f.Problems.Add($"account '{account}' is not in the workspace; import accounts first or leave account_id blank");
        }

        DateOnly? due = f.Date("due_date", f.Optional("duedate", "due"), required: false);
        string? assignee = lookups.ResolveUser(f.Optional("assignee", "assigneeid", "owner"), "assignee", f);
        TaskState status = f.Enum<TaskState>("status", f.Optional("status"), Vocabulary.TryParseTaskState, "open, done", TaskState.Open);
        DateTimeOffset created = f.Instant("created_at", f.Optional("createdat", "created"), required: false)
            ?? new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (!f.Ok)
        {
            return null;
        }

        // A task without an id gets one derived from its content, so importing the same file twice updates it.
        string id = f.Optional("id", "taskid") ?? "X" + Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes($"{account}|{title}|{due}|{assignee}")))[..10];
        return new CrmTask(id, account, title, due, assignee, status, created, "import", status == TaskState.Done ? created : null);
    }

    private static void AddConversationRow(
        SourceRow row,
        Lookups lookups,
        Dictionary<string, ConversationBuilder> conversations,
        List<string> order,
        List<ImportRowError> errors,
        DateOrder dateOrder)
    {
        var f = new FieldParser(row, dateOrder);
        string id = f.Required("conversation_id", ImportColumns.ConversationId);
        string? account = f.Optional(ImportColumns.AccountId);
        if (account is not null && !lookups.AccountIds.Contains(account))
        {
            f.Problems.Add($"account '{account}' is not in the workspace; import accounts first or leave account_id blank");
        }

        DateTimeOffset? at = f.Instant("timestamp", f.Optional(ImportColumns.Timestamp), required: false);
        string? topic = f.Optional("topic", "category");
        double? sentiment = f.Real("sentiment", f.Optional("sentiment"), -1, 1);
        var turns = new List<(int? Seq, Speaker Speaker, DateTimeOffset? At, string Text)>();
        if (row.Json is { } json && json.TryGetProperty("turns", out JsonElement turnArray))
        {
            if (turnArray.ValueKind != JsonValueKind.Array || turnArray.GetArrayLength() == 0)
            {
                f.Problems.Add("'turns' must be a non-empty array of {speaker, text}");
            }
            else
            {
                int i = 0;
                foreach (JsonElement t in turnArray.EnumerateArray())
                {
                    i++;
                    string? speakerText = t.ValueKind == JsonValueKind.Object && t.TryGetProperty("speaker", out JsonElement sp) ? sp.GetString() : null;
                    string? text = t.ValueKind == JsonValueKind.Object && t.TryGetProperty("text", out JsonElement tx) ? tx.GetString() : null;
                    string? turnAt = t.ValueKind == JsonValueKind.Object && t.TryGetProperty("timestamp", out JsonElement ta) ? ta.GetString() : null;
                    if (!Vocabulary.TryParseSpeaker(speakerText, out Speaker speaker))
                    {
                        f.Problems.Add($"turn {i}: 'speaker' is '{speakerText}'; expected customer or agent");
                    }

                    if (string.IsNullOrWhiteSpace(text))
                    {
                        f.Problems.Add($"turn {i}: 'text' is empty");
                    }

                    turns.Add((i, speaker, f.Instant($"turn {i} timestamp", turnAt, required: false), text ?? string.Empty));
                }
            }
        }
        else
        {
            Speaker speaker = f.Enum<Speaker>("speaker", f.Required("speaker", "speaker", "role", "from"), Vocabulary.TryParseSpeaker, "customer, agent", Speaker.Customer);
            string text = f.Required("text", "text", "message", "body");
            int? seq = f.Int("turn", f.Optional("turn", "seq", "turnindex"), required: false, min: 0);
            turns.Add((seq, speaker, at, text));
        }

        if (!conversations.TryGetValue(id, out ConversationBuilder? builder))
        {
            if (id.Length == 0)
            {
                errors.AddRange(f.Problems.Select(p => new ImportRowError(row.Line, p)));
                return;
            }

            builder = new ConversationBuilder(id);
            conversations[id] = builder;
            order.Add(id);
        }

        if (!f.Ok)
        {
            errors.AddRange(f.Problems.Select(p => new ImportRowError(row.Line, p)));
            if (!builder.Failed)
            {
                builder.Failed = true;
                foreach (int earlier in builder.Lines)
                {
                    errors.Add(new ImportRowError(earlier, $"conversation '{id}' was not imported because line {row.Line.ToString(CultureInfo.InvariantCulture)} is invalid"));
                }
            }

            return;
        }

        if (builder.Failed)
        {
            errors.Add(new ImportRowError(row.Line, $"conversation '{id}' was not imported because an earlier line of it is invalid"));
            return;
        }

        builder.Add(row.Line, account, at, topic, sentiment, f.Optional("channel"), f.Optional("subject"), turns);
        builder.NoteColumns(f);
    }

    /// <summary>Marks a conversation as not imported because of a line that could not be read at all.</summary>
    private static void FailConversation(
        string id,
        int line,
        Dictionary<string, ConversationBuilder> conversations,
        List<string> order,
        List<ImportRowError> errors)
    {
        if (!conversations.TryGetValue(id, out ConversationBuilder? builder))
        {
            builder = new ConversationBuilder(id);
            conversations[id] = builder;
            order.Add(id);
        }

        if (builder.Failed)
        {
            return;
        }

        builder.Failed = true;
        foreach (int earlier in builder.Lines)
        {
            errors.Add(new ImportRowError(earlier, $"conversation '{id}' was not imported because line {line.ToString(CultureInfo.InvariantCulture)} cannot be read"));
        }
    }

    /// <summary>Gathers a conversation's turns from however many rows they arrive in.</summary>
    private sealed class ConversationBuilder(string id)
    {
        private readonly List<(int? Seq, Speaker Speaker, DateTimeOffset? At, string Text, int Order)> _turns = [];
        private string? _account;
        private DateTimeOffset? _start;
        private string? _topic;
        private double? _sentiment;
        private string? _channel;
        private string? _subject;

        private readonly HashSet<string> _columns = [];

        public bool Failed { get; set; }

        public List<int> Lines { get; } = [];

        /// <summary>Whether any of the conversation's rows has the column (normalised name).</summary>
        public bool Has(string column) => _columns.Contains(column);

        public void NoteColumns(FieldParser f)
        {
            foreach ((string column, string[] names) in ColumnNames)
            {
                if (f.Has(names))
                {
                    _columns.Add(column);
                }
            }
        }

        private static readonly (string Column, string[] Names)[] ColumnNames =
        [
            ("accountid", ImportColumns.AccountId), ("topic", ["topic", "category"]), ("sentiment", ["sentiment"]),
            ("channel", ["channel"]), ("subject", ["subject"]),
        ];

        public void Add(
            int line,
            string? account,
            DateTimeOffset? at,
            string? topic,
            double? sentiment,
            string? channel,
            string? subject,
            List<(int? Seq, Speaker Speaker, DateTimeOffset? At, string Text)> turns)
        {
            Lines.Add(line);
            _account ??= account;
            _topic ??= topic;
            _sentiment ??= sentiment;
            _channel ??= channel;
            _subject ??= subject;
            if (at is { } a && (_start is null || a < _start))
            {
                _start = a;
            }

            foreach (var t in turns)
            {
                _turns.Add((t.Seq, t.Speaker, t.At ?? at, t.Text, _turns.Count));
            }
        }

        public (SupportConversation, IReadOnlyList<ConversationTurn>) Build()
        {
            DateTimeOffset start = _start ?? _turns.Where(t => t.At is not null).Select(t => t.At!.Value).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Min();
            // Explicit turn numbers win; otherwise timestamps, then the order the turns appeared in the file.
            var ordered = _turns
                .OrderBy(t => t.Seq ?? int.MaxValue)
                .ThenBy(t => t.At ?? DateTimeOffset.MaxValue)
                .ThenBy(t => t.Order)
                .Select((t, i) => new ConversationTurn(id, i + 1, t.Speaker, t.At ?? start.AddMinutes(i), t.Text))
                .ToList();
            // Without a topic or sentiment in the file, the product scores the customer's words itself.
            string customerText = string.Join(' ', ordered.Where(t => t.Speaker == Speaker.Customer).Select(t => t.Text));
            string? topic = _topic ?? Signals.TopicClassifier.Classify(customerText);
            double? sentiment = _sentiment ?? (customerText.Length > 0 ? Signals.SentimentScorer.Score(customerText) : null);
            return (new SupportConversation(id, _account, start, topic, sentiment, _channel, _subject), ordered);
        }
    }

    /// <summary>What rows are checked against: known account ids and users (by id, email or name).</summary>
    internal sealed class Lookups
    {
        private readonly Dictionary<string, string> _users = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> AccountIds { get; } = new(StringComparer.Ordinal);

        /// <summary>Stored (and so far imported) accounts and users by id, to keep the columns a file does not have.</summary>
        public Dictionary<string, Account> Accounts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, User> Users { get; } = new(StringComparer.Ordinal);

        /// <summary>Stored payments of the accounts an import has touched, by account and payment id.</summary>
        public Dictionary<string, Dictionary<string, Payment>> Payments { get; } = new(StringComparer.Ordinal);

        /// <summary>The stored (and so far imported) feature catalogue by name ignoring case, once a features import needs it.</summary>
        public Dictionary<string, ProductFeature>? Features { get; set; }

        /// <summary>Stored usage of the accounts an import has touched, by account and month.</summary>
        public Dictionary<string, Dictionary<DateOnly, UsageMonth>> Usage { get; } = new(StringComparer.Ordinal);

        public void AddAccount(Account a)
        {
            AccountIds.Add(a.Id);
            Accounts[a.Id] = a;
        }

        /// <summary>Lookups that only know accounts (events name accounts, not users).</summary>
        public static Lookups ForAccounts(IEnumerable<string> accountIds)
        {
            var l = new Lookups();
            l.AccountIds.UnionWith(accountIds);
            return l;
        }

        public static async Task<Lookups> LoadAsync(CopilotWorkspace workspace, CancellationToken cancellationToken)
        {
            var l = new Lookups();
            foreach (User u in await workspace.Users.ListAsync(cancellationToken))
            {
                l.AddUser(u);
            }

            foreach (Account a in await workspace.Accounts.ListAsync(new AccountQuery(Status: null), cancellationToken))
            {
                l.AddAccount(a);
            }

            return l;
        }

        public void AddUser(User u)
        {
            Users[u.Id] = u;
            _users[u.Id] = u.Id;
            _users.TryAdd(u.Email, u.Id);
            _users.TryAdd(u.Name, u.Id);
        }

        public string? ResolveUser(string? text, string label, FieldParser f)
        {
            if (text is null)
            {
                return null;
            }

            if (_users.TryGetValue(text, out string? id))
            {
                return id;
            }

            f.Problems.Add($"{label} '{text}' is not a known user; import users first (copilot import users) or leave it blank");
            return null;
        }

        public string RequireAccount(FieldParser f)
        {
            string account = f.Required("account_id", ImportColumns.AccountId);
            if (account.Length > 0 && !AccountIds.Contains(account))
            {
                f.Problems.Add($"account '{account}' is not in the workspace; import accounts first");
            }

            return account;
        }
    }
}
