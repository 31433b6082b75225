using CopilotBot.ML;
using CopilotBot.Plugins.Growth;
using CopilotBot.Workspace.Domain;
using Xunit.Abstractions;

namespace CopilotBot.Plugins.Tests;

public sealed class ExpansionModelTests(ITestOutputHelper output)
{
    private static readonly ProductFeature[] Catalog =
    [
        new("Dashboards", [], Plan.Starter),
        new("Reports", [], Plan.Starter),
        new("Alerts", [], Plan.Starter),
        new("SSO", [], Plan.Pro, Key: true),
        new("Workflows", ["SSO"], Plan.Pro),
        new("API", [], Plan.Pro),
        new("Exports", [], Plan.Pro),
        new("SCIM provisioning", ["SSO"], Plan.Enterprise),
        new("Audit log", [], Plan.Enterprise),
    ];

    [Fact]
    public void Features_OnAHandMadeAccount_UseWhatWasKnownOnTheDay()
    {
        GrowthData data = HandMade();
        var at = new DateOnly(2026, 6, 1);

        ExpansionFeatureValues v = ExpansionFeatures.Compute(data, "A1", at)!;

        // The subscription in force on June 1 (50 seats, Pro, $30k), not today's (Enterprise, 100 seats).
        Assert.Equal(Plan.Pro, v.Plan);
        Assert.Equal(50, v.Seats);
        Assert.Equal(30_000m, v.Arr);
        Assert.Equal(new DateOnly(2026, 5, 1), v.UsageMonth);
        Assert.Equal(48, v.ActiveUsers);
        Assert.Equal(0.96, v.SeatUtilisation!.Value, 12);

        // Three months earlier: February's 30 users on the 40 seats in force on March 1 (the expansion came on March 20).
        Assert.Equal(0.96 - 0.75, v.UtilisationChange3Months!.Value, 12);
        Assert.Equal(0.6, v.ActiveUserGrowth3Months!.Value, 12);
        Assert.Equal(0.5, v.LoginGrowth3Months!.Value, 12);

        // May's features with users: Dashboards, Reports, SSO (Pro's) and SCIM (an Enterprise feature on trial); Workflows had 0 users.
        Assert.Equal(4, v.FeaturesInUse);
        Assert.Equal(3, v.PlanFeaturesInUse);
        Assert.Equal(7, v.PlanFeaturesAvailable);
        Assert.Equal(2, v.HigherPlanFeatures);
        Assert.Equal(3 / 7.0, v.PlanFeatureShare!.Value, 12);
        Assert.True(v.HigherPlanExists);

        // Support in the 90 days before June 1: three conversations, two with a sentiment (+0.5 and −0.1).
        Assert.Equal(3, v.Tickets90Days);
        Assert.Equal(0.2, v.MeanSentiment90Days!.Value, 12);
        Assert.Equal(at.DayNumber - new DateOnly(2026, 3, 20).DayNumber, v.DaysSinceLastExpansion);
        Assert.Equal(73, v.DaysSinceLastExpansion);
        Assert.Equal(at.DayNumber - new DateOnly(2025, 1, 10).DayNumber, v.AccountAgeDays);
        Assert.Equal(Tier.Gold, v.Tier);

        Assert.Equal("seats 96% used (48 of 50)", ExpansionReasonText.Describe(ExpansionFeatures.SeatUtilisation, v));
        Assert.Equal("uses 3 of 7 Pro features", ExpansionReasonText.Describe(ExpansionFeatures.PlanFeatureShare, v));
        Assert.Equal("active users up 60% in 3 months", ExpansionReasonText.Describe(ExpansionFeatures.ActiveUserGrowth, v));
        Assert.Equal("seat use up 21 points in 3 months", ExpansionReasonText.Describe(ExpansionFeatures.UtilisationChange, v));
        Assert.Equal("last expanded 73 days ago", ExpansionReasonText.Describe(ExpansionFeatures.DaysSinceExpansion, v));

        // Early on, the first subscription's seats, and no expansion yet.
        ExpansionFeatureValues early = ExpansionFeatures.Compute(data, "A1", new DateOnly(2025, 3, 1))!;
        Assert.Equal(40, early.Seats);
        Assert.Null(early.DaysSinceLastExpansion);
    }

