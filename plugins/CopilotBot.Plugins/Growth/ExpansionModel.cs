using System.Diagnostics;
using CopilotBot.ML;
using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>One reason behind an expansion score, in words with the account's numbers, and its weight in probability points (+ raises it).</summary>
public sealed record ExpansionReason(string Feature, string Text, double Points);

/// <summary>
/// An active account's chance of expanding within 90 days, the expansion ARR to expect, and why.
/// </summary>
/// <param name="Account">The account.</param>
/// <param name="Probability">Calibrated probability of an expansion in the next 90 days (for <see cref="SeatUtilisationRule"/>: the seat utilisation capped at 1, a ranking score, not a probability).</param>
/// <param name="TypicalExpansionArr">The typical expansion's ARR for this account (see <see cref="ExpansionSizes"/>), or 0 when nothing is known.</param>
/// <param name="TypicalExpansionBasis">Where that size comes from, in words ("median of 14 past expansions of Pro Gold accounts").</param>
/// <param name="Features">The inputs, for cards.</param>
/// <param name="LazyDrivers">Every input's TreeSHAP contribution in words, worked out when first read.</param>
public sealed record ExpansionScore(
    Account Account,
    double Probability,
    decimal TypicalExpansionArr,
    string TypicalExpansionBasis,
    ExpansionFeatureValues Features,
    Lazy<IReadOnlyList<ExpansionReason>> LazyDrivers)
{
    /// <summary>Expected expansion ARR in the next 90 days: probability × the typical expansion's ARR.</summary>
    public decimal ExpectedExpansionArr => Math.Round((decimal)Probability * TypicalExpansionArr, 2);

    /// <summary>Every input's contribution of at least half a point, largest (either sign) first.</summary>
    public IReadOnlyList<ExpansionReason> Drivers => LazyDrivers.Value;

    /// <summary>The top 3 reasons for expanding: the drivers that raise the probability most.</summary>
    public IReadOnlyList<ExpansionReason> Reasons => [.. Drivers.Where(d => d.Points > 0).OrderByDescending(d => d.Points).Take(3)];
}

/// <summary>What training saw and how the model did on the snapshots held out of training (<see cref="ExpansionHoldout"/>).</summary>
/// <param name="AsOf">The cut-off: labels use expansions up to it, snapshots end 90 days before it.</param>
/// <param name="SnapshotDays">Monthly snapshot days.</param>
/// <param name="Rows">Account snapshots.</param>
/// <param name="Positives">Snapshots followed by an expansion within 90 days.</param>
/// <param name="Expansions">Expansions on record up to the cut-off.</param>
/// <param name="HoldoutRows">Snapshots held out for evaluation and calibration.</param>
/// <param name="HoldoutAuc">ROC-AUC on them (NaN when they have a single class).</param>
/// <param name="HoldoutBrier">Brier score of the calibrated probabilities on them, out of sample (NaN likewise).</param>
/// <param name="Calibrated">Whether Platt scaling is applied (it is kept only when it lowers the held-out Brier).</param>
/// <param name="Elapsed">Training time.</param>
public sealed record ExpansionTrainingInfo(
    DateOnly AsOf,
    int SnapshotDays,
    int Rows,
    int Positives,
    int Expansions,
    int HoldoutRows,
    double HoldoutAuc,
    double HoldoutBrier,
    bool Calibrated,
    TimeSpan Elapsed);

/// <summary>What training holds out to measure the model and calibrate its probabilities.</summary>
public enum ExpansionHoldout
{
    /// <summary>The latest <see cref="ExpansionModel.CalibrationDays"/> snapshot days (out of time); a fifth of the accounts when the history is short.</summary>
    RecentSnapshots,

    /// <summary>A fifth of the accounts by a hash of the id, on every snapshot day (as the churn model does).</summary>
    Accounts,
}

/// <summary>The outcome of <see cref="ExpansionModel.Train"/>: a model, or why there cannot be one (in words the bot can say).</summary>
public sealed record ExpansionTraining(ExpansionModel? Model, string? CannotTrainReason, ExpansionTrainingInfo Info)
{
    public bool Trained => Model is not null;
}

/// <summary>
/// Who is ready to expand: gradient-boosted trees on monthly account snapshots labelled by an expansion within 90 days
/// (<see cref="ExpansionDataset"/>), evaluated and Platt-calibrated on held-out snapshots (<see cref="ExpansionHoldout"/>), then trained
/// on all. <see cref="Train"/> is the slow, cacheable step (seconds); <see cref="Score(GrowthIndex, string)"/> is fast
/// (well under a millisecond per account plus TreeSHAP when the reasons are read). Pure and deterministic: the same data
/// gives the same model and scores.
/// </summary>
public sealed class ExpansionModel
{
    /// <summary>The fewest labelled expansions training needs.</summary>
    public const int MinExpansions = 10;

