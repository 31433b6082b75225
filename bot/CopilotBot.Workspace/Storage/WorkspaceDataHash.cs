using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Storage;

/// <summary>
/// SHA-256 over a canonical dump of the data tables, read through the store interfaces: rows in key order (ordinal),
/// values in one fixed text form (dates <c>yyyy-MM-dd</c>, times whole-second UTC, numbers invariant and round-trip,
/// enums in their stored snake form, <c>\N</c> for null). Any provider holding the same data gives the same hash; the
/// form is the one the SQLite workspace's rows always had, so existing SQLite hashes are unchanged.
/// </summary>
public static class WorkspaceDataHash
{
    public static async Task<string> ComputeAsync(IWorkspaceStores stores, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();

        void Table(string name) => hash.AppendData(Encoding.UTF8.GetBytes("#" + name + "\n"));

        void Row(params object?[] values)
        {
            line.Clear();
            foreach (object? v in values)
            {
                line.Append(v switch
                {
                    null => "\\N",
                    string s => s,
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    decimal m => ((double)m).ToString("R", CultureInfo.InvariantCulture),
                    int i => i.ToString(CultureInfo.InvariantCulture),
                    DateOnly date => Vocabulary.Format(date),
                    DateTimeOffset at => Vocabulary.Format(at),
                    _ => throw new ArgumentException($"No canonical form for {v.GetType().Name}."),
                }).Append('\t');
            }

            line.Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }

        Table("users");
        foreach (User u in (await stores.Users.ListAsync(cancellationToken)).OrderBy(u => u.Id, StringComparer.Ordinal))
        {
            Row(u.Id, u.Name, u.Email, Vocabulary.ToSnake(u.Role), u.ManagerId);
        }

        Table("accounts");
        foreach (Account a in (await stores.Accounts.ListAsync(new AccountQuery(Status: null), cancellationToken)).OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            Row(a.Id, a.Name, a.Tier.ToString(), a.Arr, a.Region.ToString(), a.Industry, a.OwnerId, a.RenewalDate, a.SignupDate, a.Seats,
                Vocabulary.ToSnake(a.Status), a.ChurnedOn);
        }

        Table("usage_monthly");
        foreach (UsageMonth u in (await stores.Activity.ListUsageAsync(cancellationToken)).OrderBy(u => u.AccountId, StringComparer.Ordinal).ThenBy(u => u.Month))
        {
            Row(u.AccountId, u.Month, u.ActiveUsers, u.Logins, u.FeatureAdoption);
        }

        Table("payments");
        foreach (Payment p in (await stores.Activity.ListPaymentsAsync(cancellationToken)).OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            Row(p.Id, p.AccountId, p.DueDate, p.PaidDate, p.Amount, Vocabulary.ToSnake(p.Status));
        }

        Table("conversations");
        foreach (SupportConversation c in (await stores.Conversations.ListAsync(null, null, null, cancellationToken)).OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            Row(c.Id, c.AccountId, c.StartedAt, c.Topic, c.Sentiment, c.Channel, c.Subject);
        }

        Table("conversation_turns");
        foreach (ConversationTurn t in (await stores.Conversations.ListTurnsAsync(null, null, null, cancellationToken))
            .OrderBy(t => t.ConversationId, StringComparer.Ordinal).ThenBy(t => t.Seq))
        {
            Row(t.ConversationId, t.Seq, Vocabulary.ToSnake(t.Speaker), t.At, t.Text);
        }

        Table("tasks");
        foreach (CrmTask t in (await stores.Tasks.ListAsync(null, null, null, cancellationToken)).OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            Row(t.Id, t.AccountId, t.Title, t.DueDate, t.AssigneeId, Vocabulary.ToSnake(t.Status), t.CreatedAt, t.CreatedBy, t.CompletedAt);
        }

        Table("interventions");
        foreach (Intervention i in (await stores.Interventions.ListAsync(null, cancellationToken)).OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            Row(i.Id, i.AccountId, i.Kind, Vocabulary.ToSnake(i.Status), i.Risk, i.CreatedAt, i.CreatedBy, i.Draft, i.OutcomeAt, i.OutcomeBy,
                i.DecidedBy, i.DecidedAt);
        }

        // The growth tables come after, each only when it holds rows: a workspace without growth data keeps the hash it
        // had before they existed. Feature names are compared ignoring case, so rows are ordered by the name's
        // lower-case form (ASCII, as both databases fold it) and then ordinally.
        IReadOnlyList<ProductFeature> features = await stores.Growth.ListFeaturesAsync(cancellationToken);
        if (features.Count > 0)
        {
            Table("product_features");
            foreach (ProductFeature f in features.OrderBy(f => FeatureNames.Key(f.Name), StringComparer.Ordinal))
            {
                Row(f.Name, string.Join(";", f.Requires), Vocabulary.ToSnake(f.MinPlan), f.Key ? 1 : 0);
            }
        }

        IReadOnlyList<FeatureUsageMonth> featureUsage = await stores.Growth.ListFeatureUsageAsync(null, cancellationToken);
        if (featureUsage.Count > 0)
        {
            Table("feature_usage");
            foreach (FeatureUsageMonth u in featureUsage.OrderBy(u => u.AccountId, StringComparer.Ordinal).ThenBy(u => u.Month)
                .ThenBy(u => FeatureNames.Key(u.Feature), StringComparer.Ordinal))
            {
                Row(u.AccountId, u.Month, u.Feature, u.Users);
            }
        }

        IReadOnlyList<FeatureFirstUse> firstUses = await stores.Growth.ListFirstUsesAsync(null, cancellationToken);
        if (firstUses.Count > 0)
        {
            Table("feature_first_uses");
            foreach (FeatureFirstUse u in firstUses.OrderBy(u => u.AccountId, StringComparer.Ordinal).ThenBy(u => FeatureNames.Key(u.Feature), StringComparer.Ordinal))
            {
                Row(u.AccountId, u.Feature, u.FirstUsedOn);
            }
        }

        IReadOnlyList<SubscriptionChange> subscriptions = await stores.Growth.ListSubscriptionsAsync(null, cancellationToken);
        if (subscriptions.Count > 0)
        {
            Table("subscriptions");
            foreach (SubscriptionChange s in subscriptions.OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                Row(s.Id, s.AccountId, s.On, Vocabulary.ToSnake(s.Plan), s.Seats, s.Arr.ToString("0.############################", CultureInfo.InvariantCulture));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
