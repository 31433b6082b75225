namespace CopilotBot.ML;

/// <summary>
/// One node of a logical tree. Leaves have <see cref="Feature"/> = -1. Numeric splits send bins 1..Threshold
/// left and the missing bin (0) to <see cref="MissingRight"/>; categorical splits send the bins set in
/// <see cref="CategoryRight"/> right (the missing/unknown bin included or not).
/// </summary>
internal readonly record struct TreeNode(
    int Feature,
    int Threshold,
    bool MissingRight,
    ulong[]? CategoryRight,
    int Left,
    int Right,
    double Value,
    double Cover,
    double Gain)
{
    public bool IsLeaf => Feature < 0;

    public static TreeNode Leaf(double value, double cover) => new(-1, 0, false, null, -1, -1, value, cover, 0);

    public bool GoesRight(byte bin)
    {
        if (CategoryRight is { } mask)
        {
            return ((mask[bin >> 6] >> (bin & 63)) & 1) != 0;
        }

        return bin == FeatureBinner.MissingBin ? MissingRight : bin > Threshold;
    }
}
