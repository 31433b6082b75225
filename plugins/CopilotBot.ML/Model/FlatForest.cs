using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CopilotBot.ML;

/// <summary>
/// The scoring form of a forest. Each tree is padded to a complete binary tree of its depth and stored
/// breadth-first (children of i at 2i+1, 2i+2), so a row walks exactly <c>depth</c> levels with no data-dependent
/// branches. Every node, numeric or categorical, is a 256-bit set of the bins that go right, so one step is:
/// load the row's bin, load one 64-bit word of the node's set, shift, add the bit to the index.
/// Trees are walked for a block of rows at a time so one tree's nodes stay in L1. With AVX2 (and trees of depth
/// ≤ 6) a block is transposed to columns and every node is tested for 32 rows at once with byte shuffles; the
/// scalar fallback interleaves four rows. (Gathers would be the obvious AVX2 route, but they are slow on CPUs
/// with the Downfall microcode mitigation, such as the Cascade Lake bench machine.)
/// </summary>
internal sealed class FlatForest
{
    private const int BlockRows = 128;

    // The SIMD path evaluates every node of a tree for 32 rows at once, so its cost grows with 2^depth.
    private const int MaxSimdDepth = 6;
    private const int SimdRows = 32;

    private readonly int[] _features;
    private readonly ulong[] _masks;
    private readonly double[] _leaves;
    private readonly int[] _nodeStart;
    private readonly int[] _leafStart;
    private readonly int[] _depth;
    private readonly int _featureCount;
    private readonly double _baseScore;
    private readonly byte[] _tables;
    private readonly bool _simd;

    private FlatForest(int[] features, ulong[] masks, double[] leaves, int[] nodeStart, int[] leafStart, int[] depth, int featureCount, double baseScore)
    {
        _simd = Avx2.IsSupported && depth.All(d => d <= MaxSimdDepth);
        _tables = _simd ? BuildTables(masks) : [];
        _features = features;
        _masks = masks;
        _leaves = leaves;
        _nodeStart = nodeStart;
        _leafStart = leafStart;
        _depth = depth;
        _featureCount = featureCount;
        _baseScore = baseScore;
    }

    public static FlatForest Compile(IReadOnlyList<RegressionTree> trees, int featureCount, double baseScore)
    {
        var nodeStart = new int[trees.Count];
        var leafStart = new int[trees.Count];
        var depth = new int[trees.Count];
        int nodeTotal = 0, leafTotal = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            depth[t] = trees[t].Depth;
            nodeStart[t] = nodeTotal;
            leafStart[t] = leafTotal;
            nodeTotal += (1 << depth[t]) - 1;
            leafTotal += 1 << depth[t];
        }

        var features = new int[nodeTotal];
        var masks = new ulong[nodeTotal * 4];
        var leaves = new double[leafTotal];
        for (var t = 0; t < trees.Count; t++)
        {
            var internalCount = (1 << depth[t]) - 1;
            var target = new Target(
                features.AsSpan(nodeStart[t], internalCount),
                masks.AsSpan(nodeStart[t] * 4, internalCount * 4),
                leaves.AsSpan(leafStart[t], internalCount + 1));
            Fill(trees[t].Nodes, 0, 0, 0, depth[t], target);
        }

