using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CopilotBot.ML;

/// <summary>
/// Grows one regression tree leaf-wise (best-gain leaf first) from gradient/hessian histograms over pre-binned
/// rows. The smaller child's histogram is built from its rows and the larger one's is parent minus smaller.
/// </summary>
internal sealed class TreeGrower
{
    // Categories are ordered by G / (H + smoothing) before the prefix scan, so a category seen on only a few
    // rows cannot jump to the end of the ordering on noise alone (LightGBM's cat_smooth).
    private const double CategorySmoothing = 10.0;

    // Rows are spread over several histogram copies while accumulating: consecutive rows often hit the same bin
    // (a two-category feature nearly always does), and a single copy would serialize on that read-modify-write.
    private const int HistogramCopies = 4;

    private readonly byte[] _rows;
    private readonly int _featureCount;
    private readonly int[] _binCounts;
    private readonly int[] _offsets;
    private readonly FeatureKind[] _kinds;
    private readonly int _totalBins;
    private readonly GbdtOptions _options;
    private readonly int[] _indices;
    private readonly int[] _scratch;
    private readonly Stack<HistEntry[]> _pool = new();
    private readonly CategoryStat[] _categoryBuffer = new CategoryStat[256];
    private readonly HistEntry[] _work;
    private readonly List<(int Node, int Begin, int End)> _finalLeaves = [];

    public TreeGrower(byte[] rows, int rowCount, FeatureBinner binner, GbdtOptions options)
    {
        _rows = rows;
        _featureCount = binner.FeatureCount;
        _binCounts = binner.BinCounts;
        _kinds = binner.Kinds;
        _options = options;
        _offsets = new int[_featureCount];
        for (var f = 0; f < _featureCount; f++)
        {
            _offsets[f] = _totalBins;
            _totalBins += _binCounts[f];
        }

        _indices = new int[rowCount];
        _scratch = new int[rowCount];
        _work = new HistEntry[_totalBins * HistogramCopies];
    }

    /// <summary>Adds the last grown tree's leaf values to the margins of the rows it was grown on (no tree walk needed).</summary>
    public void AddLeafValues(RegressionTree tree, double[] margins)
    {
        foreach (var (node, begin, end) in _finalLeaves)
        {
            var value = tree.Nodes[node].Value;
            for (var i = begin; i < end; i++)
            {
                margins[_indices[i]] += value;
            }
        }
    }

