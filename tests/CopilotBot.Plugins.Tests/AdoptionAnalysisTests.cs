using System.Text.RegularExpressions;
using CopilotBot.Plugins.Growth;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Tests;

/// <summary>AdoptionAnalysis on small synthetic portfolios built here, where every figure can be worked out by hand.</summary>
public sealed partial class AdoptionAnalysisTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    /// <summary>A: the trigger; B needs A; D needs C; E is Enterprise only; C and F stand alone.</summary>
    private static readonly ProductFeature[] Catalog =
    [
        new("A", [], Plan.Starter, Key: true),
        new("B", ["A"], Plan.Starter),
        new("C", [], Plan.Starter),
        new("D", ["C"], Plan.Starter),
        new("E", [], Plan.Enterprise),
        new("F", [], Plan.Starter),
    ];

    private static Account Acct(string id, string industry, int ageDays = 700, int? churnedDaysAgo = null, Tier tier = Tier.Gold) =>
        new(id, id + " Ltd", tier, 10_000m, Region.NA, industry, null, null, AsOf.AddDays(-ageDays), 10,
            churnedDaysAgo is null ? AccountStatus.Active : AccountStatus.Churned, churnedDaysAgo is { } c ? AsOf.AddDays(-c) : null);

    private static SubscriptionChange Sub(string id, Plan plan) => new("s-" + id, id, AsOf.AddDays(-700), plan, 10, 10_000m);

    private static FeatureFirstUse Use(string id, string feature, int daysAgo) => new(id, feature, AsOf.AddDays(-daysAgo));

    private static GrowthData Data(IEnumerable<Account> accounts, IEnumerable<FeatureFirstUse> uses, IEnumerable<SubscriptionChange> subs, IReadOnlyList<ProductFeature>? features = null) =>
        new(AsOf, [.. accounts], features ?? Catalog, [.. uses], [], [.. subs], [], []);

    /// <summary>
    /// 60 healthcare accounts on Pro adopted A (164–400 days ago); peers 0–44 adopted B 5–29 days after A (45 of 60), three of
    /// them churned later; six of the other 15 churned. Every fifth also uses C, late. 30 retail accounts on Pro adopt F after
    /// A instead. T1 (healthcare, Pro) adopted A ten days ago; T3 (logistics, Pro) uses A, B and C.
    /// </summary>
    private static GrowthData Planted()
    {
        var accounts = new List<Account>();
        var uses = new List<FeatureFirstUse>();
        var subs = new List<SubscriptionChange>();
        for (int i = 0; i < 60; i++)
        {
            string id = $"H{i:00}";
            int a = 400 - (4 * i);
            bool adoptsB = i < 45;
            int? churned = (adoptsB && i < 3) || (!adoptsB && i < 51) ? 50 : null;
            accounts.Add(Acct(id, "Healthcare", churnedDaysAgo: churned));
            subs.Add(Sub(id, Plan.Pro));
            uses.Add(Use(id, "A", a));
            if (adoptsB)
            {
                uses.Add(Use(id, "B", a - 5 - (i % 25)));
            }

            if (i % 5 == 0)
            {
                uses.Add(Use(id, "C", a - 150));
            }
        }

        for (int i = 0; i < 30; i++)
        {
            string id = $"R{i:00}";
            accounts.Add(Acct(id, "Retail"));
            subs.Add(Sub(id, Plan.Pro));
            uses.Add(Use(id, "A", 300 - (3 * i)));
            uses.Add(Use(id, "F", 300 - (3 * i) - 20));
        }

        accounts.Add(Acct("T1", "Healthcare"));
        subs.Add(Sub("T1", Plan.Pro));
        uses.Add(Use("T1", "A", 10));
        accounts.Add(Acct("T3", "Logistics"));
        subs.Add(Sub("T3", Plan.Pro));
        uses.AddRange([Use("T3", "A", 100), Use("T3", "B", 90), Use("T3", "C", 80)]);
        return Data(accounts, uses, subs);
    }

    [Fact]
    public void NextSteps_OnlyFeaturesNotUsed_WithPrerequisites_InThePlan_AndUpgradesApart()
    {
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Planted());

        NextSteps t1 = analysis.NextStepsFor("T1")!;
        NextSteps t3 = analysis.NextStepsFor("T3")!;

        Assert.Equal(Plan.Pro, t1.Plan);
        Assert.Equal(["A"], t1.Uses);
        Assert.Equal(["B", "C", "F"], t1.Recommendations.Select(r => r.Feature).Order());
        Assert.All(t1.Recommendations, r => Assert.False(r.RequiresUpgrade));
        NextStep upgrade = Assert.Single(t1.UpgradePaths);
        Assert.Equal("E", upgrade.Feature);
        Assert.True(upgrade.RequiresUpgrade);
        Assert.Equal(Plan.Enterprise, upgrade.MinPlan);
        // T3 uses A, B and C: none of them again, and D (needs C) is now open.
        Assert.Equal(["D", "F"], t3.Recommendations.Select(r => r.Feature).Order());
        Assert.Equal(["D", "F"], analysis.CandidatesFor("T3").Order());
        Assert.Null(analysis.NextStepsFor("nobody"));
    }

    [Fact]
    public void PeerGroup_FallsBackToThePlan_ThenToEveryone()
    {
        GrowthData data = Planted();

        // T3 is the only logistics account: its peers are the other 91 accounts on Pro.
        NextSteps t3 = AdoptionAnalysis.Build(data).NextStepsFor("T3")!;
        // Asking for more peers than any plan has: everyone (the 91 others; all of them happen to be on Pro, T3 among them).
        NextSteps wide = AdoptionAnalysis.Build(data, new AdoptionOptions { MinPeers = 100 }).NextStepsFor("T1")!;

        Assert.All(t3.Recommendations, r => Assert.Equal(new PeerGroup(null, Plan.Pro, 91), r.Evidence.Group));
        Assert.All(wide.Recommendations, r => Assert.Equal(new PeerGroup(null, null, 91), r.Evidence.Group));
        Assert.StartsWith("51% of all accounts adopted B within 60 days of A (46 of 91)", wide.Recommendations.Single(r => r.Feature == "B").Evidence.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void NextSteps_FindsThePlantedPattern_WithItsShareAndChurnRatio()
    {
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Planted());

        NextStep top = analysis.NextStepsFor("T1")!.Recommendations[0];

        Assert.Equal("B", top.Feature);
        AdoptionEvidence e = top.Evidence;
        Assert.Equal(new PeerGroup("Healthcare", Plan.Pro, 60), e.Group);
        Assert.Equal("A", e.Trigger);
        Assert.Equal(60, e.WindowDays);
        Assert.Equal(60, e.Eligible);
        Assert.Equal(45, e.Adopted);
        Assert.Equal(0.75, e.Share, 12);
        Assert.Equal(new ChurnComparison(45, 3, 15, 6, 10), e.Churn);
        Assert.Equal(6.0, e.Churn.Ratio!.Value, 9);
        Assert.Equal("75% of Healthcare accounts on Pro adopted B within 60 days of A (45 of 60); accounts using it churned 6× less (7% vs 40%).", e.Sentence);
        // Peers adopted B in 45 of 60 cases within the horizon, C almost never: the likelihoods say so.
        NextStep c = analysis.NextStepsFor("T1")!.Recommendations.Single(r => r.Feature == "C");
        Assert.True(top.Likelihood > 0.4, $"likelihood of B {top.Likelihood}");
        Assert.True(top.Likelihood > 3 * c.Likelihood, $"B {top.Likelihood} vs C {c.Likelihood}");
    }

    [Fact]
    public void NextSteps_PatternIsLearntPerIndustry_RetailGetsF()
    {
        var data = Planted();
        var accounts = data.Accounts.Append(Acct("T2", "Retail")).ToList();
        var subs = data.Subscriptions.Append(Sub("T2", Plan.Pro)).ToList();
        var uses = data.FirstUses.Append(Use("T2", "A", 10)).ToList();
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Data(accounts, uses, subs));

        NextStep top = analysis.NextStepsFor("T2")!.Recommendations[0];

        Assert.Equal("F", top.Feature);
        Assert.Equal(new PeerGroup("Retail", Plan.Pro, 30), top.Evidence.Group);
        Assert.Equal(30, top.Evidence.Adopted);
    }

    [Fact]
    public void SmallSamples_GiveNoChurnRatio()
    {
        // 8 adopters of B (none churned) and 8 non-adopters (4 churned): fewer than 10 per side, so no comparison is stated.
        var accounts = new List<Account>();
        var uses = new List<FeatureFirstUse>();
        var subs = new List<SubscriptionChange>();
        for (int i = 0; i < 16; i++)
        {
            string id = $"S{i:00}";
            accounts.Add(Acct(id, "Energy", churnedDaysAgo: i >= 8 && i < 12 ? 20 : null));
            subs.Add(Sub(id, Plan.Starter));
            uses.Add(Use(id, "A", 300));
            if (i < 8)
            {
                uses.Add(Use(id, "B", 290));
            }
        }

        accounts.Add(Acct("T", "Energy"));
        subs.Add(Sub("T", Plan.Starter));
        uses.Add(Use("T", "A", 5));
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Data(accounts, uses, subs), new AdoptionOptions { MinPeers = 5 });

        NextStep b = analysis.NextStepsFor("T")!.Recommendations.Single(r => r.Feature == "B");

        Assert.Equal(new ChurnComparison(8, 0, 8, 4, 10), b.Evidence.Churn);
        Assert.False(b.Evidence.Churn.IsComparable);
        Assert.Null(b.Evidence.Churn.Ratio);
        Assert.Null(b.Evidence.Churn.Clause());
        Assert.Equal(1.0, b.RetentionWeight);
        Assert.DoesNotContain("churn", b.Evidence.Sentence, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("×", b.Evidence.Sentence, StringComparison.Ordinal);
        Assert.Equal("50% of Energy accounts on Starter adopted B within 60 days of A (8 of 16).", b.Evidence.Sentence);
    }

    [Fact]
    public void Patterns_SharesMediansAndOrder_MatchAHandCount()
    {
        ProductFeature[] features = [new("X", [], Plan.Starter), new("Y", [], Plan.Starter), new("Z", [], Plan.Enterprise)];
        string[] ids = ["a1", "a2", "a3", "a4", "a5", "a6", "r1"];
        var accounts = ids.Select(id => Acct(id, id == "r1" ? "Retail" : "Healthcare")).ToList();
        var subs = ids.Select(id => Sub(id, Plan.Pro)).ToList();
        FeatureFirstUse[] uses =
        [
            Use("a1", "Y", 200), Use("a1", "X", 190), // 10 days after Y
            Use("a2", "Y", 200), Use("a2", "X", 130), // 70 days after
            Use("a3", "Y", 200),                      // never X
            Use("a4", "Y", 75), Use("a4", "X", 55),   // 20 days after; Y too recent to judge 90 days
            Use("a5", "X", 300), Use("a5", "Y", 200), // X before Y: not "after"
            Use("r1", "Y", 200), Use("r1", "X", 199), // another industry
            Use("a6", "X", 10), Use("a6", "X", 400),  // no Y; the earlier first use counts
            Use("a1", "X", -5),                       // after the analysis date: ignored
        ];
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Data(accounts, uses, subs, features));

        AdoptionPatterns p = analysis.Patterns(new SegmentFilter("healthcare", Plan.Pro), "y");

        Assert.Equal("Y", p.After);
        Assert.Equal(6, p.Accounts);
        Assert.Equal(5, p.WithAnchor);
        Assert.Equal(["X", "Z"], p.Next.Select(n => n.Feature));
        NextFeaturePattern x = p.Next[0];
        // Z is Enterprise only and everyone is on Pro: nobody is counted for it.
        Assert.Equal(new NextFeaturePattern("Z", 0, 0, 0, 0, 0, null), p.Next[1]);
        Assert.Equal(new NextFeaturePattern("X", Eligible60: 4, Within60: 2, Eligible90: 3, Within90: 2, Accounts: 3, MedianDays: 20), x);
        Assert.Equal(0.5, x.Share60, 12);
        Assert.Equal(2.0 / 3, x.Share90, 12);
        // Order: Y is first for a1–a4 and second for a5 (median 1); X second for a1, a2, a4, a5 and first for a6 (median 2).
        Assert.Equal(
            [new AdoptionOrderStep("Y", 5, 5 / 6.0, 1), new AdoptionOrderStep("X", 5, 5 / 6.0, 2)],
            p.TypicalOrder);
        Assert.Throws<ArgumentException>(() => analysis.Patterns(null, "nope"));
    }

    [Fact]
    public void RetentionLift_MatchesAHandCount()
    {
        // 12 adopters of S (1 churned); 20 non-adopters (8 churned), one of which first used S after churning;
        // 3 young accounts (signed up 30 days ago) are left out whatever they did.
        ProductFeature[] features = [new("S", [], Plan.Starter)];
        var accounts = new List<Account>();
        var uses = new List<FeatureFirstUse>();
        for (int i = 0; i < 12; i++)
        {
            accounts.Add(Acct($"A{i}", "Media", churnedDaysAgo: i == 0 ? 10 : null));
            uses.Add(Use($"A{i}", "S", 200));
        }

        for (int i = 0; i < 20; i++)
        {
            accounts.Add(Acct($"N{i}", "Media", churnedDaysAgo: i < 8 ? 100 : null));
        }

        uses.Add(Use("N0", "S", 90)); // after it churned 100 days ago
        for (int i = 0; i < 3; i++)
        {
            accounts.Add(Acct($"Y{i}", "Media", ageDays: 30, churnedDaysAgo: 5));
        }

        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Data(accounts, uses, [], features));

        ChurnComparison lift = Assert.Single(analysis.RetentionLift()).Lift;

        Assert.Equal(new ChurnComparison(12, 1, 20, 8, 10), lift);
        Assert.Equal(8 / 20.0 / (1 / 12.0), lift.Ratio!.Value, 12);
        Assert.Equal("accounts using it churned 4.8× less (8% vs 40%)", lift.Clause());
        Assert.Null(analysis.PlanOf("A1"));
    }

    [Fact]
    public void ModelEffect_HasTheRightSign_ForAPlantedStickyFeature()
    {
        // 600 accounts; Sticky (half of them) cuts churn from 40% to 6%; Noise (independent, half) does nothing.
        ProductFeature[] features = [new("Sticky", [], Plan.Starter), new("Noise", [], Plan.Starter)];
        var rng = new Random(7);
        var accounts = new List<Account>();
        var uses = new List<FeatureFirstUse>();
        var subs = new List<SubscriptionChange>();
        string[] industries = ["Retail", "Media", "Energy"];
        for (int i = 0; i < 600; i++)
        {
            string id = $"M{i:000}";
            bool sticky = rng.NextDouble() < 0.5;
            bool churned = rng.NextDouble() < (sticky ? 0.06 : 0.40);
            accounts.Add(Acct(id, industries[i % 3], ageDays: 300 + rng.Next(400), churnedDaysAgo: churned ? 20 + rng.Next(60) : null, tier: (Tier)(i % 4)));
            subs.Add(Sub(id, (Plan)(i % 3)));
            if (sticky)
            {
                uses.Add(Use(id, "Sticky", 200));
            }

            if (rng.NextDouble() < 0.5)
            {
                uses.Add(Use(id, "Noise", 150));
            }
        }

        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Data(accounts, uses, subs, features));

        IReadOnlyList<FeatureRetention> retention = analysis.Retention();

        FeatureRetentionModel model = analysis.RetentionModel!;
        Assert.Equal(600, model.Rows);
        FeatureRetention s = retention.Single(r => r.Feature == "Sticky");
        FeatureRetention n = retention.Single(r => r.Feature == "Noise");
        Assert.Equal("Sticky", retention[0].Feature);
        Assert.True(s.ModelEffectLogOdds < -0.8, $"sticky effect {s.ModelEffectLogOdds}");
        Assert.True(s.ModelEffectPoints < -10, $"sticky effect {s.ModelEffectPoints} points");
        Assert.True(Math.Abs(n.ModelEffectLogOdds!.Value) < Math.Abs(s.ModelEffectLogOdds!.Value) / 4, $"noise {n.ModelEffectLogOdds} vs sticky {s.ModelEffectLogOdds}");
        Assert.True(s.Lift.Ratio > 3, $"lift {s.Lift.Ratio}");
    }

    [Fact]
    public void EnablementMessage_NamesTheFeature_AndSaysNothingItWasNotGiven()
    {
        AdoptionAnalysis analysis = AdoptionAnalysis.Build(Planted());
        NextSteps steps = analysis.NextStepsFor("T1")!;
        NextStep b = steps.Recommendations[0];

        EnablementMessage m = EnablementMessage.Compose(b, steps.AccountName, "Dana", "Sam");
        EnablementMessage upgrade = EnablementMessage.Compose(steps.UpgradePaths[0], steps.AccountName);

        Assert.Equal("A next step for T1 Ltd: B", m.Subject);
        Assert.StartsWith("Hi Dana,", m.Body, StringComparison.Ordinal);
        Assert.Contains("Since your team already uses A, B is a natural next step: 75% of customers in Healthcare on the Pro plan that use A started using B within 60 days of it.", m.Body, StringComparison.Ordinal);
        Assert.EndsWith("Sam", m.Body, StringComparison.Ordinal);
        // Numbers: only the evidence's share and window, the account's name (T1 Ltd) and the template's 30-minute session; no churn figures.
        Assert.Equal(["75", "60", "1", "30"], Numbers().Matches(m.Body).Select(x => x.Value));
        Assert.DoesNotContain("churn", m.Body, StringComparison.OrdinalIgnoreCase);
        // Names: no feature or industry the recommendation did not carry.
        foreach (string other in new[] { "C", "D", "E", "F", "Retail" })
        {
            Assert.DoesNotMatch($@"\b{other}\b", m.Body);
        }

        Assert.StartsWith("Hi there,", upgrade.Body, StringComparison.Ordinal);
        Assert.Contains("E is part of the Enterprise plan", upgrade.Body, StringComparison.Ordinal);
        // Nobody among the peers uses E: the message cites no share at all rather than "0% of customers".
        Assert.Equal(0, steps.UpgradePaths[0].Evidence.Adopted);
        Assert.DoesNotContain("%", upgrade.Body, StringComparison.Ordinal);
        Assert.Contains("E could be a useful next step for T1 Ltd.", upgrade.Body, StringComparison.Ordinal);
        // A share under a half is not called "a natural next step".
        NextStep weak = b with { Evidence = b.Evidence with { Adopted = 12 } };
        Assert.Contains("B is worth a look: 20% of customers in Healthcare on the Pro plan", EnablementMessage.Compose(weak, steps.AccountName).Body, StringComparison.Ordinal);
        Assert.EndsWith("Your customer success team", upgrade.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_IsDeterministic_AndIgnoresFirstUsesAfterTheDate()
    {
        GrowthData data = Planted();
        var shuffled = data with { FirstUses = [.. data.FirstUses.Reverse(), Use("T1", "B", -3)], Accounts = [.. data.Accounts.Reverse()] };

        NextSteps a = AdoptionAnalysis.Build(data).NextStepsFor("T1")!;
        NextSteps b = AdoptionAnalysis.Build(shuffled).NextStepsFor("T1")!;

        Assert.Equal(a.Recommendations.Select(r => (r.Feature, r.Score, r.Evidence.Sentence)), b.Recommendations.Select(r => (r.Feature, r.Score, r.Evidence.Sentence)));
        Assert.Contains(b.Recommendations, r => r.Feature == "B");
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