    [Fact]
    public void Features_DoNotChange_WhenDataAfterTheSnapshotChanges()
    {
        GrowthData data = HandMade();
        var at = new DateOnly(2026, 6, 1);
        ExpansionFeatureValues full = ExpansionFeatures.Compute(data, "A1", at)!;

        // Everything dated after the snapshot removed (June's usage had not ended on June 1 either) …
        var cut = new DateTimeOffset(at.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        GrowthData known = data with
        {
            Usage = [.. data.Usage.Where(u => u.Month.AddMonths(1) <= at)],
            FeatureUsage = [.. data.FeatureUsage.Where(f => f.Month.AddMonths(1) <= at)],
            FirstUses = [.. data.FirstUses.Where(f => f.FirstUsedOn <= at)],
            Subscriptions = [.. data.Subscriptions.Where(s => s.On <= at)],
            Conversations = [.. data.Conversations.Where(c => c.StartedAt < cut)],
        };
        Assert.Equal(full, ExpansionFeatures.Compute(known, "A1", at));

        // … or changed wildly.
        GrowthData later = data with
        {
            Usage = [.. data.Usage, new UsageMonth("A1", new DateOnly(2026, 6, 1), 400, 9000, 1)],
            FeatureUsage = [.. data.FeatureUsage, new FeatureUsageMonth("A1", new DateOnly(2026, 6, 1), "Audit log", 50)],
            Subscriptions = [.. data.Subscriptions, new SubscriptionChange("late", "A1", at.AddDays(1), Plan.Starter, 5, 1000m)],
            Conversations = [.. data.Conversations, new SupportConversation("late", "A1", cut, "billing", -1, "email", "angry")],
        };
        Assert.Equal(full, ExpansionFeatures.Compute(later, "A1", at));

        // The training snapshot on that day sees the same values.
        var index = GrowthIndex.Build(data with { AsOf = new DateOnly(2026, 9, 1) });
        Assert.Contains(ExpansionDataset.SnapshotDates(index, index.Data.AsOf), d => d == at);
        Assert.Equal(full, ExpansionDataset.Snapshots(index, index.Data.AsOf).Single(s => s.Features.AccountId == "A1" && s.Features.At == at).Features);
    }

    [Fact]
    public void Label_CountsAnExpansionOnDay90_NotOnDay91_NorOnTheSnapshotDay()
    {
        var asOf = new DateOnly(2026, 12, 1);
        var start = new DateOnly(2025, 1, 1);
        var accounts = new List<Account>();
        var subscriptions = new List<SubscriptionChange>();
        var usage = new List<UsageMonth>();
        var probe = GrowthIndex.Build(new GrowthData(asOf, [], [], [], [], [], [new UsageMonth("x", start, 1, 1, 0)], []));
        DateOnly at = ExpansionDataset.SnapshotDates(probe, asOf)[^1];
        Assert.True(at.AddDays(90) <= asOf);
        Assert.True(at.AddMonths(1).AddDays(90) > asOf);
        foreach ((string id, int day) in new[] { ("D90", 90), ("D91", 91), ("D0", 0), ("D1", 1) })
        {
            accounts.Add(new Account(id, id, Tier.Silver, 12_000m, Region.NA, "Retail", null, null, start, 10));
            subscriptions.Add(new SubscriptionChange(id + "-0", id, start, Plan.Starter, 10, 12_000m));
            subscriptions.Add(new SubscriptionChange(id + "-1", id, at.AddDays(day), Plan.Starter, 12, 14_400m));
            usage.Add(new UsageMonth(id, start, 5, 50, 0.5));
        }

        var index = GrowthIndex.Build(new GrowthData(asOf, accounts, Catalog, [], [], subscriptions, usage, []));
        var labels = ExpansionDataset.Snapshots(index, asOf).Where(s => s.Features.At == at).ToDictionary(s => s.Features.AccountId, s => s.Expanded);

        Assert.True(labels["D90"]);
        Assert.False(labels["D91"]);
        Assert.False(labels["D0"]);
        Assert.True(labels["D1"]);
    }

    [Fact]
    public void Model_LearnsAPlantedSeatCeilingSignal_AndSaysSo()
    {
        var asOf = new DateOnly(2026, 12, 1);
        GrowthData train = Synthetic(seed: 1, accounts: 400, asOf);
        GrowthData heldOut = Synthetic(seed: 2, accounts: 300, asOf);

        ExpansionTraining training = ExpansionModel.Train(train);

        Assert.True(training.Trained, training.CannotTrainReason);
        ExpansionModel model = training.Model!;
        Assert.True(training.Info.Positives >= 100, $"{training.Info.Positives} positives");

        // Held out: another portfolio's snapshots, never seen in training.
        var index = GrowthIndex.Build(heldOut);
        IReadOnlyList<ExpansionSnapshot> snapshots = ExpansionDataset.Snapshots(index, asOf);
        TabularData table = ExpansionDataset.Table(model.Model.Schema, [.. snapshots.Select(s => s.Features)]);
        double[] p = model.Model.Score(table);
        double auc = Metrics.RocAuc([.. snapshots.Select(s => s.Expanded ? 1 : 0)], p);
        Assert.True(auc > 0.75, $"held-out AUC {auc:0.000}");
        Assert.True(training.Info.HoldoutAuc > 0.75, $"training hold-out AUC {training.Info.HoldoutAuc:0.000}");

        // Scoring today: the most likely accounts sit at the seat ceiling, and the reasons say so with their numbers.
        IReadOnlyList<ExpansionScore> scores = model.ScoreAll(index);
        Assert.Equal(heldOut.Accounts.Count, scores.Count);
        Assert.True(scores.Zip(scores.Skip(1)).All(x => x.First.Probability >= x.Second.Probability));
        ExpansionScore top = scores[0];
        Assert.True(top.Features.SeatUtilisation > 0.9, $"top account at {top.Features.SeatUtilisation:0.00}");
        Assert.InRange(top.Reasons.Count, 1, 3);
        ExpansionReason seatReason = Assert.Single(top.Reasons, r => r.Feature == ExpansionFeatures.SeatUtilisation);
        Assert.StartsWith("seats ", seatReason.Text);
        Assert.Contains($"({top.Features.ActiveUsers} of {top.Features.Seats})", seatReason.Text);
        Assert.True(seatReason.Points > 0);
        Assert.True(top.Reasons.Zip(top.Reasons.Skip(1)).All(x => x.First.Points >= x.Second.Points));

        // Expected expansion ARR: probability × the typical expansion (the median past share, here +30%, × ARR in force).
        Assert.Equal(0.3, model.Sizes.OverallShare!.Value, 3);
        Assert.Equal(Math.Round((decimal)model.Sizes.ShareFor(top.Features.Plan, top.Features.Tier).Share!.Value * top.Features.Arr, 2), top.TypicalExpansionArr);
        Assert.Equal(Math.Round((decimal)top.Probability * top.TypicalExpansionArr, 2), top.ExpectedExpansionArr);

        // One account scored on its own gives the same as in the list.
        ExpansionScore one = model.Score(heldOut, top.Account.Id)!;
        Assert.Equal(top.Probability, one.Probability, 12);
        Assert.Equal(top.Features, one.Features);

        // The baseline ranks by utilisation. Here the data were made by a utilisation rule, so the model can at best match it.
        IReadOnlyList<ExpansionScore> rule = new SeatUtilisationRule(model.Sizes).ScoreAll(index);
        Assert.True(rule.Zip(rule.Skip(1)).All(x => (x.First.Features.SeatUtilisation ?? -1) >= (x.Second.Features.SeatUtilisation ?? -1)));
        double ruleAuc = Metrics.RocAuc([.. snapshots.Select(s => s.Expanded ? 1 : 0)], [.. snapshots.Select(s => SeatUtilisationRule.RankScore(s.Features))]);
        output.WriteLine($"held-out AUC model {auc:0.000}, rule {ruleAuc:0.000}; training hold-out AUC {training.Info.HoldoutAuc:0.000}, rows {training.Info.Rows}, positives {training.Info.Positives}, {training.Info.Elapsed.TotalMilliseconds:0} ms");
        output.WriteLine($"top {top.Account.Id} p={top.Probability:0.000}: {string.Join("; ", top.Reasons.Select(r => $"{r.Text} ({r.Points:+0.0})"))}");
        Assert.True(auc > ruleAuc - 0.02, $"model {auc:0.000} vs rule {ruleAuc:0.000}");
    }

    [Fact]
    public void Train_WithTooFewExpansions_SaysWhyInsteadOfThrowing()
    {
        var asOf = new DateOnly(2026, 12, 1);
        GrowthData data = Synthetic(seed: 3, accounts: 60, asOf);
        var firstOnly = data.Subscriptions.GroupBy(s => s.AccountId).SelectMany(g => g.OrderBy(s => s.On).Take(1)).ToList();
        var fewMoves = data.Subscriptions.Where(s => !firstOnly.Contains(s)).OrderBy(s => s.On).Take(4);

        ExpansionTraining few = ExpansionModel.Train(data with { Subscriptions = [.. firstOnly, .. fewMoves] });
        ExpansionTraining none = ExpansionModel.Train(data with { Subscriptions = firstOnly });

        foreach (ExpansionTraining t in new[] { few, none })
        {
            Assert.False(t.Trained);
            Assert.Null(t.Model);
            Assert.Contains("too little history", t.CannotTrainReason, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("at least 10", t.CannotTrainReason, StringComparison.Ordinal);
        }

        Assert.Equal(4, few.Info.Expansions);
        Assert.Equal(0, none.Info.Positives);

        ExpansionTraining empty = ExpansionModel.Train(new GrowthData(asOf, data.Accounts, Catalog, [], [], [], [], []));
        Assert.False(empty.Trained);
        Assert.Contains("too little history", empty.CannotTrainReason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TrainAndScore_AreDeterministic()
    {
        var asOf = new DateOnly(2026, 12, 1);
        GrowthData data = Synthetic(seed: 4, accounts: 200, asOf);

        ExpansionModel a = ExpansionModel.Train(data).Model!;
        ExpansionModel b = ExpansionModel.Train(Synthetic(seed: 4, accounts: 200, asOf)).Model!;

        Assert.Equal(a.Model.ToJson(), b.Model.ToJson());
        var sa = a.ScoreAll(data);
        var sb = b.ScoreAll(data);
        Assert.Equal(sa.Select(s => (s.Account.Id, s.Probability)), sb.Select(s => (s.Account.Id, s.Probability)));
        Assert.Equal(sa[0].Reasons, sb[0].Reasons);
        Assert.Equal(a.Info with { Elapsed = TimeSpan.Zero }, b.Info with { Elapsed = TimeSpan.Zero });
    }

    /// <summary>
    /// One Gold account on Pro: 40 seats from January 2025, 50 from March 20 2026, Enterprise with 100 seats from July 2026.
    /// </summary>
    private static GrowthData HandMade()
    {
        var account = new Account("A1", "Acme", Tier.Gold, 60_000m, Region.EMEA, "Healthcare", null, null, new DateOnly(2025, 1, 10), 100);
        var other = new Account("B1", "Other", Tier.Bronze, 5_000m, Region.NA, "Retail", null, null, new DateOnly(2025, 1, 10), 10);
        SubscriptionChange[] subscriptions =
        [
            new("s1", "A1", new DateOnly(2025, 1, 10), Plan.Pro, 40, 24_000m),
            new("s2", "A1", new DateOnly(2026, 3, 20), Plan.Pro, 50, 30_000m),
            new("s3", "A1", new DateOnly(2026, 7, 1), Plan.Enterprise, 100, 60_000m),
            new("b1", "B1", new DateOnly(2025, 1, 10), Plan.Starter, 10, 5_000m),
        ];
        var usage = new List<UsageMonth>();
        for (var m = new DateOnly(2025, 1, 1); m <= new DateOnly(2026, 8, 1); m = m.AddMonths(1))
        {
            (int users, int logins) = (m.Year, m.Month) switch
            {
                (2026, 2) => (30, 600),
                (2026, 5) => (48, 900),
                (2026, 6) => (90, 2000),
                _ => (25, 500),
            };
            usage.Add(new UsageMonth("A1", m, users, logins, 0.4));
            usage.Add(new UsageMonth("B1", m, 9, 100, 0.4));
        }

        var may = new DateOnly(2026, 5, 1);
        FeatureUsageMonth[] featureUsage =
        [
            new("A1", may, "Dashboards", 20),
            new("A1", may, "reports", 10),
            new("A1", may, "SSO", 5),
            new("A1", may, "Workflows", 0),
            new("A1", may, "SCIM provisioning", 3),
            new("A1", new DateOnly(2026, 4, 1), "API", 7),
            new("A1", new DateOnly(2026, 6, 1), "API", 7),
            new("A1", new DateOnly(2026, 6, 1), "Audit log", 7),
            new("B1", may, "Dashboards", 3),
        ];
        FeatureFirstUse[] firstUses = [new("A1", "Dashboards", new DateOnly(2025, 2, 1)), new("A1", "API", new DateOnly(2026, 4, 3))];
        static DateTimeOffset On(int y, int m, int d) => new(y, m, d, 10, 0, 0, TimeSpan.Zero);
        SupportConversation[] conversations =
        [
            new("c1", "A1", On(2026, 2, 15), "billing", -0.9, "email", "old"),
            new("c2", "A1", On(2026, 4, 10), "how-to", 0.5, "chat", "q"),
            new("c3", "A1", On(2026, 5, 20), "bug", -0.1, "chat", "q"),
            new("c4", "A1", On(2026, 5, 1), "how-to", null, "chat", "q"),
            new("c5", "A1", On(2026, 6, 5), "bug", -0.8, "chat", "later"),
            new("c6", "B1", On(2026, 5, 5), "bug", 0.9, "chat", "other account"),
        ];
        return new GrowthData(new DateOnly(2026, 12, 1), [account, other], Catalog, firstUses, featureUsage, subscriptions, usage, conversations);
    }

    /// <summary>
    /// A synthetic portfolio with a planted rule: an account whose seats were over 90% used last month expands (+30% seats
    /// and ARR) in a month with probability 0.35, otherwise 0.01. Utilisation drifts by account and at random.
    /// </summary>
    private static GrowthData Synthetic(int seed, int accounts, DateOnly asOf)
    {
        var random = new Random(seed);
        var start = new DateOnly(asOf.Year - 2, asOf.Month, 1);
        var list = new List<Account>();
        var subscriptions = new List<SubscriptionChange>();
        var usage = new List<UsageMonth>();
        var featureUsage = new List<FeatureUsageMonth>();
        var conversations = new List<SupportConversation>();
        for (int i = 0; i < accounts; i++)
        {
            string id = $"S{seed}-{i:0000}";
            var tier = (Tier)random.Next(4);
            var plan = (Plan)random.Next(3);
            int seats = random.Next(20, 200);
            decimal arr = seats * (plan switch { Plan.Starter => 300m, Plan.Pro => 600m, _ => 1000m });
            list.Add(new Account(id, id, tier, arr, Region.NA, "Retail", null, null, start, seats));
            subscriptions.Add(new SubscriptionChange($"{id}-0", id, start, plan, seats, arr));
            double u = 0.3 + (random.NextDouble() * 0.7);
            double trend = -0.02 + (random.NextDouble() * 0.05);
            int moves = 0;
            double lastUtilisation = 0;
            for (DateOnly m = start; m.AddMonths(1) <= asOf; m = m.AddMonths(1))
            {
                double chance = m == start ? 0 : lastUtilisation > 0.9 ? 0.35 : 0.01;
                if (random.NextDouble() < chance)
                {
                    seats = (int)Math.Round(seats * 1.3);
                    arr = Math.Round(arr * 1.3m, 2);
                    subscriptions.Add(new SubscriptionChange($"{id}-{++moves}", id, m.AddDays(random.Next(28)), plan, seats, arr));
                }

                u = Math.Clamp(u + trend + ((random.NextDouble() - 0.5) * 0.1), 0.1, 1.1);
                int users = (int)Math.Round(u * seats);
                u = users / (double)seats;
                lastUtilisation = u;
                usage.Add(new UsageMonth(id, m, users, users * random.Next(5, 20), 0.5));
                foreach (ProductFeature f in Catalog.Where(f => f.MinPlan <= plan && random.NextDouble() < 0.6))
                {
                    featureUsage.Add(new FeatureUsageMonth(id, m, f.Name, 1 + random.Next(users + 1)));
                }

                if (random.NextDouble() < 0.3)
                {
                    var at = new DateTimeOffset(m.AddDays(random.Next(28)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                    conversations.Add(new SupportConversation($"{id}-c{m:yyyyMM}", id, at, "how-to", (random.NextDouble() * 2) - 1, "chat", "q"));
                }
            }
        }

        return new GrowthData(asOf, list, Catalog, [], featureUsage, subscriptions, usage, conversations);
    }
}
