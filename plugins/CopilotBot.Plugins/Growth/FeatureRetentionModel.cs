using CopilotBot.ML;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// A small gradient-boosted churn model for "which features predict retention": one row per account old enough, labelled
/// churned (on or before the analysis date) or not, with one 0/1 flag per feature (used before churning, or by the
/// analysis date) and controls: tier, plan, industry, account age in days and seats. Each feature's effect is its flag's
/// mean exact TreeSHAP contribution among adopters minus that among non-adopters: for a flag without interactions this is
/// the model's change in churn log-odds between having and not having the feature, with the controls held as they are.
/// In-sample and observational: it says what the model learnt goes with churn, not what causes it.
/// </summary>
public sealed class FeatureRetentionModel
{
    /// <summary>Settings for a few hundred to a few thousand rows.</summary>
    public static readonly GbdtOptions DefaultOptions = new() { NumRounds = 300, MinSamplesLeaf = 15, EarlyStoppingRounds = 30, ValidationFraction = 0.15 };

    private FeatureRetentionModel(GbdtModel model, int rows, int churned, double[] logOdds, double[] points)
    {
        Model = model;
        Rows = rows;
        Churned = churned;
        EffectLogOdds = logOdds;
        EffectPoints = points;
    }

    /// <summary>The trained model (uncalibrated).</summary>
    public GbdtModel Model { get; }

    /// <summary>Accounts it was trained on.</summary>
    public int Rows { get; }

    /// <summary>Of which churned.</summary>
    public int Churned { get; }

    /// <summary>Per feature (in <see cref="AdoptionAnalysis.Features"/> order): the model effect in log-odds of churn; NaN when nobody or everybody uses it.</summary>
    public IReadOnlyList<double> EffectLogOdds { get; }

    /// <summary>The same in probability points (TreeSHAP contributions shared out of each row's probability change); NaN likewise.</summary>
    public IReadOnlyList<double> EffectPoints { get; }

    /// <summary>The column name of a feature's flag.</summary>
    public static string FlagName(string feature) => "uses:" + feature;

    internal static FeatureRetentionModel? Train(AdoptionAnalysis analysis, GbdtOptions? options = null)
    {
        var rows = analysis.OldEnoughAccounts().ToList();
        int churned = rows.Count(r => r.Churned);
        if (churned < 10 || rows.Count - churned < 10)
        {
            return null;
        }

        IReadOnlyList<ProductFeature> features = analysis.Features;
        int n = rows.Count, k = features.Count;
        var schema = new TabularSchema(
            [
                .. features.Select(f => FeatureSpec.Numeric(FlagName(f.Name))),
                FeatureSpec.Categorical("tier", Enum.GetNames<Tier>()),
                FeatureSpec.Categorical("plan", Enum.GetNames<Plan>()),
                FeatureSpec.Categorical("industry", analysis.Industries),
                FeatureSpec.Numeric("age_days"),
                FeatureSpec.Numeric("seats"),
            ],
            LabelColumn: "churned",
            IdColumn: "account_id",
            PositiveLabel: "1");
        var numeric = new double[]?[k + 5];
        var categorical = new int[]?[k + 5];
        for (int f = 0; f < k; f++)
        {
            numeric[f] = new double[n];
        }

        numeric[k + 3] = new double[n];
        numeric[k + 4] = new double[n];
        categorical[k] = new int[n];
        categorical[k + 1] = new int[n];
        categorical[k + 2] = new int[n];
        var labels = new int[n];
        var ids = new string[n];
        for (int r = 0; r < n; r++)
        {
            var row = rows[r];
            int until = row.ChurnDay ?? analysis.AsOf.DayNumber;
            for (int f = 0; f < k; f++)
            {
                numeric[f]![r] = row.First[f] <= until ? 1 : 0;
            }

            categorical[k]![r] = (int)row.Account.Tier;
            categorical[k + 1]![r] = row.Plan < 3 ? row.Plan : -1;
            categorical[k + 2]![r] = schema.Features[k + 2].CategoryCode(analysis.Industries.First(i => string.Equals(i, row.Account.Industry, StringComparison.OrdinalIgnoreCase)));
            numeric[k + 3]![r] = row.AgeDays >= 0 ? row.AgeDays : double.NaN;
            numeric[k + 4]![r] = row.Account.Seats ?? double.NaN;
            labels[r] = row.Churned ? 1 : 0;
            ids[r] = row.Account.Id;
        }

        var data = new TabularData(schema, n, numeric, categorical, labels, ids);
        GbdtModel model = new GradientBoostingTrainer(options ?? DefaultOptions).Train(data);
        var sumOn = new double[k];
        var sumOff = new double[k];
        var pointsOn = new double[k];
        var pointsOff = new double[k];
        var countOn = new int[k];
        for (int r = 0; r < n; r++)
        {
            PredictionExplanation explanation = model.Explain(data, r);
            IReadOnlyList<double> points = explanation.ProbabilityPointContributions();
            for (int f = 0; f < k; f++)
            {
                if (numeric[f]![r] > 0)
                {
                    sumOn[f] += explanation.Contributions[f].Contribution;
                    pointsOn[f] += points[f];
                    countOn[f]++;
                }
                else
                {
                    sumOff[f] += explanation.Contributions[f].Contribution;
                    pointsOff[f] += points[f];
                }
            }
        }

        var logOdds = new double[k];
        var pointEffects = new double[k];
        for (int f = 0; f < k; f++)
        {
            int on = countOn[f], off = n - on;
            logOdds[f] = on == 0 || off == 0 ? double.NaN : (sumOn[f] / on) - (sumOff[f] / off);
            pointEffects[f] = on == 0 || off == 0 ? double.NaN : 100 * ((pointsOn[f] / on) - (pointsOff[f] / off));
        }

        return new FeatureRetentionModel(model, n, rows.Count(r => r.Churned), logOdds, pointEffects);
    }
}