    /// <summary>How many of the latest snapshot days <see cref="ExpansionHoldout.RecentSnapshots"/> holds out.</summary>
    public const int CalibrationDays = 3;

    private ExpansionModel(GbdtModel model, ExpansionSizes sizes, ExpansionTrainingInfo info)
    {
        Model = model;
        Sizes = sizes;
        Info = info;
    }

    /// <summary>
    /// Default training settings: the churn model's (larger leaves, early stopping, fixed seed) with a learning rate of
    /// 0.1, which on the demo portfolios keeps ~150 trees instead of ~370 for the same held-out AUC (0.884 against 0.888),
    /// so one account's reasons (TreeSHAP) take a millisecond or two.
    /// </summary>
    public static GbdtOptions DefaultOptions { get; } = new() { LearningRate = 0.1, MinSamplesLeaf = 40, EarlyStoppingRounds = 40 };

    /// <summary>The calibrated trees.</summary>
    public GbdtModel Model { get; }

    /// <summary>Typical expansion sizes, learnt from the same history.</summary>
    public ExpansionSizes Sizes { get; }

    public ExpansionTrainingInfo Info { get; }

    /// <summary>Trains on <paramref name="data"/> with outcomes known by its <see cref="GrowthData.AsOf"/>.</summary>
    public static ExpansionTraining Train(
        GrowthData data,
        GbdtOptions? options = null,
        ExpansionHoldout holdout = ExpansionHoldout.RecentSnapshots,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Train(GrowthIndex.Build(data), options, holdout, cancellationToken);
    }

    /// <summary>Trains on the indexed data with outcomes known by its <see cref="GrowthData.AsOf"/>.</summary>
    public static ExpansionTraining Train(
        GrowthIndex index,
        GbdtOptions? options = null,
        ExpansionHoldout holdout = ExpansionHoldout.RecentSnapshots,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        var watch = Stopwatch.StartNew();
        DateOnly cutoff = index.Data.AsOf;
        IReadOnlyList<DateOnly> days = ExpansionDataset.SnapshotDates(index, cutoff);
        IReadOnlyList<ExpansionSnapshot> snapshots = ExpansionDataset.Snapshots(index, cutoff);
        int positives = snapshots.Count(s => s.Expanded);
        int expansions = index.All.Sum(g => g.Moves.Count(m => m.Move == SubscriptionMove.Expansion && m.Change.On <= cutoff));
        ExpansionTrainingInfo Info(int holdoutRows = 0, double auc = double.NaN, double brier = double.NaN, bool calibrated = false) =>
            new(cutoff, days.Count, snapshots.Count, positives, expansions, holdoutRows, auc, brier, calibrated, watch.Elapsed);

        string? reason = null;
        if (days.Count == 0)
        {
            reason = "There is too little history to train an expansion model: it needs usage or subscription history reaching back more than 6 months, " +
                "so that past accounts can be followed for 90 days after a snapshot.";
        }
        else if (positives < MinExpansions)
        {
            reason = FormattableString.Invariant(
                $"There is too little history to train an expansion model: {expansions} expansion{(expansions == 1 ? string.Empty : "s")} on record up to {cutoff:yyyy-MM-dd}, ")
                + FormattableString.Invariant(
                $"{positives} of them within 90 days after a monthly snapshot; at least {MinExpansions} are needed. ")
                + "Import subscription history (seat increases and plan upgrades with dates and ARR).";
        }
        else if (positives == snapshots.Count)
        {
            reason = "Every account snapshot was followed by an expansion, so there is nothing to tell ready accounts from the rest: the model cannot be trained.";
        }

        if (reason is not null)
        {
            return new ExpansionTraining(null, reason, Info());
        }

        cancellationToken.ThrowIfCancellationRequested();
        TabularSchema schema = ExpansionFeatures.Schema();
        var trainer = new GradientBoostingTrainer(options ?? DefaultOptions);
        var features = snapshots.Select(s => s.Features).ToList();
        int[] labels = [.. snapshots.Select(s => s.Expanded ? 1 : 0)];
        TabularData all = ExpansionDataset.Table(schema, features, labels);

        // Held out for honest figures and for the calibration: by default the latest snapshot days (out of time, as scoring
        // is: the rate of expansions drifts), the eval model trained only on snapshots whose label windows end before them;
        // or a fifth of the accounts (by a hash of the id), every day.
        int[] testRows, trainRows;
        if (holdout == ExpansionHoldout.RecentSnapshots && days.Count >= CalibrationDays + 3)
        {
            DateOnly firstHeld = days[^CalibrationDays];
            testRows = [.. Enumerable.Range(0, snapshots.Count).Where(r => features[r].At >= firstHeld)];
            trainRows = [.. Enumerable.Range(0, snapshots.Count).Where(r => features[r].At.AddDays(ExpansionDataset.HorizonDays) <= firstHeld)];
        }
        else
        {
            testRows = [.. Enumerable.Range(0, snapshots.Count).Where(r => WorkspaceChurnTrainer.IsHoldout(features[r].AccountId))];
            trainRows = [.. Enumerable.Range(0, snapshots.Count).Where(r => !WorkspaceChurnTrainer.IsHoldout(features[r].AccountId))];
        }

        TabularData test = all.Subset(testRows), train = all.Subset(trainRows);
        ProbabilityCalibrator? calibrator = null;
        double auc = double.NaN, brier = double.NaN;
        if (BothClasses(test) && BothClasses(train))
        {
            GbdtModel evalModel = trainer.Train(train, null, cancellationToken);
            var margins = new double[test.RowCount];
            evalModel.ScoreMargins(test, margins);
            auc = Metrics.RocAuc(test.Labels, [.. margins]);
            (calibrator, double[] heldOut) = WorkspaceChurnTrainer.Calibrate(test, margins);
            brier = Metrics.Brier(test.Labels, heldOut);
        }

        cancellationToken.ThrowIfCancellationRequested();
        GbdtModel model = trainer.Train(all, null, cancellationToken).WithCalibrator(calibrator);
        var sizes = ExpansionSizes.FromHistory(index, cutoff);
        ExpansionTrainingInfo info = Info(test.RowCount, auc, brier, calibrator is not null);
        return new ExpansionTraining(new ExpansionModel(model, sizes, info), null, info);
    }

