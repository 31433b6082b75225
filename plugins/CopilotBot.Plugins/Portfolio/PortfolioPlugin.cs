using System.ComponentModel;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Portfolio;

/// <param name="backtestWait">How long a forecast waits for its backtest's models before answering without them (4 s when not given).</param>
[Description("Portfolio questions for managers: ARR at risk by segment and churn forecasts.")]
public sealed class PortfolioPlugin(IChurnRiskProvider risk, IAccountStore accounts, TimeSpan? backtestWait = null)
{
    /// <summary>Accounts at or above this 90-day risk count as red.</summary>
    public const double RedThreshold = 0.5;

    /// <summary>Past dates a forecast is backtested on, <see cref="BacktestSpacingDays"/> apart.</summary>
    public const int BacktestDates = 6;

    /// <summary>
    /// Days between backtest dates: a fortnight, so six dates fit in a history of a year and a half's quarters (each date
    /// needs its 90 days to have ended, and a model trained on what was known then).
    /// </summary>
    public const int BacktestSpacingDays = 15;

    /// <summary>Monte Carlo draws per backtest date.</summary>
    public const int BacktestDraws = 2_000;

    /// <summary>How long a forecast waits for its backtest's models by default before answering without them.</summary>
    public static readonly TimeSpan DefaultBacktestWait = TimeSpan.FromSeconds(4);

    private readonly TimeSpan _backtestWait = backtestWait ?? DefaultBacktestWait;

