using System.Diagnostics;
using System.Globalization;
using CopilotBot.Plugins.Growth;
using CopilotBot.Workspace.Demo;
using CopilotBot.Workspace.Domain;

// Next-feature recommendation held out by time. For each demo portfolio (one per seed, 1,000 accounts, 25 months of
// history) every account's path is cut at AsOf − 90 days: the analysis is built on what was known then (first uses,
// subscriptions, usage and churn up to the cut), and each account active at the cut that adopted anything in the next
// 90 days is a target. Hit rate@3: the share of targets with at least one of its three recommendations among what it
// adopted. Baselines in the same run, with the same eligibility (not used, prerequisites used, in the plan at the cut):
// popularity (most used features overall) and "what similar accounts adopted" (the k = 20 nearest accounts by Jaccard
// similarity of adopted-feature sets among those using something the account could adopt; features most of them use,
// weighted by similarity). Then build and query times, and the retention view.
//   dotnet run -c Release --project bench/CopilotBot.Bench.Adoption -- [seeds=1,2,3] [history months=25] [accounts=1000]
int[] seeds = args.Length > 0 ? [.. args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1, 2, 3];
int history = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25;
int accountCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
const int Window = 90;
const int K = 20;
var asOf = new DateOnly(2026, 11, 21);
DateOnly cut = asOf.AddDays(-Window);
string[] methods = ["recommender (adoption.next_steps)", "  same, no retention weight", "  same, snapshots of the last 2 years only", "popularity", $"similar accounts (k={K})", "ceiling: any eligible feature adopted"];
var hits = new int[methods.Length];
var hitsAt1 = new int[methods.Length];
var wins = new int[methods.Length]; // Targets the recommender hits and the method misses.
var losses = new int[methods.Length];
long candidateCount = 0;
int targets = 0;
var buildTimes = new List<double>();
var buildMins = new List<double>();
var buildCpu = new List<double>();
var queryTimes = new List<double>();
Console.WriteLine($"Adoption bench: seeds {string.Join(",", seeds)}, {accountCount} accounts, {history} months of history, cut at {cut:yyyy-MM-dd} (AsOf {asOf:yyyy-MM-dd} − {Window} days).");
Console.WriteLine();
Console.WriteLine("seed  accounts@cut  targets  recommender  no-weight  popularity  similar  ceiling   build ms  ms/account");
foreach (int seed in seeds)
{
    DemoPortfolio portfolio = new DemoPortfolioGenerator((ulong)seed, asOf, accountCount, history).Generate();
    GrowthData full = Growth(portfolio, asOf);
    GrowthData atCut = Cut(full, cut);

    // Build time: 15 builds after a warm-up, each after a full GC; wall-clock median and minimum (the machine may be shared:
    // the minimum is the cost without contention) and the process CPU time's median.
    AdoptionAnalysis analysis = AdoptionAnalysis.Build(atCut);
    (double wall, double min, double cpu) = Time(() => analysis = AdoptionAnalysis.Build(atCut));
    buildTimes.Add(wall);
    buildMins.Add(min);
    buildCpu.Add(cpu);
    AdoptionAnalysis unweighted = AdoptionAnalysis.Build(atCut, new AdoptionOptions { WeightByRetention = false });
    AdoptionAnalysis recent = AdoptionAnalysis.Build(atCut, new AdoptionOptions { SnapshotLookbackDays = 730 });

    // What each account adopted in the hidden window.
    var adoptedLater = full.FirstUses.Where(u => u.FirstUsedOn > cut && u.FirstUsedOn <= asOf)
        .GroupBy(u => u.AccountId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(u => u.Feature).ToHashSet(StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);
    var adoptedAtCut = atCut.FirstUses.GroupBy(u => u.AccountId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(u => u.Feature).ToHashSet(StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);
    var popularity = analysis.Features.Select((f, i) => (f.Name, Count: analysis.FeaturePopularity[i]))
        .OrderByDescending(x => x.Count).ThenBy(x => x.Name, StringComparer.Ordinal).Select(x => x.Name).ToList();
    var popularityRank = popularity.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.OrdinalIgnoreCase);
    var everyone = atCut.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal).ToList();

    var seedHits = new int[methods.Length];
    var seedHitsAt1 = new int[methods.Length];
    int seedTargets = 0;
    var queryWatch = new Stopwatch();
    int queried = 0;
    foreach (Account account in atCut.Accounts.Where(a => a.ChurnedOn is null).OrderBy(a => a.Id, StringComparer.Ordinal))
    {
        queryWatch.Start();
        NextSteps steps = analysis.NextStepsFor(account.Id)!;
        queryWatch.Stop();
        queried++;
        if (!adoptedLater.TryGetValue(account.Id, out HashSet<string>? later))
        {
            continue;
        }

        seedTargets++;
        IReadOnlyList<string> candidates = analysis.CandidatesFor(account.Id);
        HashSet<string> mine = adoptedAtCut.GetValueOrDefault(account.Id) ?? [];
        List<string> knn = Similar(account.Id, mine, everyone, adoptedAtCut, candidates, popularityRank);
        candidateCount += candidates.Count;
        List<string>[] picks =
        [
            [.. steps.Recommendations.Select(r => r.Feature)],
            [.. unweighted.NextStepsFor(account.Id)!.Recommendations.Select(r => r.Feature)],
            [.. recent.NextStepsFor(account.Id)!.Recommendations.Select(r => r.Feature)],
            [.. popularity.Where(candidates.Contains).Take(3)],
            [.. knn.Take(3)],
            [.. candidates],
        ];
        bool ours = picks[0].Any(later.Contains);
        for (int m = 0; m < picks.Length; m++)
        {
            bool hit = picks[m].Any(later.Contains);
            wins[m] += ours && !hit ? 1 : 0;
            losses[m] += !ours && hit ? 1 : 0;
            seedHits[m] += hit ? 1 : 0;
            seedHitsAt1[m] += picks[m].Take(1).Any(later.Contains) ? 1 : 0;
        }
    }

    double perAccount = queryWatch.Elapsed.TotalMilliseconds / Math.Max(1, queried);
    queryTimes.Add(perAccount);
    targets += seedTargets;
    for (int m = 0; m < methods.Length; m++)
    {
        hits[m] += seedHits[m];
        hitsAt1[m] += seedHitsAt1[m];
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{seed,-5} {atCut.Accounts.Count,12} {seedTargets,8}  {Rate(seedHits[0], seedTargets),11}  {Rate(seedHits[1], seedTargets),9}  {Rate(seedHits[3], seedTargets),10}  {Rate(seedHits[4], seedTargets),7}  {Rate(seedHits[5], seedTargets),7}  {wall,8:0.0}  {perAccount,10:0.000}"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Over {targets} targets (accounts active at the cut that adopted a feature in the next {Window} days; {(double)candidateCount / Math.Max(1, targets):0.0} eligible features each on average), ± one standard error:"));
Console.WriteLine($"  {"method",-44} {"hit rate@3",-24} hit rate@1");
for (int m = 0; m < methods.Length; m++)
{
    double p = targets == 0 ? 0 : (double)hits[m] / targets;
    double se = targets == 0 ? 0 : Math.Sqrt(p * (1 - p) / targets);
    double p1 = targets == 0 ? 0 : (double)hitsAt1[m] / targets;
    string at1 = m == methods.Length - 1 ? "–" : p1.ToString("P1", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {methods[m],-44} {hits[m],4}/{targets} {p,6:P1} ± {se:P1}   {at1,6}"));
}

foreach (int m in new[] { 3, 4 })
{
    // Paired: the targets where exactly one of the two hits (a sign test on those).
    int n = wins[m] + losses[m];
    double z = n == 0 ? 0 : (wins[m] - losses[m]) / Math.Sqrt(n);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  recommender against {methods[m].Trim()}: hits where it misses {wins[m]}, misses where it hits {losses[m]} (sign test z = {z:0.0})"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Build (snapshots, counts, peer groups; no GBDT), per portfolio: wall median {buildTimes.Average():0.0} ms (minimum {buildMins.Min():0.0} ms), CPU {buildCpu.Average():0.0} ms; load average {LoadAverage()}."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Next steps (with evidence for the three and the upgrade paths): {queryTimes.Average():0.000} ms per account."));

// The portfolio view and the retention model on the last seed's full data (not held out: these are descriptive).
DemoPortfolio last = new DemoPortfolioGenerator((ulong)seeds[^1], asOf, accountCount, history).Generate();
AdoptionAnalysis now = AdoptionAnalysis.Build(Growth(last, asOf));
var patternWatch = Stopwatch.StartNew();
AdoptionPatterns patterns = now.Patterns(new SegmentFilter("Healthcare"), "SSO");
double patternMs = patternWatch.Elapsed.TotalMilliseconds;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"What Healthcare accounts adopt after SSO (seed {seeds[^1]}, {patterns.WithAnchor} of {patterns.Accounts} use SSO; {patternMs:0.0} ms):"));
Console.WriteLine("  feature               60 days        90 days        accounts  median days");
foreach (NextFeaturePattern p in patterns.Next.Take(6))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {p.Feature,-20} {p.Share60,5:P0} of {p.Eligible60,-4} {p.Share90,5:P0} of {p.Eligible90,-4} {p.Accounts,8}  {p.MedianDays,11:0}"));
}