    /// <summary>Every account active on the data's <see cref="GrowthData.AsOf"/>, most likely to expand first.</summary>
    public IReadOnlyList<ExpansionScore> ScoreAll(GrowthData data) => ScoreAll(GrowthIndex.Build(data));

    /// <summary>Every account active on the data's <see cref="GrowthData.AsOf"/>, most likely to expand first.</summary>
    public IReadOnlyList<ExpansionScore> ScoreAll(GrowthIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        DateOnly at = index.Data.AsOf;
        var values = index.All.Where(g => g.IsActiveOn(at)).Select(g => ExpansionFeatures.Compute(g, index.Data.Features, at)).ToList();
        TabularData table = ExpansionDataset.Table(Model.Schema, values);
        double[] p = Model.Score(table);
        var accounts = index.All.Where(g => g.IsActiveOn(at)).Select(g => g.Account).ToList();
        return [.. Enumerable.Range(0, values.Count)
            .Select(r => Build(accounts[r], p[r], values[r], table, r))
            .OrderByDescending(s => s.Probability)
            .ThenBy(s => s.Account.Id, StringComparer.Ordinal)];
    }

    /// <summary>One account as of the data's <see cref="GrowthData.AsOf"/>; null when it is unknown or not active then.</summary>
    public ExpansionScore? Score(GrowthIndex index, string accountId)
    {
        ArgumentNullException.ThrowIfNull(index);
        DateOnly at = index.Data.AsOf;
        if (index.Account(accountId) is not { } g || !g.IsActiveOn(at))
        {
            return null;
        }

        ExpansionFeatureValues values = ExpansionFeatures.Compute(g, index.Data.Features, at);
        TabularData table = ExpansionDataset.Table(Model.Schema, [values]);
        return Build(g.Account, Model.PredictProbability(table, 0), values, table, 0);
    }

    /// <summary>One account as of the data's <see cref="GrowthData.AsOf"/> (indexes the data first: pass only that account's rows when speed matters).</summary>
    public ExpansionScore? Score(GrowthData data, string accountId)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Score(GrowthIndex.Build(data with { Accounts = [.. data.Accounts.Where(a => a.Id == accountId).Take(1)] }), accountId);
    }

    private ExpansionScore Build(Account account, double probability, ExpansionFeatureValues values, TabularData table, int row)
    {
        (double? share, string basis) = Sizes.ShareFor(values.Plan, values.Tier);
        decimal typical = share is { } s ? Math.Round((decimal)s * values.Arr, 2) : 0m;
        var drivers = new Lazy<IReadOnlyList<ExpansionReason>>(() =>
        {
            PredictionExplanation e = Model.Explain(table, row);
            IReadOnlyList<double> points = e.ProbabilityPointContributions();
            return [.. e.Contributions
                .Select((c, i) => new ExpansionReason(c.Feature, ExpansionReasonText.Describe(c.Feature, values), points[i] * 100))
                .Where(d => Math.Abs(d.Points) >= 0.5)
                .OrderByDescending(d => Math.Abs(d.Points))
                .ThenBy(d => d.Feature, StringComparer.Ordinal)];
        });
        return new ExpansionScore(account, probability, typical, basis, values, drivers);
    }

    private static bool BothClasses(TabularData data) => data.Labels.Contains(1) && data.Labels.Contains(0);
}
