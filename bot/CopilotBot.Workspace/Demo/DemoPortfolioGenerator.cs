using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Demo;

/// <summary>
/// Makes a realistic, deterministic demo portfolio: the same seed and as-of date give the same data, byte for byte.
/// Some accounts are healthy, some churned in the past year (labels for the churn model), and some are heading for
/// churn now at different speeds (falling usage, late payments, angry tickets), so every plugin has something true to find.
/// <paramref name="historyMonths"/> months of history (13 by default; benchmarks that backtest many past dates ask for more),
/// with past churn spread over all but its last month.
/// </summary>
public sealed class DemoPortfolioGenerator(ulong seed, DateOnly asOf, int accountCount = 1000, int historyMonths = DemoPortfolioGenerator.HistoryMonths)
{
    public const int HistoryMonths = 13;

    private static readonly Tier[] TierOrder = [Tier.Platinum, Tier.Gold, Tier.Silver, Tier.Bronze];

    private readonly List<UsageMonth> _usage = [];
    private readonly List<Payment> _payments = [];
    private readonly List<(SupportConversation, IReadOnlyList<ConversationTurn>)> _conversations = [];
    private readonly List<CrmTask> _tasks = [];
    private readonly List<Intervention> _interventions = [];

    public DateOnly AsOf => asOf;

    /// <summary>The date of the platform-wide outage that lifts negative ticket volume across many accounts.</summary>
    public DateOnly OutageDate => asOf.AddDays(-38);

    public DemoPortfolio Generate(IProgress<double>? progress = null)
    {
        var root = new DemoRandom(seed);
        DemoRandom accountsRng = root.Fork(1);
        DemoRandom activityRng = root.Fork(2);
        DemoRandom ticketsRng = root.Fork(3);
        DemoRandom crmRng = root.Fork(4);

        List<string> names = CompanyNames(root.Fork(5));
        // Forked after every older stream: growth draws never shift what the portfolio had before it grew features.
        DemoRandom growthRng = root.Fork(6);
        var accounts = new List<Account>(accountCount);
        var trajectories = new Dictionary<string, DemoTrajectory>(accountCount);
        var plans = new List<Plan>(accountCount);
        for (int i = 0; i < accountCount; i++)
        {
            Plan plan = PlanAccount(accountsRng, i, names[i]);
            plans.Add(plan);
            accounts.Add(plan.Account);
            trajectories[plan.Account.Id] = plan.Trajectory;
        }

        int conversationSeq = 0;
        for (int i = 0; i < plans.Count; i++)
        {
            Plan plan = plans[i];
            AddUsageAndPayments(activityRng, plan);
            conversationSeq = AddConversations(ticketsRng, plan, conversationSeq);
            AddInterventions(crmRng, plan);
            if (i % 50 == 0)
            {
                progress?.Report((double)i / plans.Count);
            }
        }

        AddTasks(crmRng, plans);
        DemoGrowthData growth = new DemoGrowthGenerator(asOf, historyMonths)
            .Generate(growthRng, accounts, trajectories, _usage, _conversations.Select(c => c.Item1).ToList());
        progress?.Report(1.0);
        return new DemoPortfolio(
            DemoUsers.All, accounts, _usage, _payments, _conversations, _tasks, _interventions, trajectories)
        {
            Features = growth.Features,
            FeatureUsage = growth.FeatureUsage,
            FirstUses = growth.FirstUses,
            Subscriptions = growth.Subscriptions,
        };
    }

    private List<string> CompanyNames(DemoRandom rng)
    {
        var names = new List<string>(accountCount);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string famous in DemoText.FamousCompanies)
        {
            if (names.Count < accountCount && seen.Add(famous))
            {
                names.Add(famous);
            }
        }

        int guard = 0;
        while (names.Count < accountCount && guard++ < accountCount * 50)
        {
            string name = rng.Pick(DemoText.NameFirst) + " " + rng.Pick(DemoText.NameSecond) + rng.Pick(DemoText.NameSuffix);
            if (seen.Add(name))
            {
                names.Add(name);
            }
        }