    [KernelFunction("summary")]
    [Description("ARR at risk (expected: probability × ARR, and ARR of high-risk accounts) by tier, region, industry, owner or urgency bucket, with change against last month and top movers.")]
    public async Task<PluginResult> SummaryAsync(
        [FromKernelServices] CallerContext caller,
        [Description("tier | region | industry | owner | bucket (default tier)")] string? groupBy = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("Industry")] string? industry = null,
        [Description("'me' or a CSM user id")] string? owner = null,
        CancellationToken cancellationToken = default)
    {
        Func<AccountRisk, bool>? filter = Filter(caller, region, tier, industry, owner, out string? problem, out string scope);
        if (filter is null)
        {
            return PluginResult.Refuse(problem!);
        }

        string dimension = (groupBy ?? "tier").Trim().ToLowerInvariant();
        Func<AccountRisk, string> key = dimension switch
        {
            "region" => r => r.Account.Region.ToString(),
            "industry" => r => r.Account.Industry,
            "owner" or "csm" => r => r.Account.OwnerId ?? "(no owner)",
            "bucket" or "urgency" => r => AccountRisk.Badge(r.Urgency),
            _ => r => r.Account.Tier.ToString(),
        };
        if (dimension is not ("region" or "industry" or "owner" or "csm" or "bucket" or "urgency"))
        {
            dimension = "tier";
        }

        var now = (await risk.ScoreAsync(cancellationToken)).Where(filter).ToList();
        var before = (await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), cancellationToken)).Where(filter).ToList();
        if (now.Count == 0)
        {
            return new PluginResult($"No active accounts {scope}.") { Data = new { accounts = 0 } };
        }

        // The trend: every 30 days back over five months (the provider keeps past scores with its snapshot, and 30 days
        // ago is already scored above), then today.
        var trend = new List<(DateOnly At, double Expected, int Accounts)>();
        for (int back = 150; back >= 30; back -= 30)
        {
            var then = back == 30 ? before : (await risk.ScoreAsOfAsync(risk.Today.AddDays(-back), cancellationToken)).Where(filter).ToList();
            trend.Add((risk.Today.AddDays(-back), then.Count == 0 ? double.NaN : then.Sum(r => r.ArrAtRisk), then.Count));
        }

        double expected = now.Sum(r => r.ArrAtRisk);
        double expectedBefore = before.Sum(r => r.ArrAtRisk);
        trend.Add((risk.Today, expected, now.Count));
        double redArr = now.Where(r => r.Probability >= RedThreshold).Sum(r => (double)r.Account.Arr);
        int red = now.Count(r => r.Probability >= RedThreshold);
        var rows = now.GroupBy(key).OrderByDescending(g => g.Sum(r => r.ArrAtRisk)).Select(g => (IReadOnlyList<string>)
        [
            g.Key, Format.Int(g.Count()), Format.Money(g.Sum(r => (double)r.Account.Arr)), Format.Money(g.Sum(r => r.ArrAtRisk)),
            Format.Int(g.Count(r => r.Probability >= RedThreshold)), Format.Money(g.Where(r => r.Probability >= RedThreshold).Sum(r => (double)r.Account.Arr)),
        ]).ToList();
        var previous = before.ToDictionary(r => r.Account.Id, r => r.Probability);
        var movers = now.Select(r => (Risk: r, Delta: r.Probability - previous.GetValueOrDefault(r.Account.Id)))
            .OrderByDescending(m => m.Delta * (double)m.Risk.Account.Arr).Take(5).Where(m => m.Delta > 0.05).ToList();
        var worstOwner = now.GroupBy(r => r.Account.OwnerId ?? "(no owner)").MaxBy(g => g.Sum(r => r.ArrAtRisk));
        string change = expectedBefore == 0 ? "n/a" : $"{(expected >= expectedBefore ? "+" : "−")}{Format.Money(Math.Abs(expected - expectedBefore))} vs 30 days ago";
        string text = $"Expected ARR at risk {scope}: {Format.Money(expected)} ({change}) across {Quantity.Of(now.Count, "account")}; " +
            $"{red} high-risk account{(red == 1 ? string.Empty : "s")} (≥{Format.Percent(RedThreshold)} risk) hold {Format.Money(redArr)} ARR. " +
            (worstOwner is not null && caller.Scope.OwnerIds is not { Count: 1 } ? $"Most at risk: {worstOwner.Key}'s book ({Format.Money(worstOwner.Sum(r => r.ArrAtRisk))}). " : string.Empty) +
            (movers.Count > 0 ? $"Biggest mover: {movers[0].Risk.Account.Name} (+{movers[0].Delta * 100:0} pts)." : string.Empty);
        var body = new List<CardElement>
        {
            new CardFacts([("Expected ARR at risk", Format.Money(expected)), ("Change (30 days)", change), ("High-risk accounts (≥50%)", $"{red} · {Format.Money(redArr)} ARR"), ("Accounts", Format.Int(now.Count))]),
            new CardTable([Title(dimension), "Accounts", "ARR", "Expected at risk", "High risk", "High-risk ARR"], rows),
        };
        if (movers.Count > 0)
        {
            body.Add(new CardText("Top movers (30 days)", Emphasis: true));
            body.Add(new CardTable(["Account", "Risk now", "Change", "ARR"], movers.Select(m => (IReadOnlyList<string>)
                [$"{m.Risk.Account.Name} ({m.Risk.Account.Id})", Format.Risk(m.Risk.Probability), $"+{m.Delta * 100:0} pts", Format.Money(m.Risk.Account.Arr)]).ToList()));
        }

        if (PortfolioCharts.AtRiskTrend(trend.Select(t => (t.At, t.Expected)).ToList(), scope) is { } trendChart)
        {
            body.Add(new CardText("Expected ARR at risk over the last months", Emphasis: true));
            body.Add(trendChart);
            body.Add(new CardTable(["As of", "Expected at risk", "Accounts"], trend.Select(t => (IReadOnlyList<string>)
                [Format.Iso(t.At), double.IsFinite(t.Expected) ? Format.Money(t.Expected) : "—", Format.Int(t.Accounts)]).ToList()));
        }

        body.Add(new CardText("Expected ARR at risk = Σ (90-day churn probability × ARR).", Subtle: true));
        return new PluginResult(text)
        {
            Cards = [new Card($"ARR at risk {scope}, by {Title(dimension).ToLowerInvariant()}", body, [])],
            AccountsShown = movers.Select(m => m.Risk.Account.Id).ToList(),
            Data = new { expected_arr_at_risk = Math.Round(expected), expected_30_days_ago = Math.Round(expectedBefore), red_accounts = red, red_arr = redArr, accounts = now.Count },
        };
    }

    [KernelFunction("forecast")]
    [Description("Forecast churned ARR over the next 30, 90 or 180 days with a 90% interval (best, likely, worst case), and how past forecasts compared with what happened.")]
    public async Task<PluginResult> ForecastAsync(
        [FromKernelServices] CallerContext caller,
        [Description("30, 90 or 180")] int? horizonDays = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("Industry")] string? industry = null,
        [Description("'me' or a CSM user id")] string? owner = null,
        CancellationToken cancellationToken = default)
    {
        Func<AccountRisk, bool>? filter = Filter(caller, region, tier, industry, owner, out string? problem, out string scope);
        if (filter is null)
        {
            return PluginResult.Refuse(problem!);
        }

        int days = horizonDays switch { null => 90, <= 30 => 30, <= 90 => 90, _ => 180 };
        var now = (await risk.ScoreAsync(cancellationToken)).Where(filter).ToList();
        var all = (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken)).ToDictionary(a => a.Id);
        // Backtest, out of sample: on each of six past dates, a model trained only on what was known then forecast the
        // next period, against the ARR that actually churned in it.
        var backtest = new List<IReadOnlyList<string>>();
        var backtestPoints = new List<(DateOnly At, ForecastDistribution Past, double Actual)>();
        var outcomes = new List<PastForecast>();
        int inside = 0, checkedDates = 0;
        bool outOfSample = true;

        // Each date trains its own model: seconds of work the first time after the data changes, cached after. The dates
        // are scored together, in the background, and the answer waits for them only so long; when they are not ready it
        // says so and answers with account-level chance alone, and the next question finds them done.
        DateOnly[] dates = days <= 90 ? [.. Enumerable.Range(0, BacktestDates).Select(k => risk.Today.AddDays(-days - (BacktestSpacingDays * k)))] : [];
        var scoring = dates.Select(at => risk.ScoreOutOfSampleAsync(at, days, CancellationToken.None)).ToArray();
        Task scored = Task.WhenAll(scoring);
        bool backtestReady = scoring.Length == 0 || await Task.WhenAny(scored, Task.Delay(_backtestWait, cancellationToken)) == scored;
        for (int k = 0; k < dates.Length && backtestReady; k++)
        {
            DateOnly at = dates[k];
            IReadOnlyList<(Account Account, double Probability)>? then = await scoring[k];
            if (then is null)
            {
                // A provider that cannot train (a test double): the current model on past data, said to be in sample.
                outOfSample = false;
                then = (await risk.ScoreAsOfAsync(at, cancellationToken)).Select(r => (r.Account, ChurnForecast.WithinDays(days, r.Within30, r.Probability))).ToList();
            }

            var scoped = then.Where(t => filter(new AccountRisk(t.Account, t.Probability, Urgency.Later, []))).ToList();
            if (scoped.Count == 0)
            {
                continue;
            }

            // 2,000 draws, not 10,000: a past date needs its expectation (exact either way), its spread and a 90% interval
            // to within a percent or two, and six of them cost more than today's three horizons otherwise.
            List<(double Probability, double Arr)> pastInputs = [.. scoped.Select(t => (t.Probability, (double)t.Account.Arr))];
            ForecastDistribution past = ChurnForecast.Simulate(pastInputs, draws: BacktestDraws);
            double actual = scoped.Where(t => all.TryGetValue(t.Account.Id, out Account? a) && a.ChurnedOn is { } c && c > at && c <= at.AddDays(days)).Sum(t => (double)t.Account.Arr);
            bool hit = actual >= past.Low && actual <= past.High;
            inside += hit ? 1 : 0;
            checkedDates++;
            backtest.Add([Format.Iso(at), Format.Money(past.Expected), Format.MoneyRange(past.Low, past.High), Format.Money(actual), hit ? "inside" : "outside"]);
            backtestPoints.Add((at, past, actual));
            outcomes.Add(new PastForecast(pastInputs, actual));
        }

        backtestPoints.Reverse();
        backtest.Reverse();
        double? backtestMae = checkedDates == 0 ? null : backtestPoints.Average(b => Math.Abs(b.Past.Expected - b.Actual));

        // The model's own error, measured on those past forecasts (how far they missed beyond account-level chance, calibrated
        // through the simulation), widens today's interval.
        double? measuredError = ChurnForecast.Calibrate(outcomes)?.Spread;
        double modelError = measuredError ?? 0;
        int measuredOn = measuredError is null ? 0 : outcomes.Count;
        ForecastDistribution f = ChurnForecast.Simulate(now.Select(r => (ChurnForecast.WithinDays(days, r.Within30, r.Probability), (double)r.Account.Arr)).ToList(), modelError: modelError, modelErrorSamples: measuredOn);
        var horizons = new[] { 30, 90, 180 }.Select(h => (Days: h, F: h == days ? f
            : ChurnForecast.Simulate(now.Select(r => (ChurnForecast.WithinDays(h, r.Within30, r.Probability), (double)r.Account.Arr)).ToList(), modelError: modelError, modelErrorSamples: measuredOn))).ToList();

        // Against history: the ARR that churned in each of the last four periods of the same length, in the same scope.
        var inScope = all.Values.Where(a => filter(new AccountRisk(a, 0, Urgency.Later, []))).ToList();
        var history = Enumerable.Range(1, 4).Select(k =>
        {
            DateOnly to = risk.Today.AddDays(-(k - 1) * days), from = risk.Today.AddDays(-k * days);
            return (From: from, To: to, Arr: inScope.Where(a => a.ChurnedOn is { } c && c > from && c <= to).Sum(a => (double)a.Arr),
                Accounts: inScope.Count(a => a.ChurnedOn is { } c && c > from && c <= to));
        }).Where(h => h.From >= (inScope.Min(a => a.SignupDate) ?? h.From)).ToList();
        double pastMean = history.Count == 0 ? double.NaN : history.Average(h => h.Arr);

        // What drives the forecast: the urgency buckets and the accounts that carry most of the expected churned ARR.
        var byBucket = now.GroupBy(r => r.Urgency).OrderBy(g => g.Key)
            .Select(g => (Bucket: AccountRisk.Badge(g.Key), Accounts: g.Count(), Expected: g.Sum(r => ChurnForecast.WithinDays(days, r.Within30, r.Probability) * (double)r.Account.Arr)))
            .ToList();
        var carriers = now.Select(r => (Risk: r, Expected: ChurnForecast.WithinDays(days, r.Within30, r.Probability) * (double)r.Account.Arr))
            .OrderByDescending(c => c.Expected).Take(5).ToList();
        double carried = carriers.Sum(c => c.Expected);
        string versusHistory = double.IsNaN(pastMean)
            ? "There is no churn history of that length to compare with."
            : pastMean <= 0
                ? $"No ARR churned {scope} in the last {history.Count} periods of {days} days, so any forecast is above history."
                : $"That is {f.Expected / pastMean:0.0}× the average {days}-day churn of the last {history.Count} periods ({Format.Money(pastMean)}; " +
                  $"{Format.Money(history.Min(h => h.Arr))} to {Format.Money(history.Max(h => h.Arr))}).";
        (string Bucket, int Accounts, double Expected) topBucket = byBucket.Count == 0 ? ("—", 0, 0) : byBucket.MaxBy(b => b.Expected);
        string drivers = now.Count == 0 || f.Expected <= 0 ? string.Empty :
            $" The {topBucket.Accounts} account{(topBucket.Accounts == 1 ? string.Empty : "s")} in {topBucket.Bucket} carry {Format.Percent(topBucket.Expected / f.Expected)} of it, " +
            $"and the {carriers.Count} largest contributions {Format.Percent(carried / f.Expected)} (" +
            string.Join(", ", carriers.Take(3).Select(c => $"{c.Risk.Account.Name}: {Format.Risk(ChurnForecast.WithinDays(days, c.Risk.Within30, c.Risk.Probability))} of {Format.Money(c.Risk.Account.Arr)}")) + ").";

        string text = $"Churned ARR {scope} over the next {days} days: likely {Format.Money(f.Expected)} " +
            $"(90% interval {Format.MoneyRange(f.Low, f.High)}; best case {Format.Money(f.Low)}, worst case {Format.Money(f.High)}), from {Quantity.Of(now.Count, "account")}. " +
            versusHistory + drivers + " " +
            (checkedDates > 0
                ? $"Backtest ({(outOfSample ? "out of sample: each date scored by a model trained only on data before it" : "in sample")}): the actual churn fell inside the account-level interval for {inside} of {checkedDates} past dates" +
                  (measuredError switch
                  {
                      null => "; too few to measure the model's own error, so today's interval holds account-level chance only.",
                      0 => "; their misses were no larger than account-level chance explains, so today's interval needs no widening for the model's own error.",
                      double e => $"; today's interval adds the model's own error measured on them (±{Format.Percent(Math.Exp(1.645 * e) - 1)} at 90%).",
                  })
                : days > 90 ? "No backtest beyond 90 days (not enough history)."
                : !backtestReady ? $"The backtest on {BacktestDates} past dates (a model trained for each) is still being computed, so this interval holds account-level chance only; ask again in a minute for the backtest and the model's own error."
                : string.Empty);
        var body = new List<CardElement>
        {
            new CardFacts([("Likely (expected)", Format.Money(f.Expected)), ("Best case (5th pct)", Format.Money(f.Low)), ("Median", Format.Money(f.Median)), ("Worst case (95th pct)", Format.Money(f.High)), ("Accounts", Format.Int(now.Count)),
                ($"Past {days}-day churn (average)", double.IsNaN(pastMean) ? "—" : Format.Money(pastMean))]),
            PortfolioCharts.Horizons(horizons, scope),
            new CardTable(["Horizon", "Likely", "90% interval"], horizons.Select(h => (IReadOnlyList<string>)
                [$"{h.Days} days", Format.Money(h.F.Expected), Format.MoneyRange(h.F.Low, h.F.High)]).ToList()),
            new CardText("Against history", Emphasis: true),
            new CardText(versusHistory + drivers),
            new CardTable(["Urgency", "Accounts", $"Expected churn, next {days} days"], byBucket.Select(b => (IReadOnlyList<string>)
                [b.Bucket, Format.Int(b.Accounts), Format.Money(b.Expected)]).ToList()),
            new CardTable(["Period", "Accounts churned", "ARR churned"], history.Select(h => (IReadOnlyList<string>)
                [$"{Format.Iso(h.From.AddDays(1))} – {Format.Iso(h.To)}", Format.Int(h.Accounts), Format.Money(h.Arr)]).ToList()),
            new CardTable(["Largest contributions", "Risk", "ARR", "Expected"], carriers.Select(c => (IReadOnlyList<string>)
                [$"{c.Risk.Account.Name} ({c.Risk.Account.Id})", Format.Risk(ChurnForecast.WithinDays(days, c.Risk.Within30, c.Risk.Probability)), Format.Money(c.Risk.Account.Arr), Format.Money(c.Expected)]).ToList()),
        };
        if (backtest.Count > 0)
        {
            body.Add(new CardText(outOfSample ? "How past forecasts compared (out of sample)" : "How past forecasts compared (in sample)", Emphasis: true));
            body.Add(PortfolioCharts.Backtest(backtestPoints, days));
            body.Add(new CardTable(["Forecast made on", "Expected", "90% interval (account-level)", "Actually churned", "Result"], backtest));
        }

        body.Add(new CardText(
            $"Method: each account churns with its calibrated model probability (Bernoulli trial); the distribution of churned ARR is simulated with {f.Draws:N0} seeded draws" +
            (modelError > 0
                ? $", each moving every account's odds by one shared factor whose spread (σ = {modelError:0.00} in log-odds) is calibrated so that the past forecasts below would have held their actual churn as a calibrated forecast holds it."
                : ", accounts independent of each other.") +
            (outOfSample && backtest.Count > 0 ? " Each backtest date is scored by a model trained only on what was known that day." : string.Empty) +
            (days > 90 ? " Beyond 90 days a constant churn hazard is assumed." : string.Empty), Subtle: true));
        return new PluginResult(text)
        {
            Cards = [new Card($"Churn forecast, next {days} days {scope}", body, [])],
            AccountsShown = carriers.Select(c => c.Risk.Account.Id).ToList(),
            Data = new
            {
                horizon_days = days, expected = Math.Round(f.Expected), low = Math.Round(f.Low), median = Math.Round(f.Median), high = Math.Round(f.High), method = "monte_carlo", draws = f.Draws,
                model_error = Math.Round(modelError, 3), backtest_pending = !backtestReady, backtest_inside = inside, backtest_dates = checkedDates, backtest_out_of_sample = outOfSample && checkedDates > 0, backtest_mae = backtestMae is { } mae ? Math.Round(mae) : (double?)null,
                past_mean = double.IsNaN(pastMean) ? (double?)null : Math.Round(pastMean),
                history = history.Select(h => new { from = Format.Iso(h.From), to = Format.Iso(h.To), arr = Math.Round(h.Arr), accounts = h.Accounts }).ToList(),
                buckets = byBucket.Select(b => new { bucket = b.Bucket, accounts = b.Accounts, expected = Math.Round(b.Expected) }).ToList(),
                top_accounts = carriers.Select(c => new { account = c.Risk.Account.Id, expected = Math.Round(c.Expected) }).ToList(),
            },
        };
    }

    [KernelFunction("accounts")]
    [Description("Count and list accounts by status (active, churned), tier, region, industry and owner; churned accounts by when they churned (from/to), active ones by when they signed up; grouped by tier, region, industry or owner.")]
    public async Task<PluginResult> AccountsAsync(
        [FromKernelServices] CallerContext caller,
        [Description("active (default) | churned | all")] string? status = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Industry")] string? industry = null,
        [Description("'me' or a CSM user id")] string? owner = null,
        [Description("Start date (yyyy-MM-dd): churned on or after (churned), signed up on or after (otherwise)")] string? from = null,
        [Description("End date (yyyy-MM-dd), inclusive")] string? to = null,
        [Description("tier | region | industry | owner (default tier)")] string? groupBy = null,
        CancellationToken cancellationToken = default)
    {
        Func<AccountRisk, bool>? filter = Filter(caller, region, tier, industry, owner, out string? problem, out string scope);
        if (filter is null)
        {
            return PluginResult.Refuse(problem!);
        }

        string wanted = (status ?? "active").Trim().ToLowerInvariant() switch
        {
            "churned" or "lost" or "cancelled" or "canceled" or "former" => "churned",
            "all" or "any" => "all",
            "active" or "current" or "" => "active",
            var other => other,
        };
        if (wanted is not ("churned" or "active" or "all"))
        {
            return PluginResult.Refuse($"I can list active, churned or all accounts, not '{status}'.");
        }

        (DateOnly? start, string? fromError) = Format.ParseDate(from, "from");
        (DateOnly? end, string? toError) = Format.ParseDate(to, "to");
        if ((fromError ?? toError) is { } dateError)
        {
            return PluginResult.Refuse(dateError);
        }

        var visible = (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken))
            .Where(a => filter(new AccountRisk(a, 0, Urgency.Later, []))).ToList();
        bool InPeriod(DateOnly? date) => (start is null && end is null) || (date is { } d && (start is null || d >= start) && (end is null || d <= end));
        var chosen = visible.Where(a => wanted switch
        {
            "churned" => a.Status == AccountStatus.Churned && InPeriod(a.ChurnedOn),
            "active" => a.Status == AccountStatus.Active && InPeriod(a.SignupDate),
            _ => InPeriod(a.Status == AccountStatus.Churned ? a.ChurnedOn : a.SignupDate),
        }).OrderByDescending(a => a.Arr).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();

        string period = (start, end) switch
        {
            (null, null) => string.Empty,
            ({ } f, { } t) => $" {(wanted == "churned" ? "that churned" : "that signed up")} between {Format.Iso(f)} and {Format.Iso(t)}",
            ({ } f, null) => $" {(wanted == "churned" ? "that churned" : "that signed up")} since {Format.Iso(f)}",
            (null, { } t) => $" {(wanted == "churned" ? "that churned" : "that signed up")} by {Format.Iso(t)}",
        };
        string noun = wanted switch { "churned" => "churned account", "active" => "active account", _ => "account" };
        string label = chosen.Count == 1 ? noun : noun + "s";
        decimal arr = chosen.Sum(a => a.Arr);
        int otherStatus = wanted == "active" && start is null && end is null ? visible.Count(a => a.Status == AccountStatus.Churned) : 0;
        string text = $"{Format.Int(chosen.Count)} {label} {scope}{period}, {Format.Money(arr)} ARR" +
            (otherStatus > 0 ? $" (and {Format.Int(otherStatus)} churned account{(otherStatus == 1 ? string.Empty : "s")} in the history)." : ".");

        string dimension = (groupBy ?? "tier").Trim().ToLowerInvariant() switch
        {
            "region" => "region",
            "industry" => "industry",
            "owner" or "csm" => "owner",
            _ => "tier",
        };
        Func<Account, string> key = dimension switch
        {
            "region" => a => a.Region.ToString(),
            "industry" => a => a.Industry,
            "owner" => a => a.OwnerId ?? "(no owner)",
            _ => a => a.Tier.ToString(),
        };
        var groups = chosen.GroupBy(key).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        const int Listed = 25;
        var body = new List<CardElement>
        {
            new CardFacts([("Accounts", Format.Int(chosen.Count)), ("ARR", Format.Money(arr))]),
        };
        if (chosen.Count > 0)
        {
            body.Add(new CardTable([Title(dimension), "Accounts", "ARR"], groups.Select(g => (IReadOnlyList<string>)
                [g.Key, Format.Int(g.Count()), Format.Money(g.Sum(a => a.Arr))]).ToList()));
            body.Add(new CardText(chosen.Count > Listed ? $"The {Listed} largest by ARR" : "Accounts", Emphasis: true));
            body.Add(new CardTable(
                wanted == "churned" ? ["Account", "Tier", "ARR", "Churned on"] : ["Account", "Tier", "ARR", "Renewal"],
                chosen.Take(Listed).Select(a => (IReadOnlyList<string>)
                [
                    $"{a.Name} ({a.Id})", a.Tier.ToString(), Format.Money(a.Arr),
                    wanted == "churned" ? (a.ChurnedOn is { } c ? Format.Iso(c) : "—") : (a.RenewalDate is { } r ? Format.Iso(r) : "—"),
                ]).ToList()));
        }

        string title = char.ToUpperInvariant(label[0]) + label[1..] + " " + scope + period;
        return new PluginResult(text)
        {
            Cards = [new Card(title, body, [])],
            AccountsShown = chosen.Take(Listed).Select(a => a.Id).ToList(),
            Data = new
            {
                status = wanted,
                accounts = chosen.Count,
                arr,
                from = start is { } sf ? Format.Iso(sf) : null,
                to = end is { } st ? Format.Iso(st) : null,
                groups = groups.Select(g => new { key = g.Key, accounts = g.Count() }).ToList(),
                listed = chosen.Take(Listed).Select(a => a.Id).ToList(),
            },
        };
    }

    private static Func<AccountRisk, bool>? Filter(CallerContext caller, string? region, string? tier, string? industry, string? owner, out string? problem, out string scope)
    {
        (Region? r, string? regionError) = Format.ParseRegion(region);
        (Tier? t, string? tierError) = Format.ParseTier(tier);
        problem = regionError ?? tierError;
        if (problem is not null)
        {
            scope = string.Empty;
            return null;
        }

        string? ownerId = owner is null ? null : owner.Equals("me", StringComparison.OrdinalIgnoreCase) ? caller.User.Id : owner;
        if (ownerId is not null && caller.Scope.OwnerIds is { } visible && !visible.Contains(ownerId))
        {
            problem = "You can only see your own book and, as a manager, your team's.";
            scope = string.Empty;
            return null;
        }

        var parts = new List<string>();
        parts.Add(ownerId == caller.User.Id ? "in your book" : ownerId is not null ? $"in {ownerId}'s book" : caller.Scope.OwnerIds is { Count: 1 } ? "in your book" : caller.Scope.OwnerIds is not null ? "in your team" : "across the portfolio");
        if (r is not null)
        {
            parts.Add($"in {r}");
        }

        if (industry is not null)
        {
            parts.Add($"in {industry}");
        }

        // "Active accounts in your book (Platinum tier)", not "… in your book for Platinum accounts".
        if (t is not null)
        {
            parts.Add($"({t} tier)");
        }

        scope = string.Join(" ", parts);
        return x => caller.Scope.Allows(x.Account)
            && (ownerId is null || x.Account.OwnerId == ownerId)
            && (r is null || x.Account.Region == r)
            && (t is null || x.Account.Tier == t)
            && (industry is null || string.Equals(x.Account.Industry, industry, StringComparison.OrdinalIgnoreCase));
    }

    private static string Title(string dimension) => dimension switch
    {
        "region" => "Region",
        "industry" => "Industry",
        "owner" or "csm" => "Owner",
        "bucket" or "urgency" => "Urgency",
        _ => "Tier",
    };

    // Cohort views need usage as well; kept apart from the members above so the two can change independently.
    private readonly IActivityStore? _activity;

    /// <summary>With the usage store, for <see cref="CohortsAsync"/> (adoption and active-user trends).</summary>
    public PortfolioPlugin(IChurnRiskProvider risk, IAccountStore accounts, IActivityStore activity, TimeSpan? backtestWait = null)
        : this(risk, accounts, backtestWait)
    {
        _activity = activity;
    }

    [KernelFunction("cohorts")]
    [Description("Churn and adoption by signup cohort (year or quarter of signup), tier, industry, region or owner: accounts, churn rate over the last 12 months, average 90-day risk, median feature adoption, active-user trend and ARR per group; plus what predicts retention (the churn model's mean feature effects and churn by feature-adoption quartile).")]
    public async Task<PluginResult> CohortsAsync(
        [FromKernelServices] CallerContext caller,
        [Description("signup_year (default) | signup_quarter | tier | industry | region | owner")] string? by = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Industry")] string? industry = null,
        [Description("'me' or a CSM user id")] string? owner = null,
        CancellationToken cancellationToken = default)
    {
        if (!CohortAnalysis.TryParse(by, out CohortDimension dimension))
        {
            return PluginResult.Refuse($"I can't group cohorts by '{by}'. Group them by {CohortAnalysis.Options}.");
        }

        if (_activity is null)
        {
            return PluginResult.Refuse("Cohort views need the usage data, which this host does not provide.");
        }

        Func<AccountRisk, bool>? filter = Filter(caller, region, tier, industry, owner, out string? problem, out string scope);
        if (filter is null)
        {
            return PluginResult.Refuse(problem!);
        }

        // The filter reads only the account, so churned accounts (which have no score) go through it too.
        var visible = (await accounts.ListAsync(new AccountQuery(Status: null), cancellationToken))
            .Where(a => filter(new AccountRisk(a, 0, Urgency.Later, []))).ToList();
        if (visible.Count == 0)
        {
            return new PluginResult($"No accounts {scope}.") { Data = new { accounts = 0 } };
        }

        var ids = visible.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var usage = (await _activity.ListUsageAsync(cancellationToken)).Where(u => ids.Contains(u.AccountId)).ToList();
        var scores = (await risk.ScoreAsync(cancellationToken)).Where(r => ids.Contains(r.Account.Id)).ToList();
        CohortReport report = CohortAnalysis.Analyze(visible, usage, scores, risk.Today, dimension);
        (string text, Card card) = CohortAnalysis.Render(report, scope);
        return new PluginResult(text)
        {
            Cards = [card],
            Data = new
            {
                by = dimension.ToString(),
                accounts = report.Accounts,
                exposed = report.Exposed,
                churned_in_window = report.ChurnedInWindow,
                window_months = CohortAnalysis.ChurnWindowMonths,
                groups = report.Groups.Select(g => new { key = g.Key, accounts = g.Accounts, exposed = g.Exposed, churned = g.ChurnedInWindow, churn_rate = g.ChurnRate, mean_risk = g.MeanRisk, median_adoption = g.MedianAdoption }).ToList(),
            },
        };
    }
}
