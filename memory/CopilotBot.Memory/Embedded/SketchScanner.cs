using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// Exact top-k from sketches in two passes. Pass one scans sketches and gives every eligible point an estimate with an
/// error bound; it keeps the k best lower bounds, and any point whose upper bound reaches the k-th of them is a
/// candidate. Pass two re-scores candidates with float vectors in order of upper bound and stops as soon as the next
/// upper bound is below the k-th exact score. The result equals a full float scan whenever every true top-k point's
/// error stays within its bound (see <see cref="SignSketch.BoundSigmas"/>); no fixed candidate count to tune.
/// One instance per thread; reused across queries.
/// </summary>
internal sealed class SketchScanner
{
    private TopK _lowerBounds = new(10);
    private int[] _slots = new int[1024];
    private float[] _upper = new float[1024];
    private float[] _order = new float[1024];
    private SketchQuery _query = null!;

    /// <summary>Points that passed pass one, before the final threshold (the bench reports them).</summary>
    public int Candidates { get; private set; }

    /// <summary>Points re-scored with floats in pass two.</summary>
    public int Rescored { get; private set; }

    public void Begin(SketchQuery query, int k)
    {
        _query = query;
        if (_lowerBounds.K != k)
        {
            _lowerBounds = new TopK(k);
        }

        _lowerBounds.Clear();
        Candidates = 0;
        Rescored = 0;
    }

    /// <summary>
    /// Pass one over blocks [<paramref name="fromBlock"/>, <paramref name="toBlock"/>) of a sketch indexed by slot, for
    /// slots set in <paramref name="eligible"/> that also pass <paramref name="residual"/>'s residual condition.
    /// </summary>
    public void ScanSlots(SignSketch sketch, int fromBlock, int toBlock, ReadOnlySpan<ulong> eligible, SlotFilter? residual = null)
    {
        Span<ushort> sums = stackalloc ushort[SignSketch.BlockSize];
        Span<float> estimates = stackalloc float[SignSketch.BlockSize];
        Span<float> upper = stackalloc float[SignSketch.BlockSize];
        ReadOnlySpan<byte> table = _query.Table;
        for (int block = fromBlock; block < toBlock; block++)
        {
            // Two blocks per 64-bit word of the eligibility bitset; a block with nothing eligible costs nothing.
            uint mask = (uint)(eligible[block >> 1] >> ((block & 1) * 32));
            if (mask == 0)
            {
                continue;
            }

            sketch.ScanBlock(block, table, sums);
            mask &= Bound(sketch, block * SignSketch.BlockSize, sums, estimates, upper);
            while (mask != 0)
            {
                int i = BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                int slot = block * SignSketch.BlockSize + i;
                if (residual is null || residual.PassResidual(slot))
                {
                    Consider(slot, estimates[i], upper[i]);
                }
            }
        }
    }

    /// <summary>Pass one over the first <paramref name="count"/> entries of a sketch whose entry i is point <paramref name="slots"/>[i].</summary>
    public void ScanEntries(SignSketch sketch, int count, ReadOnlySpan<int> slots, ReadOnlySpan<ulong> eligible, SlotFilter? residual = null)
    {
        Span<ushort> sums = stackalloc ushort[SignSketch.BlockSize];
        Span<float> estimates = stackalloc float[SignSketch.BlockSize];
        Span<float> upper = stackalloc float[SignSketch.BlockSize];
        ReadOnlySpan<byte> table = _query.Table;
        int blocks = (count + SignSketch.BlockSize - 1) / SignSketch.BlockSize;
        for (int block = 0; block < blocks; block++)
        {
            sketch.ScanBlock(block, table, sums);
            uint mask = Bound(sketch, block * SignSketch.BlockSize, sums, estimates, upper);
            int left = count - block * SignSketch.BlockSize;
            if (left < SignSketch.BlockSize)
            {
                mask &= (1u << left) - 1;
            }

            while (mask != 0)
            {
                int i = BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                int slot = slots[block * SignSketch.BlockSize + i];
                if ((eligible[slot >> 6] & (1UL << slot)) != 0 && (residual is null || residual.PassResidual(slot)))
                {
                    Consider(slot, estimates[i], upper[i]);
                }
            }
        }
    }