        for (int n = names.Count; n < accountCount; n++)
        {
            names.Add("Demo Account " + (n + 1).ToString(CultureInfo.InvariantCulture));
        }

        // Famous names first would put them all in one region and tier; shuffle so they spread out.
        for (int i = names.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (names[i], names[j]) = (names[j], names[i]);
        }

        return names;
    }

    private Plan PlanAccount(DemoRandom rng, int index, string name)
    {
        string id = "P" + (10001 + index).ToString(CultureInfo.InvariantCulture);
        double t = rng.NextDouble();
        Tier tier = t < 0.10 ? Tier.Platinum : t < 0.30 ? Tier.Gold : t < 0.60 ? Tier.Silver : Tier.Bronze;
        (double lo, double hi) = tier switch
        {
            Tier.Platinum => (200_000, 2_000_000),
            Tier.Gold => (60_000, 200_000),
            Tier.Silver => (20_000, 60_000),
            _ => (5_000, 20_000),
        };
        decimal arr = Math.Round((decimal)Math.Exp(rng.Uniform(Math.Log(lo), Math.Log(hi))) / 100m) * 100m;
        double r = rng.NextDouble();
        Region region = r < 0.40 ? Region.NA : r < 0.70 ? Region.EMEA : r < 0.88 ? Region.APAC : Region.LATAM;
        var csms = DemoUsers.CsmRegions.Where(c => c.Region == region).ToList();
        string owner = csms[rng.Next(csms.Count)].CsmId;
        string industry = rng.Pick(DemoText.Industries);
        int seats = Math.Max(5, (int)Math.Round((double)arr / rng.Uniform(400, 700)));

        // Most accounts have years of history; about one in eight signed up within the last year.
        int ageDays = rng.Chance(0.12) ? rng.Next(60, 365) : rng.Next(400, 7 * 365);
        DateOnly signup = asOf.AddDays(-ageDays);
        DateOnly renewal = signup;
        while (renewal <= asOf)
        {
            renewal = renewal.AddYears(1);
        }

        double churnP = tier switch { Tier.Platinum => 0.05, Tier.Gold => 0.08, Tier.Silver => 0.11, _ => 0.14 };
        double u = rng.NextDouble();
        DemoTrajectory trajectory =
            u < churnP ? DemoTrajectory.Churned
            // Heading for churn now: about as many as churned in any past quarter (a quarter of the annual rate), so the
            // present looks like the history the model learns from and a forecast is not a multiple of every past quarter.
            : u < churnP * 1.04 ? DemoTrajectory.AtRiskWithin7Days
            : u < churnP * 1.12 ? DemoTrajectory.AtRiskWithin30Days
            : u < churnP * 1.27 ? DemoTrajectory.AtRiskWithin90Days
            : u < churnP * 1.27 + 0.04 ? DemoTrajectory.Recovering
            : DemoTrajectory.Healthy;

        DateOnly? churnedOn = null;
        if (trajectory == DemoTrajectory.Churned)
        {
            churnedOn = asOf.AddDays(-rng.Next(15, (historyMonths * 30) - 30));
            if (churnedOn < signup.AddDays(60))
            {
                churnedOn = signup.AddDays(60);
            }
        }

        // Where the decline starts and how deep it goes, in months before the as-of month (or before churn).
        // Churners are not all obvious: about a quarter leave with little warning in usage (a budget cut, an acquisition, a
        // competitor's offer), and about one healthy account in eight has a dip of its own that comes to nothing. Without
        // them every churner is trivially separable and the model is absurdly sure (100% risk) in a way real data never is.
        bool quiet = rng.Chance(0.25);
        bool falseAlarm = trajectory == DemoTrajectory.Healthy && rng.Chance(0.12);
        (int declineMonths, double depth) = trajectory switch
        {
            DemoTrajectory.Churned when quiet => (rng.Next(1, 4), rng.Uniform(0.0, 0.25)),
            DemoTrajectory.Healthy when falseAlarm => (rng.Next(2, 6), rng.Uniform(0.12, 0.35)),
            DemoTrajectory.Churned => (rng.Next(3, 7), rng.Uniform(0.35, 0.8)),
            DemoTrajectory.AtRiskWithin7Days => (rng.Next(3, 5), rng.Uniform(0.6, 0.8)),
            DemoTrajectory.AtRiskWithin30Days => (rng.Next(3, 5), rng.Uniform(0.4, 0.55)),
            DemoTrajectory.AtRiskWithin90Days => (rng.Next(2, 4), rng.Uniform(0.25, 0.38)),
            DemoTrajectory.Recovering => (rng.Next(3, 5), rng.Uniform(0.2, 0.35)),
            _ => (0, 0.0),
        };

        var account = new Account(
            id, name, tier, arr, region, industry, owner, trajectory == DemoTrajectory.Churned ? null : renewal, signup, seats,
            trajectory == DemoTrajectory.Churned ? AccountStatus.Churned : AccountStatus.Active, churnedOn);
        // A false alarm's dip ends at any month of the history (then usage comes back), not all of them now.
        int? dipEnd = falseAlarm ? rng.Next(declineMonths + 1, historyMonths + 2) : null;
        return new Plan(account, trajectory, declineMonths, depth, rng.Uniform(0.55, 0.9), rng.Uniform(0.35, 0.8)) { DipEnd = dipEnd };
    }

    /// <summary>Month index 0..historyMonths-1, the last being the as-of month.</summary>
    private DateOnly MonthStart(int index) =>
        new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(index - (historyMonths - 1));

    /// <summary>The usage multiplier for a month: 1 when healthy, falling towards 1 − depth during a decline.</summary>
    private double Health(Plan plan, int monthIndex)
    {
        int endIndex = historyMonths - 1;
        if (plan.Account.ChurnedOn is { } churned)
        {
            endIndex = MonthsFromStart(churned);
        }

        if (plan.DeclineMonths == 0)
        {
            return 1.0;
        }

        int start = endIndex - plan.DeclineMonths;
        if (plan.DipEnd is { } falseAlarmEnd)
        {
            // A healthy account's dip that came to nothing: down over the decline months, then back to normal.
            int from = falseAlarmEnd - plan.DeclineMonths;
            return monthIndex <= from || monthIndex > falseAlarmEnd + 1 ? 1.0
                : monthIndex <= falseAlarmEnd ? 1.0 - (plan.Depth * (monthIndex - from) / plan.DeclineMonths)
                : 1.0 - (plan.Depth * 0.5);
        }

        if (plan.Trajectory == DemoTrajectory.Recovering)
        {
            // Dipped a few months ago, then recovered after the CSM intervened.
            int dipEnd = historyMonths - 3;
            int dipStart = dipEnd - plan.DeclineMonths;
            if (monthIndex <= dipStart)
            {
                return 1.0;
            }

            if (monthIndex <= dipEnd)
            {
                return 1.0 - (plan.Depth * (monthIndex - dipStart) / plan.DeclineMonths);
            }

            return 1.0 - (plan.Depth * 0.3);
        }

        if (monthIndex <= start)
        {
            return 1.0;
        }

        double progress = Math.Min(1.0, (double)(monthIndex - start) / plan.DeclineMonths);
        return 1.0 - (plan.Depth * progress);
    }

    private int MonthsFromStart(DateOnly date)
    {
        DateOnly first = MonthStart(0);
        return ((date.Year - first.Year) * 12) + date.Month - first.Month;
    }

    private bool IsDeclining(Plan plan, DateOnly date) =>
        Health(plan, Math.Clamp(MonthsFromStart(date), 0, historyMonths - 1)) < 0.93;

    private void AddUsageAndPayments(DemoRandom rng, Plan plan)
    {
        Account a = plan.Account;
        int seats = a.Seats ?? 10;
        for (int m = 0; m < historyMonths; m++)
        {
            DateOnly month = MonthStart(m);
            if (a.SignupDate is { } signup && month.AddMonths(1) <= signup)
            {
                continue;
            }

            if (a.ChurnedOn is { } churned && month > churned)
            {
                break;
            }

            double health = Health(plan, m);
            double ramp = a.SignupDate is { } s && month < s.AddMonths(3) ? 0.6 : 1.0;
            double noise = 1.0 + rng.Normal(0, 0.08);
            int active = Math.Max(0, (int)Math.Round(seats * plan.BaseAdoption * health * ramp * noise));
            int logins = Math.Max(0, (int)Math.Round(active * rng.Uniform(6, 18) * health));
            double features = Math.Clamp((plan.BaseFeatures * Math.Pow(health, 1.3)) + rng.Normal(0, 0.02), 0, 1);
            _usage.Add(new UsageMonth(a.Id, month, active, logins, Math.Round(features, 3)));

            DateOnly due = month.AddDays(14);
            if (due > asOf || (a.ChurnedOn is { } c && due > c))
            {
                continue;
            }

            bool declining = IsDeclining(plan, due);
            double lateP = declining ? plan.Trajectory switch
            {
                DemoTrajectory.AtRiskWithin7Days or DemoTrajectory.Churned => 0.7,
                DemoTrajectory.AtRiskWithin30Days => 0.45,
                _ => 0.25,
            } : 0.07;
            decimal amount = Math.Round(a.Arr / 12m, 2);
            string invoice = "INV-" + a.Id[1..] + "-" + month.ToString("yyyyMM", CultureInfo.InvariantCulture);
            PaymentStatus status;
            DateOnly? paid;
            if (rng.Chance(lateP))
            {
                if (declining && rng.Chance(0.35))
                {
                    paid = null;
                    status = PaymentStatus.Failed;
                }
                else
                {
                    paid = due.AddDays(rng.Next(16, 55));
                    status = PaymentStatus.Late;
                }
            }
            else
            {
                paid = due.AddDays(rng.Next(-10, 6));
                status = PaymentStatus.Paid;
            }

            if (paid is { } p && p > asOf)
            {
                // Not paid yet as of today: within the grace week it is merely open, after it late.
                paid = null;
                status = asOf <= due.AddDays(7) ? PaymentStatus.Open : PaymentStatus.Late;
            }

            _payments.Add(new Payment(invoice, a.Id, due, paid, amount, status));
        }
    }

    private int AddConversations(DemoRandom rng, Plan plan, int seq)
    {
        Account a = plan.Account;
        double rate = a.Tier switch { Tier.Platinum => 2.2, Tier.Gold => 1.3, Tier.Silver => 0.8, _ => 0.5 };
        for (int m = 0; m < historyMonths; m++)
        {
            DateOnly month = MonthStart(m);
            if (a.SignupDate is { } signup && month.AddMonths(1) <= signup)
            {
                continue;
            }

            if (a.ChurnedOn is { } churned && month > churned)
            {
                break;
            }

            bool declining = IsDeclining(plan, month.AddDays(14));
            int count = rng.Poisson(declining ? rate * 1.8 + 0.6 : rate);
            for (int k = 0; k < count; k++)
            {
                int daysInMonth = DateTime.DaysInMonth(month.Year, month.Month);
                DateOnly day = month.AddDays(rng.Next(daysInMonth));
                if (day > asOf || (a.ChurnedOn is { } c && day > c))
                {
                    continue;
                }

                int tone = declining ? Tone(rng, 0.2, 0.45) : Tone(rng, 0.72, 0.24);
                string topic = PickTopic(rng, declining, plan.Trajectory);
                _conversations.Add(MakeConversation(rng, ++seq, a, day, topic, tone));
            }
        }

        // Shortly before leaving, an account says so: a cancellation or non-renewal conversation in its last weeks.
        DateOnly? goodbye = plan.Trajectory switch
        {
            DemoTrajectory.Churned when a.ChurnedOn is { } c && rng.Chance(0.5) => c.AddDays(-rng.Next(2, 40)),
            DemoTrajectory.AtRiskWithin7Days when rng.Chance(0.9) => asOf.AddDays(-rng.Next(1, 10)),
            _ => null,
        };
        if (goodbye is { } day2 && (a.SignupDate is null || day2 > a.SignupDate))
        {
            _conversations.Add(MakeConversation(rng, ++seq, a, day2, "cancellation", rng.Chance(0.5) ? 2 : 1));
        }

        // The platform outage: many active accounts write in on the same day, mostly upset.
        if (a.Status == AccountStatus.Active && a.SignupDate < OutageDate && rng.Chance(0.18))
        {
            int tone = Tone(rng, 0.1, 0.5);
            _conversations.Add(MakeConversation(rng, ++seq, a, OutageDate, "outage", tone));
        }

        return seq;
    }

    private static int Tone(DemoRandom rng, double calm, double frustrated)
    {
        double x = rng.NextDouble();
        return x < calm ? 0 : x < calm + frustrated ? 1 : 2;
    }

    private static string PickTopic(DemoRandom rng, bool declining, DemoTrajectory trajectory)
    {
        if (declining && trajectory is DemoTrajectory.AtRiskWithin7Days or DemoTrajectory.Churned && rng.Chance(0.1))
        {
            return "cancellation";
        }

        double x = rng.NextDouble();
        return x switch
        {
            < 0.20 => "billing",
            < 0.36 => "login",
            < 0.52 => "performance",
            < 0.58 => "outage",
            < 0.72 => "integration",
            < 0.84 => "feature_request",
            < 0.95 => "onboarding",
            _ => declining ? "cancellation" : "feature_request",
        };
    }

    private (SupportConversation, IReadOnlyList<ConversationTurn>) MakeConversation(
        DemoRandom rng, int seq, Account account, DateOnly day, string topic, int tone)
    {
        string id = "C" + seq.ToString("D6", CultureInfo.InvariantCulture);
        var start = new DateTimeOffset(day.Year, day.Month, day.Day, rng.Next(7, 19), rng.Next(60), 0, TimeSpan.Zero);
        string customer = rng.Pick(DemoText.CustomerNames);
        string agent = rng.Pick(DemoText.AgentNames);
        string opener = Fill(rng.Pick(DemoText.Openers[topic][Math.Min(tone, DemoText.Openers[topic].Length - 1)]), account, day, rng);
        var turns = new List<ConversationTurn>
        {
            new(id, 1, Speaker.Customer, start, opener),
            new(id, 2, Speaker.Agent, start.AddMinutes(rng.Next(5, 90)), rng.Pick(DemoText.AgentAcks).Replace("{name}", customer, StringComparison.Ordinal) + " — " + agent),
        };
        DateTimeOffset at = turns[^1].At;
        if (tone == 2 && rng.Chance(0.7))
        {
            at = at.AddHours(rng.Next(2, 30));
            turns.Add(new ConversationTurn(id, turns.Count + 1, Speaker.Customer, at, "Any update? We still have the problem and our team is blocked."));
        }

        at = at.AddHours(rng.Next(1, 48));
        turns.Add(new ConversationTurn(id, turns.Count + 1, Speaker.Agent, at, rng.Pick(DemoText.AgentResolutions[topic])));
        if (rng.Chance(0.75))
        {
            at = at.AddHours(rng.Next(1, 24));
            turns.Add(new ConversationTurn(id, turns.Count + 1, Speaker.Customer, at, rng.Pick(DemoText.CustomerFollowUps[tone])));
        }

        double sentiment = tone switch
        {
            0 => rng.Uniform(0.0, 0.6),
            1 => rng.Uniform(-0.6, -0.2),
            _ => rng.Uniform(-0.95, -0.6),
        };
        string subject = Subject(topic, tone);
        var conversation = new SupportConversation(
            id, account.Id, start, topic, Math.Round(sentiment, 2), rng.Pick(DemoText.Channels), subject);
        return (conversation, turns);
    }

    private static string Fill(string template, Account account, DateOnly day, DemoRandom rng) =>
        template
            .Replace("{invoice}", "INV-" + account.Id[1..] + "-" + day.AddMonths(-1).ToString("yyyyMM", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{month}", day.AddMonths(-1).ToString("MMMM", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{seats}", rng.Next(5, 60).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string Subject(string topic, int tone) => (topic, tone) switch
    {
        ("billing", 0) => "Billing question",
        ("billing", _) => "Billing error",
        ("login", 0) => "SSO / login setup",
        ("login", _) => "Users cannot log in",
        ("performance", _) => "Slow dashboards and exports",
        ("outage", _) => "Service unavailable",
        ("integration", 0) => "API / integration question",
        ("integration", _) => "Integration broken",
        ("feature_request", _) => "Feature request",
        ("onboarding", _) => "Onboarding and training",
        ("cancellation", 0) => "Contract question",
        _ => "Cancellation / non-renewal",
    };

    private void AddInterventions(DemoRandom rng, Plan plan)
    {
        Account a = plan.Account;
        string owner = a.OwnerId ?? DemoUsers.AdminId;
        (InterventionStatus Status, DateOnly Created, DateOnly? Outcome)? item = plan.Trajectory switch
        {
            DemoTrajectory.Churned when a.ChurnedOn is { } c && rng.Chance(0.5) =>
                (InterventionStatus.Churned, c.AddDays(-rng.Next(25, 70)), c),
            DemoTrajectory.Recovering => (InterventionStatus.Saved, asOf.AddDays(-rng.Next(80, 140)), asOf.AddDays(-rng.Next(20, 60))),
            DemoTrajectory.AtRiskWithin90Days when rng.Chance(0.3) => (InterventionStatus.Pending, asOf.AddDays(-rng.Next(15, 40)), null),
            _ => null,
        };
        if (item is not { } x)
        {
            return;
        }

        string id = "I" + (_interventions.Count + 1).ToString("D4", CultureInfo.InvariantCulture);
        string kind = rng.Chance(0.6) ? "email" : "call";
        var created = new DateTimeOffset(x.Created.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        DateTimeOffset? outcome = x.Outcome is { } o ? new DateTimeOffset(o.ToDateTime(new TimeOnly(16, 0)), TimeSpan.Zero) : null;
        _interventions.Add(new Intervention(
            id, a.Id, kind, x.Status, Math.Round(rng.Uniform(0.6, 0.95), 2), created, owner,
            $"Retention {kind} for {a.Name}", outcome, outcome is null ? null : owner));
    }

    private void AddTasks(DemoRandom rng, List<Plan> plans)
    {
        int n = 0;
        foreach ((string csm, _) in DemoUsers.CsmRegions)
        {
            var book = plans.Where(p => p.Account.OwnerId == csm && p.Account.Status == AccountStatus.Active).ToList();
            int count = Math.Min(book.Count, rng.Next(3, 7));
            for (int k = 0; k < count; k++)
            {
                Account a = rng.Pick(book).Account;
                string title = rng.Pick(DemoText.TaskTitles).Replace("{account}", a.Name, StringComparison.Ordinal);
                DateOnly due = asOf.AddDays(rng.Next(-9, 15));
                bool done = due < asOf && rng.Chance(0.4);
                var created = new DateTimeOffset(due.AddDays(-rng.Next(3, 20)).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
                _tasks.Add(new CrmTask(
                    "T" + (++n).ToString(CultureInfo.InvariantCulture), a.Id, title, due, csm,
                    done ? TaskState.Done : TaskState.Open, created, csm,
                    done ? created.AddDays(rng.Next(1, 5)) : null));
            }
        }
    }

    private sealed record Plan(
        Account Account,
        DemoTrajectory Trajectory,
        int DeclineMonths,
        double Depth,
        double BaseAdoption,
        double BaseFeatures)
    {
        /// <summary>For a healthy account with a dip that came to nothing: the month index the dip bottomed out.</summary>
        public int? DipEnd { get; init; }
    }
}
