namespace CopilotBot.ML;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion &amp; Lee 2018, Algorithm 2), ported from the reference
/// implementation in the shap package. For each tree it tracks, along the root-to-leaf path, the fraction of
/// feature subsets that would reach each leaf, giving Shapley values of the cover-weighted conditional
/// expectation in O(leaves · depth²) instead of O(2^features).
/// </summary>
internal static class TreeShap
{
    /// <summary>Scratch size for trees up to <paramref name="maxDepth"/>.</summary>
    public static int PathBufferSize(int maxDepth) => (maxDepth + 2) * (maxDepth + 3) / 2;

    /// <summary>Adds the tree's contribution of each feature for <paramref name="row"/> (binned) into <paramref name="phi"/>.</summary>
    public static void AddContributions(RegressionTree tree, ReadOnlySpan<byte> row, Span<double> phi, PathElement[] buffer)
    {
        if (tree.Nodes[0].IsLeaf)
        {
            return;
        }

        Recurse(tree.Nodes, row, phi, 0, 0, buffer, 0, 1, 1, -1);
    }

    private static void Recurse(
        TreeNode[] nodes,
        ReadOnlySpan<byte> row,
        Span<double> phi,
        int nodeIndex,
        int uniqueDepth,
        PathElement[] buffer,
        int parentStart,
        double parentZeroFraction,
        double parentOneFraction,
        int parentFeature)
    {
        // Each level works on its own copy of the path, placed right after the parent's.
        var start = parentStart + uniqueDepth + 1;
        Array.Copy(buffer, parentStart, buffer, start, uniqueDepth + 1);
        var path = buffer.AsSpan(start);
        ExtendPath(path, uniqueDepth, parentZeroFraction, parentOneFraction, parentFeature);

        var node = nodes[nodeIndex];
        if (node.IsLeaf)
        {
            for (var i = 1; i <= uniqueDepth; i++)
            {
                var weight = UnwoundPathSum(path, uniqueDepth, i);
                var element = path[i];
                phi[element.FeatureIndex] += weight * (element.OneFraction - element.ZeroFraction) * node.Value;
            }

            return;
        }

        var goesRight = node.GoesRight(row[node.Feature]);
        var hot = goesRight ? node.Right : node.Left;
        var cold = goesRight ? node.Left : node.Right;
        var hotZeroFraction = nodes[hot].Cover / node.Cover;
        var coldZeroFraction = nodes[cold].Cover / node.Cover;
        double incomingZeroFraction = 1, incomingOneFraction = 1;

        // A feature already on the path is undone and redone here, so each feature appears once.
        var pathIndex = 0;
        for (; pathIndex <= uniqueDepth; pathIndex++)
        {
            if (path[pathIndex].FeatureIndex == node.Feature)
            {
                break;
            }
        }

        if (pathIndex != uniqueDepth + 1)
        {
            incomingZeroFraction = path[pathIndex].ZeroFraction;
            incomingOneFraction = path[pathIndex].OneFraction;
            UnwindPath(path, uniqueDepth, pathIndex);
            uniqueDepth--;
        }

        Recurse(nodes, row, phi, hot, uniqueDepth + 1, buffer, start, hotZeroFraction * incomingZeroFraction, incomingOneFraction, node.Feature);
        Recurse(nodes, row, phi, cold, uniqueDepth + 1, buffer, start, coldZeroFraction * incomingZeroFraction, 0, node.Feature);
    }

    private static void ExtendPath(Span<PathElement> path, int uniqueDepth, double zeroFraction, double oneFraction, int featureIndex)
    {
        path[uniqueDepth] = new PathElement(featureIndex, zeroFraction, oneFraction, uniqueDepth == 0 ? 1 : 0);
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += oneFraction * path[i].Weight * (i + 1) / (uniqueDepth + 1);
            path[i].Weight = zeroFraction * path[i].Weight * (uniqueDepth - i) / (uniqueDepth + 1);
        }
    }

    private static void UnwindPath(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            if (oneFraction != 0)
            {
                var temp = path[i].Weight;
                path[i].Weight = nextOnePortion * (uniqueDepth + 1) / ((i + 1) * oneFraction);
                nextOnePortion = temp - (path[i].Weight * zeroFraction * (uniqueDepth - i) / (uniqueDepth + 1));
            }
            else
            {
                path[i].Weight = path[i].Weight * (uniqueDepth + 1) / (zeroFraction * (uniqueDepth - i));
            }
        }

        for (var i = pathIndex; i < uniqueDepth; i++)
        {
            path[i].FeatureIndex = path[i + 1].FeatureIndex;
            path[i].ZeroFraction = path[i + 1].ZeroFraction;
            path[i].OneFraction = path[i + 1].OneFraction;
        }
    }

    private static double UnwoundPathSum(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        double total = 0;
        if (oneFraction != 0)
        {
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                var temp = nextOnePortion / ((i + 1) * oneFraction);
                total += temp;
                nextOnePortion = path[i].Weight - (temp * zeroFraction * (uniqueDepth - i));
            }
        }
        else
        {
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                total += path[i].Weight / (zeroFraction * (uniqueDepth - i));
            }
        }

        return total * (uniqueDepth + 1);
    }

    internal struct PathElement(int featureIndex, double zeroFraction, double oneFraction, double weight)
    {
        public int FeatureIndex = featureIndex;
        public double ZeroFraction = zeroFraction;
        public double OneFraction = oneFraction;
        public double Weight = weight;
    }
}