    public RegressionTree Grow(ReadOnlySpan<int> sample, double[] gradients, double[] hessians, int[] features)
    {
        sample.CopyTo(_indices);
        var nodes = new List<TreeNode> { default };
        var root = new Leaf { Node = 0, Begin = 0, End = sample.Length, Depth = 0, Hist = Rent() };
        for (var i = 0; i < sample.Length; i++)
        {
            root.G += gradients[sample[i]];
            root.H += hessians[sample[i]];
        }

        root.Count = sample.Length;
        BuildHistogram(root.Hist, 0, sample.Length, gradients, hessians, features);
        root.Best = FindBestSplit(root, features);
        var leaves = new List<Leaf> { root };

        while (leaves.Count < _options.MaxLeaves)
        {
            var bestIndex = -1;
            for (var i = 0; i < leaves.Count; i++)
            {
                var candidate = leaves[i];
                if (candidate.Best.Feature >= 0
                    && (bestIndex < 0 || candidate.Best.Gain > leaves[bestIndex].Best.Gain
                        || (candidate.Best.Gain == leaves[bestIndex].Best.Gain && candidate.Node < leaves[bestIndex].Node)))
                {
                    bestIndex = i;
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            var parent = leaves[bestIndex];
            var (left, right) = Split(parent, nodes, gradients, hessians, features);
            leaves[bestIndex] = left;
            leaves.Add(right);
        }

        var lambda = _options.L2;
        _finalLeaves.Clear();
        foreach (var leaf in leaves)
        {
            nodes[leaf.Node] = TreeNode.Leaf(-leaf.G / (leaf.H + lambda) * _options.LearningRate, leaf.Count);
            _finalLeaves.Add((leaf.Node, leaf.Begin, leaf.End));
            Return(leaf);
        }

        return new RegressionTree([.. nodes]);
    }

    private (Leaf Left, Leaf Right) Split(Leaf parent, List<TreeNode> nodes, double[] gradients, double[] hessians, int[] features)
    {
        var split = parent.Best;
        var node = new TreeNode(split.Feature, split.Threshold, split.MissingRight, split.CategoryRight, -1, -1, 0, parent.Count, split.Gain);

        // Stable partition of the parent's row range: left rows keep their order in place, right rows go via scratch.
        var feature = split.Feature;
        var write = parent.Begin;
        var scratchCount = 0;
        for (var i = parent.Begin; i < parent.End; i++)
        {
            var row = _indices[i];
            if (node.GoesRight(_rows[(row * _featureCount) + feature]))
            {
                _scratch[scratchCount++] = row;
            }
            else
            {
                _indices[write++] = row;
            }
        }

        _scratch.AsSpan(0, scratchCount).CopyTo(_indices.AsSpan(write));

        var leftId = nodes.Count;
        nodes.Add(default);
        nodes.Add(default);
        nodes[parent.Node] = node with { Left = leftId, Right = leftId + 1 };

        var left = new Leaf
        {
            Node = leftId, Begin = parent.Begin, End = write, Depth = parent.Depth + 1,
            G = split.LeftG, H = split.LeftH, Count = write - parent.Begin,
        };
        var right = new Leaf
        {
            Node = leftId + 1, Begin = write, End = parent.End, Depth = parent.Depth + 1,
            G = parent.G - split.LeftG, H = parent.H - split.LeftH, Count = parent.End - write,
        };

        var leftSmaller = left.Count <= right.Count;
        var small = leftSmaller ? left : right;
        var large = leftSmaller ? right : left;
        small.Hist = Rent();
        BuildHistogram(small.Hist, small.Begin, small.End, gradients, hessians, features);
        large.Hist = parent.Hist;
        parent.Hist = null;
        Subtract(large.Hist!, small.Hist, features);

        left.Best = FindBestSplit(left, features);
        right.Best = FindBestSplit(right, features);
        if (left.Best.Feature < 0)
        {
            Return(left);
        }

        if (right.Best.Feature < 0)
        {
            Return(right);
        }

        return (left, right);
    }

    /// <summary>Fills the bins of the selected features in <paramref name="hist"/> (other features' bins are left stale).</summary>
    private void BuildHistogram(HistEntry[] hist, int begin, int end, double[] gradients, double[] hessians, int[] features)
    {
        var featureCount = _featureCount;
        var totalBins = _totalBins;
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var work = ref MemoryMarshal.GetArrayDataReference(_work);
        ref var offsets = ref MemoryMarshal.GetArrayDataReference(_offsets);
        ref var selected = ref MemoryMarshal.GetArrayDataReference(features);
        var selectedCount = features.Length;
        for (var i = begin; i < end; i++)
        {
            var row = _indices[i];
            var g = gradients[row];
            var h = hessians[row];
            ref var rowRef = ref Unsafe.Add(ref rows, row * featureCount);
            ref var copy = ref Unsafe.Add(ref work, ((i - begin) & (HistogramCopies - 1)) * totalBins);
            for (var k = 0; k < selectedCount; k++)
            {
                var f = Unsafe.Add(ref selected, k);
                ref var entry = ref Unsafe.Add(ref copy, Unsafe.Add(ref offsets, f) + Unsafe.Add(ref rowRef, f));
                entry.G += g;
                entry.H += h;
                entry.Count++;
            }
        }

        // Fold the copies into the node histogram and leave the work area zeroed for the next node.
        foreach (var f in features)
        {
            var start = _offsets[f];
            var stop = start + _binCounts[f];
            for (var b = start; b < stop; b++)
            {
                HistEntry sum = default;
                for (var c = 0; c < HistogramCopies; c++)
                {
                    ref var entry = ref _work[(c * totalBins) + b];
                    sum.G += entry.G;
                    sum.H += entry.H;
                    sum.Count += entry.Count;
                    entry = default;
                }

                hist[b] = sum;
            }
        }
    }

    private void Subtract(HistEntry[] target, HistEntry[] small, int[] features)
    {
        foreach (var f in features)
        {
            var start = _offsets[f];
            for (var b = start; b < start + _binCounts[f]; b++)
            {
                target[b].G -= small[b].G;
                target[b].H -= small[b].H;
                target[b].Count -= small[b].Count;
            }
        }
    }

    private SplitCandidate FindBestSplit(Leaf leaf, int[] features)
    {
        var best = SplitCandidate.None(_options.MinGainToSplit);
        if (leaf.Depth >= _options.MaxDepth || leaf.Count < 2 * _options.MinSamplesLeaf)
        {
            return best;
        }

        var parentScore = leaf.G * leaf.G / (leaf.H + _options.L2);
        foreach (var f in features)
        {
            if (_kinds[f] == FeatureKind.Numeric)
            {
                ScanNumeric(leaf, f, parentScore, ref best);
            }
            else
            {
                ScanCategorical(leaf, f, parentScore, ref best);
            }
        }

        return best;
    }

    private void ScanNumeric(Leaf leaf, int feature, double parentScore, ref SplitCandidate best)
    {
        var hist = leaf.Hist!.AsSpan(_offsets[feature], _binCounts[feature]);
        var missing = hist[FeatureBinner.MissingBin];

        // Threshold 0 with missing on the left is the "is missing" split.
        if (missing.Count > 0)
        {
            TryNumeric(leaf, feature, 0, false, missing.G, missing.H, missing.Count, parentScore, ref best);
        }

        double leftG = 0, leftH = 0;
        var leftCount = 0;
        for (var t = 1; t < hist.Length - 1; t++)
        {
            var entry = hist[t];
            if (entry.Count == 0)
            {
                continue;
            }

            leftG += entry.G;
            leftH += entry.H;
            leftCount += entry.Count;
            if (leftCount + missing.Count >= leaf.Count)
            {
                break;
            }

            TryNumeric(leaf, feature, t, false, leftG + missing.G, leftH + missing.H, leftCount + missing.Count, parentScore, ref best);
            if (missing.Count > 0)
            {
                TryNumeric(leaf, feature, t, true, leftG, leftH, leftCount, parentScore, ref best);
            }
        }

        if (best.Feature == feature && missing.Count == 0 && best.CategoryRight is null)
        {
            // No training rows were missing here: send future missing values to the larger child.
            best.MissingRight = leaf.Count - best.LeftCount > best.LeftCount;
        }
    }

    private void TryNumeric(Leaf leaf, int feature, int threshold, bool missingRight, double leftG, double leftH, int leftCount, double parentScore, ref SplitCandidate best)
    {
        var gain = Gain(leaf, leftG, leftH, leftCount, parentScore);
        if (gain > best.Gain)
        {
            best = new SplitCandidate
            {
                Feature = feature, Threshold = threshold, MissingRight = missingRight, Gain = gain,
                LeftG = leftG, LeftH = leftH, LeftCount = leftCount,
            };
        }
    }

    private double Gain(Leaf leaf, double leftG, double leftH, int leftCount, double parentScore)
    {
        var rightCount = leaf.Count - leftCount;
        var rightH = leaf.H - leftH;
        if (leftCount < _options.MinSamplesLeaf || rightCount < _options.MinSamplesLeaf
            || leftH < _options.MinChildHessian || rightH < _options.MinChildHessian)
        {
            return double.NegativeInfinity;
        }

        var rightG = leaf.G - leftG;
        var lambda = _options.L2;
        return (leftG * leftG / (leftH + lambda)) + (rightG * rightG / (rightH + lambda)) - parentScore;
    }

    private void ScanCategorical(Leaf leaf, int feature, double parentScore, ref SplitCandidate best)
    {
        var hist = leaf.Hist!.AsSpan(_offsets[feature], _binCounts[feature]);
        var stats = _categoryBuffer.AsSpan();
        var count = 0;
        for (var b = 0; b < hist.Length; b++)
        {
            if (hist[b].Count > 0)
            {
                stats[count++] = new CategoryStat(b, hist[b].G / (hist[b].H + CategorySmoothing));
            }
        }

        if (count < 2)
        {
            return;
        }

        // Fisher/LightGBM: ordering categories by gradient ratio makes the best binary partition one of the
        // prefixes of that order, so k - 1 candidates replace 2^(k-1) subsets.
        var ordered = stats[..count];
        ordered.Sort(static (a, b) => a.Ratio != b.Ratio ? a.Ratio.CompareTo(b.Ratio) : a.Bin.CompareTo(b.Bin));
        double leftG = 0, leftH = 0;
        var leftCount = 0;
        var bestPrefix = -1;
        for (var i = 0; i < count - 1; i++)
        {
            var entry = hist[ordered[i].Bin];
            leftG += entry.G;
            leftH += entry.H;
            leftCount += entry.Count;
            var gain = Gain(leaf, leftG, leftH, leftCount, parentScore);
            if (gain > best.Gain)
            {
                best = new SplitCandidate
                {
                    Feature = feature, Gain = gain, LeftG = leftG, LeftH = leftH, LeftCount = leftCount,
                };
                bestPrefix = i;
            }
        }

        if (bestPrefix < 0)
        {
            return;
        }

        var mask = new ulong[4];
        for (var i = bestPrefix + 1; i < count; i++)
        {
            var bin = ordered[i].Bin;
            mask[bin >> 6] |= 1UL << (bin & 63);
        }

        // Bins with no rows in this node (including an unseen missing bin) follow the larger child.
        if (leaf.Count - best.LeftCount > best.LeftCount)
        {
            for (var b = 0; b < 256; b++)
            {
                if (b >= hist.Length || hist[b].Count == 0)
                {
                    mask[b >> 6] |= 1UL << (b & 63);
                }
            }
        }

        best.CategoryRight = mask;
        best.MissingRight = (mask[0] & 1) != 0;
    }

    private HistEntry[] Rent()
    {
        // No clearing needed: BuildHistogram overwrites every bin that will be read.
        return _pool.TryPop(out var hist) ? hist : new HistEntry[_totalBins];
    }

    private void Return(Leaf leaf)
    {
        if (leaf.Hist is not null)
        {
            _pool.Push(leaf.Hist);
            leaf.Hist = null;
        }
    }

    private struct HistEntry
    {
        public double G;
        public double H;
        public int Count;
    }

    private readonly record struct CategoryStat(int Bin, double Ratio);

    private struct SplitCandidate
    {
        public int Feature;
        public int Threshold;
        public bool MissingRight;
        public ulong[]? CategoryRight;
        public double Gain;
        public double LeftG;
        public double LeftH;
        public int LeftCount;

        public static SplitCandidate None(double minGain) => new() { Feature = -1, Gain = minGain };
    }

    private sealed class Leaf
    {
        public int Node;
        public int Begin;
        public int End;
        public int Depth;
        public double G;
        public double H;
        public int Count;
        public HistEntry[]? Hist;
        public SplitCandidate Best;
    }
}