    /// <summary>Takes over another scanner's pass-one state (partitions of one query).</summary>
    public void Merge(SketchScanner other)
    {
        _lowerBounds.Merge(other._lowerBounds);
        for (int i = 0; i < other.Candidates; i++)
        {
            Append(other._slots[i], other._upper[i]);
        }
    }

    /// <summary>
    /// Pass two: exact scores for candidates, best upper bound first, into <paramref name="result"/>. Returns false if it
    /// stopped after <paramref name="budget"/> re-scores without finishing (the caller then knows pass one went wrong).
    /// </summary>
    public bool Rerank(VectorCollection data, ReadOnlySpan<float> query, TopK result, int budget = int.MaxValue)
    {
        float threshold = _lowerBounds.Threshold;
        int kept = 0;
        for (int i = 0; i < Candidates; i++)
        {
            if (_upper[i] >= threshold)
            {
                _slots[kept] = _slots[i];
                _order[kept] = _upper[i];
                kept++;
            }
        }

        // Usually a few hundred of tens of thousands of candidates get re-scored: a max-heap (built in linear time)
        // hands them out in order for less than a full sort.
        for (int i = kept / 2 - 1; i >= 0; i--)
        {
            SiftDown(i, kept);
        }

        while (kept > 0)
        {
            float upper = _order[0];
            int slot = _slots[0];
            if (result.IsFull && upper < result.Threshold)
            {
                break;
            }

            if (Rescored == budget)
            {
                return false;
            }

            result.Add(TensorPrimitives.Dot(data.Vector(slot), query), slot);
            Rescored++;
            kept--;
            _order[0] = _order[kept];
            _slots[0] = _slots[kept];
            SiftDown(0, kept);
        }

        return true;
    }

    // Max-heap on upper bounds over the first `count` entries of _order/_slots.
    private void SiftDown(int i, int count)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
            {
                return;
            }

            if (child + 1 < count && _order[child + 1] > _order[child])
            {
                child++;
            }

            if (_order[i] >= _order[child])
            {
                return;
            }

            (_order[i], _order[child]) = (_order[child], _order[i]);
            (_slots[i], _slots[child]) = (_slots[child], _slots[i]);
            i = child;
        }
    }

    // Estimates and upper bounds for the 32 entries from `first` on; returns which upper bounds reach the threshold.
    private uint Bound(SignSketch sketch, int first, ReadOnlySpan<ushort> sums, Span<float> estimates, Span<float> upper)
    {
        var offset = Vector256.Create(_query.Offset);
        var step = Vector256.Create(_query.Step);
        var tableError = Vector256.Create(_query.TableError);
        var threshold = Vector256.Create(_lowerBounds.Threshold);
        ref float inverse = ref Unsafe.Add(ref MemoryMarshal.GetReference(sketch.InverseAlignment), first);
        ref float error = ref Unsafe.Add(ref MemoryMarshal.GetReference(sketch.Error), first);
        ref ushort sum = ref MemoryMarshal.GetReference(sums);
        uint mask = 0;
        for (int i = 0; i < SignSketch.BlockSize; i += 8)
        {
            Vector128<ushort> raw = Vector128.LoadUnsafe(ref sum, (nuint)i);
            Vector256<float> dot = Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(raw), Vector128.WidenUpper(raw)).AsInt32());
            Vector256<float> scale = Vector256.LoadUnsafe(ref inverse, (nuint)i);
            Vector256<float> estimate = (offset + step * dot) * scale;
            Vector256<float> high = estimate + Vector256.LoadUnsafe(ref error, (nuint)i) + tableError * scale;
            estimate.CopyTo(estimates[i..]);
            high.CopyTo(upper[i..]);
            mask |= Vector256.GreaterThanOrEqual(high, threshold).ExtractMostSignificantBits() << i;
        }

        return mask;
    }

    private void Consider(int slot, float estimate, float upper)
    {
        // The threshold may have risen since the block's mask was taken.
        if (upper < _lowerBounds.Threshold)
        {
            return;
        }

        Append(slot, upper);
        _lowerBounds.Add(2 * estimate - upper, slot);
    }

    private void Append(int slot, float upper)
    {
        if (Candidates == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _upper, _upper.Length * 2);
            Array.Resize(ref _order, _order.Length * 2);
        }

        _slots[Candidates] = slot;
        _upper[Candidates] = upper;
        Candidates++;
    }
}