        return new FlatForest(features, masks, leaves, nodeStart, leafStart, depth, featureCount, baseScore);
    }

    public double PredictRow(ReadOnlySpan<byte> row)
    {
        Span<double> margin = stackalloc double[1];
        Predict(row[.._featureCount], margin);
        return margin[0];
    }

    /// <summary>Writes base score + Σ trees for each row of a row-major bin matrix.</summary>
    public void Predict(ReadOnlySpan<byte> rows, Span<double> margins)
    {
        if (rows.Length != margins.Length * _featureCount)
        {
            throw new ArgumentException($"Expected {margins.Length * _featureCount} bins for {margins.Length} rows, got {rows.Length}.");
        }

        if (_simd)
        {
            PredictSimd(rows, margins);
            return;
        }

        for (var start = 0; start < margins.Length; start += BlockRows)
        {
            var count = Math.Min(BlockRows, margins.Length - start);
            PredictBlock(rows.Slice(start * _featureCount, count * _featureCount), margins.Slice(start, count));
        }
    }

    /// <summary>
    /// Per node, two 16-byte shuffle tables (each repeated in both 128-bit lanes): byte <c>lo</c> of the low table has
    /// bit h set when bin 16h + lo (h = 0..7) goes right; the high table covers h = 8..15. Membership of bin b is then
    /// table[b &amp; 15] &amp; (1 &lt;&lt; ((b &gt;&gt; 4) &amp; 7)), picking the table by b ≥ 128.
    /// </summary>
    private static byte[] BuildTables(ulong[] masks)
    {
        var nodeCount = masks.Length / 4;
        var tables = new byte[nodeCount * 64];
        for (var node = 0; node < nodeCount; node++)
        {
            for (var bin = 0; bin < 256; bin++)
            {
                if (((masks[(node * 4) + (bin >> 6)] >> (bin & 63)) & 1) == 0)
                {
                    continue;
                }

                var high = bin >> 4;
                var low = bin & 15;
                var bit = (byte)(1 << (high & 7));
                var table = (node * 64) + (high >= 8 ? 32 : 0);
                tables[table + low] |= bit;
                tables[table + 16 + low] |= bit;
            }
        }

        return tables;
    }

    private void PredictSimd(ReadOnlySpan<byte> rows, Span<double> margins)
    {
        var featureCount = _featureCount;
        Span<byte> columns = stackalloc byte[featureCount * BlockRows];
        Span<byte> leafIndex = stackalloc byte[BlockRows];
        Span<Vector256<byte>> conditions = stackalloc Vector256<byte>[(1 << MaxSimdDepth) - 1];
        Span<Vector256<byte>> candidates = stackalloc Vector256<byte>[1 << (MaxSimdDepth - 1)];
        for (var start = 0; start < margins.Length; start += BlockRows)
        {
            var count = Math.Min(BlockRows, margins.Length - start);
            var block = rows.Slice(start * featureCount, count * featureCount);
            var output = margins.Slice(start, count);

            // Transpose to column-major so one feature's bins for 32 rows are one vector.
            columns.Clear();
            for (var r = 0; r < count; r++)
            {
                var row = block.Slice(r * featureCount, featureCount);
                for (var f = 0; f < featureCount; f++)
                {
                    columns[(f * BlockRows) + r] = row[f];
                }
            }

            output.Fill(_baseScore);
            ref var columnBase = ref MemoryMarshal.GetReference(columns);
            ref var outputBase = ref MemoryMarshal.GetReference(output);
            ref var leafIndexBase = ref MemoryMarshal.GetReference(leafIndex);
            for (var t = 0; t < _depth.Length; t++)
            {
                var depth = _depth[t];
                var internalCount = (1 << depth) - 1;
                var nodeStart = _nodeStart[t];
                ref var features = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_features), nodeStart);
                ref var tables = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tables), nodeStart * 64);
                ref var leaves = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_leaves), _leafStart[t]);
                for (var group = 0; group < count; group += SimdRows)
                {
                    for (var node = 0; node < internalCount; node++)
                    {
                        var bins = Vector256.LoadUnsafe(ref columnBase, (nuint)((Unsafe.Add(ref features, node) * BlockRows) + group));
                        conditions[node] = Contains(ref Unsafe.Add(ref tables, node * 64), bins);
                    }

                    LeafIndex(conditions, candidates, depth).StoreUnsafe(ref leafIndexBase, (nuint)group);
                }

                for (var r = 0; r < count; r++)
                {
                    Unsafe.Add(ref outputBase, r) += Unsafe.Add(ref leaves, Unsafe.Add(ref leafIndexBase, r));
                }
            }
        }
    }

    /// <summary>0xFF in each lane whose bin is in the node's right-going set, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Contains(ref byte tables, Vector256<byte> bins)
    {
        var lowTable = Vector256.LoadUnsafe(ref tables);
        var highTable = Vector256.LoadUnsafe(ref tables, 32);
        var low = bins & Vector256.Create((byte)15);
        var high = Vector256.ShiftRightLogical(bins, 4);
        // Bins ≥ 128 have the sign bit set: one signed compare selects the high table.
        var column = Avx2.BlendVariable(
            Avx2.Shuffle(lowTable, low),
            Avx2.Shuffle(highTable, low),
            Vector256.LessThan(bins.AsSByte(), Vector256<sbyte>.Zero).AsByte());
        var bit = Avx2.Shuffle(Vector256.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128), high);
        return ~Vector256.Equals(column & bit, Vector256<byte>.Zero);
    }

    /// <summary>Walks the complete tree level by level for 32 lanes, picking each lane's node condition with blends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> LeafIndex(Span<Vector256<byte>> conditions, Span<Vector256<byte>> candidates, int depth)
    {
        var one = Vector256.Create((byte)1);
        var index = Vector256<byte>.Zero;
        for (var level = 0; level < depth; level++)
        {
            // Candidates are this level's node conditions; fold pairs by each bit of the lane's position in the level.
            var width = 1 << level;
            conditions.Slice(width - 1, width).CopyTo(candidates);
            for (var bit = 0; width > 1; bit++)
            {
                var takeOdd = ~Vector256.Equals(index & Vector256.Create((byte)(1 << bit)), Vector256<byte>.Zero);
                width >>= 1;
                for (var i = 0; i < width; i++)
                {
                    candidates[i] = Avx2.BlendVariable(candidates[2 * i], candidates[(2 * i) + 1], takeOdd);
                }
            }

            index = (index + index) + (candidates[0] & one);
        }

        return index;
    }

    // Trees outer, rows inner: one tree's nodes stay in L1 while a block of rows walks it.
    private void PredictBlock(ReadOnlySpan<byte> rows, Span<double> margins)
    {
        margins.Fill(_baseScore);
        var featureCount = _featureCount;
        ref var rowBase = ref MemoryMarshal.GetReference(rows);
        ref var output = ref MemoryMarshal.GetReference(margins);
        var count = margins.Length;
        for (var t = 0; t < _depth.Length; t++)
        {
            var depth = _depth[t];
            var internalCount = (1 << depth) - 1;
            ref var features = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_features), _nodeStart[t]);
            ref var masks = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_masks), _nodeStart[t] * 4);
            ref var leaves = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_leaves), _leafStart[t] - internalCount);
            var r = 0;

            // Four rows per iteration: independent dependency chains the CPU can overlap.
            for (; r + 3 < count; r += 4)
            {
                ref var row0 = ref Unsafe.Add(ref rowBase, r * featureCount);
                ref var row1 = ref Unsafe.Add(ref row0, featureCount);
                ref var row2 = ref Unsafe.Add(ref row1, featureCount);
                ref var row3 = ref Unsafe.Add(ref row2, featureCount);
                int a = 0, b = 0, c = 0, d = 0;
                for (var level = 0; level < depth; level++)
                {
                    a = Step(ref features, ref masks, ref row0, a);
                    b = Step(ref features, ref masks, ref row1, b);
                    c = Step(ref features, ref masks, ref row2, c);
                    d = Step(ref features, ref masks, ref row3, d);
                }

                Unsafe.Add(ref output, r) += Unsafe.Add(ref leaves, a);
                Unsafe.Add(ref output, r + 1) += Unsafe.Add(ref leaves, b);
                Unsafe.Add(ref output, r + 2) += Unsafe.Add(ref leaves, c);
                Unsafe.Add(ref output, r + 3) += Unsafe.Add(ref leaves, d);
            }

            for (; r < count; r++)
            {
                ref var row = ref Unsafe.Add(ref rowBase, r * featureCount);
                var a = 0;
                for (var level = 0; level < depth; level++)
                {
                    a = Step(ref features, ref masks, ref row, a);
                }

                Unsafe.Add(ref output, r) += Unsafe.Add(ref leaves, a);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref int features, ref ulong masks, ref byte row, int index)
    {
        int bin = Unsafe.Add(ref row, Unsafe.Add(ref features, index));
        var word = Unsafe.Add(ref masks, (index << 2) + (bin >> 6));

        // C# masks a ulong shift count to its low 6 bits, so this tests bit (bin mod 64) of the word.
        return (2 * index) + 1 + (int)((word >> bin) & 1);
    }

    private static void Fill(TreeNode[] tree, int logical, int flat, int level, int depth, Target target)
    {
        var node = tree[logical];
        if (level == depth)
        {
            target.Leaves[flat - target.Features.Length] = node.Value;
            return;
        }

        var mask = target.Masks.Slice(flat * 4, 4);
        if (node.IsLeaf)
        {
            // Pad: an empty set always goes left down to the leaf level; the right copies are unreachable but valid.
            Fill(tree, logical, (2 * flat) + 1, level + 1, depth, target);
            Fill(tree, logical, (2 * flat) + 2, level + 1, depth, target);
            return;
        }

        target.Features[flat] = node.Feature;
        for (var bin = 0; bin < 256; bin++)
        {
            if (node.GoesRight((byte)bin))
            {
                mask[bin >> 6] |= 1UL << (bin & 63);
            }
        }

        Fill(tree, node.Left, (2 * flat) + 1, level + 1, depth, target);
        Fill(tree, node.Right, (2 * flat) + 2, level + 1, depth, target);
    }

    private readonly ref struct Target(Span<int> features, Span<ulong> masks, Span<double> leaves)
    {
        public Span<int> Features { get; } = features;

        public Span<ulong> Masks { get; } = masks;

        public Span<double> Leaves { get; } = leaves;
    }
}
