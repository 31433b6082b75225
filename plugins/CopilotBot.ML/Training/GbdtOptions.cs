namespace CopilotBot.ML;

/// <summary>
/// Gradient-boosting hyperparameters. The defaults are tuned on the Telco churn data (5-fold CV ROC-AUC ≈ 0.85)
/// and are a sensible start for small tabular data sets (thousands to hundreds of thousands of rows).
/// </summary>
public sealed record GbdtOptions
{
    /// <summary>Maximum boosting rounds (trees); early stopping usually ends sooner.</summary>
    public int NumRounds { get; init; } = 1000;

    /// <summary>Shrinkage applied to every tree's leaf values.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Maximum leaves per tree (trees grow leaf-wise, best split first).</summary>
    public int MaxLeaves { get; init; } = 8;

    /// <summary>Maximum tree depth (1–12; the scorer pads trees to complete binary trees of this depth).</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Minimum training rows in a leaf.</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>Minimum sum of hessians in a leaf (guards against leaves of already-certain rows).</summary>
    public double MinChildHessian { get; init; } = 1e-3;

    /// <summary>L2 penalty on leaf values (lambda).</summary>
    public double L2 { get; init; } = 1.0;

    /// <summary>Minimum split gain, where gain = GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ).</summary>
    public double MinGainToSplit { get; init; }

    /// <summary>Fraction of training rows sampled (without replacement, Bernoulli) for each tree.</summary>
    public double RowSubsample { get; init; } = 0.8;

    /// <summary>Fraction of features considered by each tree.</summary>
    public double FeatureSubsample { get; init; } = 0.8;

    /// <summary>Stop after this many rounds without validation log-loss improvement; 0 disables early stopping.</summary>
    public int EarlyStoppingRounds { get; init; } = 50;

    /// <summary>Stratified fraction of the training rows held out for early stopping (used when EarlyStoppingRounds &gt; 0).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Seed for the validation split and row/feature sampling; same data + seed → identical model.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Maximum value bins per numeric feature (2–255; one more bin is reserved for missing).</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>Maximum bins per categorical feature (2–255); the least frequent categories share an "other" bin.</summary>
    public int MaxCategoryBins { get; init; } = 64;

    /// <summary>Categories with fewer training rows than this share the "other" bin.</summary>
    public int MinCategoryCount { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Check(NumRounds >= 1, nameof(NumRounds), "must be at least 1");
        Check(LearningRate > 0 && LearningRate <= 1, nameof(LearningRate), "must be in (0, 1]");
        Check(MaxLeaves >= 2 && MaxLeaves <= 4096, nameof(MaxLeaves), "must be in [2, 4096]");
        Check(MaxDepth >= 1 && MaxDepth <= 12, nameof(MaxDepth), "must be in [1, 12]");
        Check(MinSamplesLeaf >= 1, nameof(MinSamplesLeaf), "must be at least 1");
        Check(MinChildHessian >= 0, nameof(MinChildHessian), "must be non-negative");
        Check(L2 >= 0, nameof(L2), "must be non-negative");
        Check(MinGainToSplit >= 0, nameof(MinGainToSplit), "must be non-negative");
        Check(RowSubsample > 0 && RowSubsample <= 1, nameof(RowSubsample), "must be in (0, 1]");
        Check(FeatureSubsample > 0 && FeatureSubsample <= 1, nameof(FeatureSubsample), "must be in (0, 1]");
        Check(EarlyStoppingRounds >= 0, nameof(EarlyStoppingRounds), "must be non-negative");
        Check(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "must be in [0, 1)");
        Check(MaxBins >= 2 && MaxBins <= 255, nameof(MaxBins), "must be in [2, 255]");
        Check(MaxCategoryBins >= 2 && MaxCategoryBins <= 255, nameof(MaxCategoryBins), "must be in [2, 255]");
        Check(MinCategoryCount >= 1, nameof(MinCategoryCount), "must be at least 1");
    }

    private static void Check(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"GbdtOptions.{name} {rule}.", name);
        }
    }
}
