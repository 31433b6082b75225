using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// IVF centroids, with a copy laid out for finding the nearest centroid of many points at once: blocks of 8 centroids,
/// dimension-major, so 4 points × 16 centroids accumulate in registers (a small matrix multiply) instead of one dot
/// product call per pair. Assigning 1M points to 1,000 centroids is the bulk of an index build.
/// </summary>
internal sealed class Centroids
{
    private const int Lanes = 8;

    private readonly float[] _rows;
    private readonly float[] _blocks;
    private readonly int _blockCount;

    public Centroids(float[] rows, int count, int dimensions)
    {
        _rows = rows;
        Count = count;
        Dimensions = dimensions;
        // Pairs of 8-centroid blocks; padding centroids are zero and never chosen.
        _blockCount = (count + 2 * Lanes - 1) / (2 * Lanes) * 2;
        _blocks = new float[_blockCount * dimensions * Lanes];
        for (int c = 0; c < count; c++)
        {
            for (int j = 0; j < dimensions; j++)
            {
                _blocks[((c / Lanes * dimensions) + j) * Lanes + (c % Lanes)] = rows[c * dimensions + j];
            }
        }
    }

    public int Count { get; }

    public int Dimensions { get; }

    public ReadOnlySpan<float> Row(int centroid) => _rows.AsSpan(centroid * Dimensions, Dimensions);

    public float Score(int centroid, ReadOnlySpan<float> vector) => TensorPrimitives.Dot(Row(centroid), vector);

    /// <summary>The centroid with the highest dot product (the lowest index on ties).</summary>
    public int Nearest(ReadOnlySpan<float> vector) => Nearest(vector, vector, vector, vector).First;

    /// <summary>The nearest centroids of four points in one pass over the centroids.</summary>
    public (int First, int Second, int Third, int Fourth) Nearest(ReadOnlySpan<float> p0, ReadOnlySpan<float> p1, ReadOnlySpan<float> p2, ReadOnlySpan<float> p3)
    {
        Span<int> best = [0, 0, 0, 0];
        Span<float> bestScore = [float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity];
        Span<float> scores = stackalloc float[2 * Lanes];
        ref float r0 = ref MemoryMarshal.GetReference(p0);
        ref float r1 = ref MemoryMarshal.GetReference(p1);
        ref float r2 = ref MemoryMarshal.GetReference(p2);
        ref float r3 = ref MemoryMarshal.GetReference(p3);
        int dims = Dimensions;
        for (int block = 0; block < _blockCount; block += 2)
        {
            ref float c0 = ref _blocks[block * dims * Lanes];
            ref float c1 = ref _blocks[(block + 1) * dims * Lanes];
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (int j = 0; j < dims; j++)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref c0, (nuint)(j * Lanes));
                Vector256<float> y = Vector256.LoadUnsafe(ref c1, (nuint)(j * Lanes));
                Vector256<float> b = Vector256.Create(Unsafe.Add(ref r0, j));
                a00 = Vector256.MultiplyAddEstimate(b, x, a00);
                a01 = Vector256.MultiplyAddEstimate(b, y, a01);
                b = Vector256.Create(Unsafe.Add(ref r1, j));
                a10 = Vector256.MultiplyAddEstimate(b, x, a10);
                a11 = Vector256.MultiplyAddEstimate(b, y, a11);
                b = Vector256.Create(Unsafe.Add(ref r2, j));
                a20 = Vector256.MultiplyAddEstimate(b, x, a20);
                a21 = Vector256.MultiplyAddEstimate(b, y, a21);
                b = Vector256.Create(Unsafe.Add(ref r3, j));
                a30 = Vector256.MultiplyAddEstimate(b, x, a30);
                a31 = Vector256.MultiplyAddEstimate(b, y, a31);
            }

            int first = block * Lanes;
            int count = Math.Min(2 * Lanes, Count - first);
            Keep(a00, a01, scores, count, first, ref best[0], ref bestScore[0]);
            Keep(a10, a11, scores, count, first, ref best[1], ref bestScore[1]);
            Keep(a20, a21, scores, count, first, ref best[2], ref bestScore[2]);
            Keep(a30, a31, scores, count, first, ref best[3], ref bestScore[3]);
        }

        return (best[0], best[1], best[2], best[3]);
    }

    private static void Keep(Vector256<float> low, Vector256<float> high, Span<float> scores, int count, int first, ref int best, ref float bestScore)
    {
        low.CopyTo(scores);
        high.CopyTo(scores[Lanes..]);
        for (int i = 0; i < count; i++)
        {
            if (scores[i] > bestScore)
            {
                bestScore = scores[i];
                best = first + i;
            }
        }
    }
}