Console.WriteLine("  typical order: " + string.Join(" → ", patterns.TypicalOrder.Where(s => s.Share >= 0.2).Select(s => s.Feature)));
var modelWatch = Stopwatch.StartNew();
IReadOnlyList<FeatureRetention> retention = now.Retention();
double modelMs = modelWatch.Elapsed.TotalMilliseconds;
FeatureRetentionModel? model = now.RetentionModel;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Which features predict retention (seed {seeds[^1]}, accounts ≥ 180 days old; model: {model?.Rows ?? 0} accounts, {model?.Churned ?? 0} churned, {model?.Model.TreeCount ?? 0} trees, trained and explained in {modelMs:0} ms):"));
Console.WriteLine("  feature               adopters churned   others churned   lift (others/adopters)   model effect (log-odds, points)");
foreach (FeatureRetention r in retention)
{
    ChurnComparison l = r.Lift;
    string lift = l.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : l.IsComparable ? "adopters 0" : "too few";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {r.Feature,-20} {l.Adopters,8} {l.AdopterChurnRate,7:P0}   {l.NonAdopters,6} {l.NonAdopterChurnRate,7:P0}   {lift,22}   {Signed(r.ModelEffectLogOdds, 2),8} {Signed(r.ModelEffectPoints, 1),7}"));
}

NextSteps example = now.NextStepsFor(now.Features.Count > 0 ? last.Accounts.First(a => a.Industry == "Healthcare" && a.ChurnedOn is null).Id : last.Accounts[0].Id)!;
Console.WriteLine();
Console.WriteLine($"Example: {example.AccountName} ({example.Industry}, {example.Plan}) uses {string.Join(", ", example.Uses)}.");
foreach (NextStep s in example.Recommendations.Concat(example.UpgradePaths))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(s.RequiresUpgrade ? "[upgrade] " : "")}{s.Feature}: likelihood {s.Likelihood:P0}, weight {s.RetentionWeight:0.00}. {s.Evidence.Sentence}"));
}

if (example.Recommendations.Count > 0)
{
    EnablementMessage message = EnablementMessage.Compose(example.Recommendations[0], example.AccountName);
    Console.WriteLine();
    Console.WriteLine("Subject: " + message.Subject);
    Console.WriteLine(message.Body);
}

static string Rate(int hit, int of) => of == 0 ? "–" : ((double)hit / of).ToString("P1", CultureInfo.InvariantCulture);

static GrowthData Growth(DemoPortfolio p, DateOnly asOf) =>
    new(asOf, p.Accounts, p.Features, p.FirstUses, p.FeatureUsage, p.Subscriptions, p.Usage, [.. p.Conversations.Select(c => c.Conversation)]);

// The data as it stood on the cut date: later first uses, usage, subscriptions and conversations dropped, accounts not
// yet signed up left out, later churn undone.
static GrowthData Cut(GrowthData d, DateOnly cut) => new(
    cut,
    [.. d.Accounts.Where(a => a.SignupDate is null || a.SignupDate <= cut)
        .Select(a => a.ChurnedOn is { } c && c > cut ? a with { Status = AccountStatus.Active, ChurnedOn = null } : a)],
    d.Features,
    [.. d.FirstUses.Where(u => u.FirstUsedOn <= cut)],
    [.. d.FeatureUsage.Where(u => u.Month <= cut)],
    [.. d.Subscriptions.Where(s => s.On <= cut)],
    [.. d.Usage.Where(u => u.Month <= cut)],
    [.. d.Conversations.Where(c => DateOnly.FromDateTime(c.StartedAt.UtcDateTime) <= cut)]);

// "What similar accounts adopted": the K accounts nearest by Jaccard similarity of adopted-feature sets (ties by id) among
// those that use at least one feature the account could adopt (an identical neighbour has nothing to suggest), then the
// account's eligible features ranked by the summed similarity of the neighbours using each (ties by overall popularity).
static List<string> Similar(string id, HashSet<string> mine, List<string> everyone, Dictionary<string, HashSet<string>> adopted,
    IReadOnlyList<string> candidates, Dictionary<string, int> popularityRank)
{
    var neighbours = everyone.Where(o => o != id && (adopted.GetValueOrDefault(o)?.Any(candidates.Contains) ?? false))
        .Select(o =>
        {
            HashSet<string> theirs = adopted.GetValueOrDefault(o) ?? [];
            int both = theirs.Count(mine.Contains);
            int union = mine.Count + theirs.Count - both;
            return (Id: o, Similarity: union == 0 ? 1.0 : (double)both / union, Features: theirs);
        })
        .OrderByDescending(x => x.Similarity).ThenBy(x => x.Id, StringComparer.Ordinal).Take(K).ToList();
    return [.. candidates
        .Select(f => (Feature: f, Count: neighbours.Where(n => n.Features.Contains(f)).Sum(n => n.Similarity + 1e-9)))
        .Where(x => x.Count > 0)
        .OrderByDescending(x => x.Count).ThenBy(x => popularityRank[x.Feature])
        .Select(x => x.Feature)];
}

static (double Median, double Min, double CpuMedian) Time(Action action)
{
    var wall = new List<double>();
    var cpu = new List<double>();
    using var process = Process.GetCurrentProcess();
    for (int r = 0; r < 15; r++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        wall.Add(sw.Elapsed.TotalMilliseconds);
        process.Refresh();
        cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }

    return (wall.Order().ElementAt(wall.Count / 2), wall.Min(), cpu.Order().ElementAt(cpu.Count / 2));
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static string Signed(double? value, int decimals) =>
    value is not { } v ? "–" : Math.Round(v, decimals).ToString(decimals == 2 ? "+0.00;-0.00;0.00" : "+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
