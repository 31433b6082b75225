using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// One sign bit per coordinate of each rotated vector (RaBitQ, Gao and Long, SIGMOD 2024), with the two numbers that
/// turn a bit-vector dot product into an estimate of the cosine and a bound on its error. A sketch is 1/32 of the float
/// vector, so scanning every sketch moves an eighth of the bytes of an int8 scan.
/// </summary>
/// <remarks>
/// Layout (the "fast scan" layout of FAISS): entries in blocks of 32; each group of 4 coordinates is a 4-bit nibble,
/// and a block stores, per group, 16 bytes holding that nibble for entries 0-15 (low halves) and 16-31 (high halves).
/// A query turns each group into a 16-entry table of partial dot products, so one byte shuffle (pshufb / tbl) looks up
/// a group for 32 entries at once; see <see cref="ScanBlock"/>.
/// </remarks>
internal sealed class SignSketch
{
    public const int BlockSize = 32;

    /// <summary>
    /// Half-width of the error bound in standard deviations of the estimator (RaBitQ's epsilon0). At 2.5 a true
    /// neighbour falls outside its bound about once in 80 estimates, and is then lost only if it also sits at the very
    /// edge of the top k, so measured recall of the exact top 10 stays at or above 0.999 (see the bench).
    /// </summary>
    internal const float BoundSigmas = 2.5f;

    private byte[] _codes;
    private float[] _inverseAlignment;
    private float[] _error;

    public SignSketch(int bits, int capacity)
    {
        if (bits < 16 || (bits & (bits - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "The sketch length must be a power of two, at least 16.");
        }

        Bits = bits;
        Capacity = RoundUp(Math.Max(capacity, BlockSize));
        _codes = new byte[(long)Capacity / BlockSize * BlockBytes];
        _inverseAlignment = new float[Capacity];
        _error = new float[Capacity];
    }

    public int Bits { get; }

    /// <summary>Groups of 4 coordinates: one table lookup each.</summary>
    public int Groups => Bits / 4;

    public int BlockBytes => Groups * 16;

    public int Capacity { get; private set; }

    /// <summary>Per entry, 1 / &lt;sign(r)/sqrt(n), r&gt;: scales a sign-vector dot product into an unbiased estimate.</summary>
    public ReadOnlySpan<float> InverseAlignment => _inverseAlignment;

    /// <summary>Per entry, the half-width of the estimate's error bound for a unit query (0 for a zero vector).</summary>
    public ReadOnlySpan<float> Error => _error;

    public static int RoundUp(int count) => (count + BlockSize - 1) / BlockSize * BlockSize;

    public void EnsureCapacity(int entries)
    {
        if (entries <= Capacity)
        {
            return;
        }

        int capacity = RoundUp(Math.Max(entries, Capacity * 2));
        Array.Resize(ref _codes, checked(capacity / BlockSize * BlockBytes));
        Array.Resize(ref _inverseAlignment, capacity);
        Array.Resize(ref _error, capacity);
        Capacity = capacity;
    }

    /// <summary>Stores the sketch of <paramref name="rotated"/> (a rotated unit vector, or zeros) at <paramref name="index"/>.</summary>
    public void Set(int index, ReadOnlySpan<float> rotated)
    {
        EnsureCapacity(index + 1);
        ref byte block = ref BlockStart(index);
        int lane = index & 15;
        bool high = (index & 16) != 0;
        for (int group = 0; group < Groups; group++)
        {
            int nibble = 0;
            for (int bit = 0; bit < 4; bit++)
            {
                if (rotated[group * 4 + bit] > 0)
                {
                    nibble |= 1 << bit;
                }
            }

            WriteNibble(ref Unsafe.Add(ref block, group * 16 + lane), high, nibble);
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(rotated);
        if (norm == 0)
        {
            // A zero vector scores 0 with any query: estimate 0, no error.
            _inverseAlignment[index] = 0;
            _error[index] = 0;
            return;
        }

        // <o, x> for x = sign(r)/sqrt(n): how well the sign vector points along the data vector (about 0.8 when dense).
        float alignment = System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(rotated) / (norm * MathF.Sqrt(Bits));
        alignment = Math.Clamp(alignment, 1e-6f, 1f);
        _inverseAlignment[index] = 1 / alignment;
        // RaBitQ's bound: |estimate - <o, q>| <= sqrt((1 - a^2) / a^2) * epsilon0 / sqrt(n - 1), with high probability.
        _error[index] = MathF.Sqrt((1 - alignment * alignment) / (alignment * alignment)) * BoundSigmas / MathF.Sqrt(Bits - 1);
    }

    /// <summary>Copies entry <paramref name="from"/> over entry <paramref name="to"/> (swap-removal in IVF lists).</summary>
    public void Move(int from, int to)
    {
        if (from != to)
        {
            CopyFrom(this, from, to);
        }
    }

    /// <summary>Copies entry <paramref name="from"/> of <paramref name="source"/> (same length) to entry <paramref name="to"/>.</summary>
    public void CopyFrom(SignSketch source, int from, int to)
    {
        EnsureCapacity(to + 1);
        ref byte sourceBlock = ref source.BlockStart(from);
        ref byte targetBlock = ref BlockStart(to);
        bool sourceHigh = (from & 16) != 0;
        bool targetHigh = (to & 16) != 0;
        for (int group = 0; group < Groups; group++)
        {
            byte packed = Unsafe.Add(ref sourceBlock, group * 16 + (from & 15));
            WriteNibble(ref Unsafe.Add(ref targetBlock, group * 16 + (to & 15)), targetHigh, sourceHigh ? packed >> 4 : packed & 15);
        }

        _inverseAlignment[to] = source._inverseAlignment[from];
        _error[to] = source._error[from];
    }

    /// <summary>The sign bits of one entry, one byte per coordinate (tests).</summary>
    internal bool[] SignsOf(int index)
    {
        var signs = new bool[Bits];
        ref byte block = ref BlockStart(index);
        for (int group = 0; group < Groups; group++)
        {
            byte packed = Unsafe.Add(ref block, group * 16 + (index & 15));
            int nibble = (index & 16) != 0 ? packed >> 4 : packed & 15;
            for (int bit = 0; bit < 4; bit++)
            {
                signs[group * 4 + bit] = (nibble & (1 << bit)) != 0;
            }
        }

        return signs;
    }

    /// <summary>
    /// Sums the query's table entries over all groups for the 32 entries of <paramref name="block"/>:
    /// <paramref name="sums"/>[i] belongs to entry block * 32 + i.
    /// </summary>
    public void ScanBlock(int block, ReadOnlySpan<byte> table, Span<ushort> sums, SketchKernel kernel = SketchKernel.Best)
    {
        ref byte codes = ref _codes[(long)block * BlockBytes];
        ref byte lut = ref MemoryMarshal.GetReference(table);
        if (kernel == SketchKernel.Best)
        {
            kernel = SketchKernels.Best;
        }

        switch (kernel)
        {
            case SketchKernel.Vector512:
                SketchKernels.Scan512(ref codes, ref lut, Groups, sums);
                break;
            case SketchKernel.Vector256:
                SketchKernels.Scan256(ref codes, ref lut, Groups, sums);
                break;
            case SketchKernel.Vector128:
                SketchKernels.Scan128(ref codes, ref lut, Groups, sums);
                break;
            default:
                SketchKernels.ScanScalar(ref codes, ref lut, Groups, sums);
                break;
        }
    }

    private ref byte BlockStart(int index) => ref _codes[(long)(index / BlockSize) * BlockBytes];

    private static void WriteNibble(ref byte target, bool high, int nibble) =>
        target = high ? (byte)((target & 0x0F) | (nibble << 4)) : (byte)((target & 0xF0) | nibble);
}

/// <summary>Which implementation scans sketch blocks; <see cref="Best"/> picks the widest the CPU supports.</summary>
internal enum SketchKernel
{
    Best,
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

/// <summary>The block scan in four widths. All compute the same sums; tests check them against the scalar one.</summary>
internal static class SketchKernels
{
    public static readonly SketchKernel Best =
        Avx512BW.IsSupported ? SketchKernel.Vector512
        : Avx2.IsSupported ? SketchKernel.Vector256
        : Ssse3.IsSupported || AdvSimd.Arm64.IsSupported ? SketchKernel.Vector128
        : SketchKernel.Scalar;

    public static bool IsSupported(SketchKernel kernel) => kernel switch
    {
        SketchKernel.Vector512 => Avx512BW.IsSupported,
        SketchKernel.Vector256 => Avx2.IsSupported,
        SketchKernel.Vector128 => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported,
        _ => true,
    };

    public static void ScanScalar(ref byte codes, ref byte lut, int groups, Span<ushort> sums)
    {
        for (int entry = 0; entry < SignSketch.BlockSize; entry++)
        {
            int lane = entry & 15;
            int shift = entry < 16 ? 0 : 4;
            int sum = 0;
            for (int group = 0; group < groups; group++)
            {
                int nibble = (Unsafe.Add(ref codes, group * 16 + lane) >> shift) & 15;
                sum += Unsafe.Add(ref lut, group * 16 + nibble);
            }

            sums[entry] = (ushort)sum;
        }
    }

    // The vector kernels accumulate byte lookups in 16-bit lanes without unpacking: a lane adds (even byte + 256 * odd
    // byte) to one accumulator and the odd byte alone to another, so even = first - (second << 8) modulo 2^16, exact
    // while every sum stays below 2^16 (the table's levels are chosen so it does).
    public static void Scan512(ref byte codes, ref byte lut, int groups, Span<ushort> sums)
    {
        Vector512<byte> nibble = Vector512.Create((byte)0x0F);
        Vector512<ushort> lowAll = Vector512<ushort>.Zero, lowOdd = Vector512<ushort>.Zero;
        Vector512<ushort> highAll = Vector512<ushort>.Zero, highOdd = Vector512<ushort>.Zero;
        for (int group = 0; group < groups; group += 4)
        {
            Vector512<byte> code = Vector512.LoadUnsafe(ref codes, (nuint)(group * 16));
            Vector512<byte> table = Vector512.LoadUnsafe(ref lut, (nuint)(group * 16));
            Vector512<ushort> low = Avx512BW.Shuffle(table, code & nibble).AsUInt16();
            Vector512<ushort> high = Avx512BW.Shuffle(table, Vector512.ShiftRightLogical(code.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            lowAll += low;
            lowOdd += Vector512.ShiftRightLogical(low, 8);
            highAll += high;
            highOdd += Vector512.ShiftRightLogical(high, 8);
        }

        // Four 128-bit lanes hold four different groups of the same 16 entries: add them up.
        Finish(Fold(lowAll), Fold(lowOdd), Fold(highAll), Fold(highOdd), sums);

        static Vector128<ushort> Fold(Vector512<ushort> v)
        {
            Vector256<ushort> half = v.GetLower() + v.GetUpper();
            return half.GetLower() + half.GetUpper();
        }
    }

    public static void Scan256(ref byte codes, ref byte lut, int groups, Span<ushort> sums)
    {
        Vector256<byte> nibble = Vector256.Create((byte)0x0F);
        Vector256<ushort> lowAll = Vector256<ushort>.Zero, lowOdd = Vector256<ushort>.Zero;
        Vector256<ushort> highAll = Vector256<ushort>.Zero, highOdd = Vector256<ushort>.Zero;
        for (int group = 0; group < groups; group += 2)
        {
            Vector256<byte> code = Vector256.LoadUnsafe(ref codes, (nuint)(group * 16));
            Vector256<byte> table = Vector256.LoadUnsafe(ref lut, (nuint)(group * 16));
            Vector256<ushort> low = Avx2.Shuffle(table, code & nibble).AsUInt16();
            Vector256<ushort> high = Avx2.Shuffle(table, Vector256.ShiftRightLogical(code.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            lowAll += low;
            lowOdd += Vector256.ShiftRightLogical(low, 8);
            highAll += high;
            highOdd += Vector256.ShiftRightLogical(high, 8);
        }

        Finish(lowAll.GetLower() + lowAll.GetUpper(), lowOdd.GetLower() + lowOdd.GetUpper(),
            highAll.GetLower() + highAll.GetUpper(), highOdd.GetLower() + highOdd.GetUpper(), sums);
    }

    public static void Scan128(ref byte codes, ref byte lut, int groups, Span<ushort> sums)
    {
        Vector128<byte> nibble = Vector128.Create((byte)0x0F);
        Vector128<ushort> lowAll = Vector128<ushort>.Zero, lowOdd = Vector128<ushort>.Zero;
        Vector128<ushort> highAll = Vector128<ushort>.Zero, highOdd = Vector128<ushort>.Zero;
        for (int group = 0; group < groups; group++)
        {
            Vector128<byte> code = Vector128.LoadUnsafe(ref codes, (nuint)(group * 16));
            Vector128<byte> table = Vector128.LoadUnsafe(ref lut, (nuint)(group * 16));
            // Indices are masked to 0-15, where pshufb and tbl agree.
            Vector128<ushort> low = Vector128.ShuffleNative(table, code & nibble).AsUInt16();
            Vector128<ushort> high = Vector128.ShuffleNative(table, Vector128.ShiftRightLogical(code.AsUInt16(), 4).AsByte() & nibble).AsUInt16();
            lowAll += low;
            lowOdd += Vector128.ShiftRightLogical(low, 8);
            highAll += high;
            highOdd += Vector128.ShiftRightLogical(high, 8);
        }

        Finish(lowAll, lowOdd, highAll, highOdd, sums);
    }

    // Lane k of the "all" accumulators holds even entry 2k (after removing the odd bytes) and the "odd" ones entry 2k+1.
    private static void Finish(Vector128<ushort> lowAll, Vector128<ushort> lowOdd, Vector128<ushort> highAll, Vector128<ushort> highOdd, Span<ushort> sums)
    {
        Vector128<ushort> lowEven = lowAll - Vector128.ShiftLeft(lowOdd, 8);
        Vector128<ushort> highEven = highAll - Vector128.ShiftLeft(highOdd, 8);
        ref ushort target = ref MemoryMarshal.GetReference(sums);
        Interleave(lowEven, lowOdd).StoreUnsafe(ref target);
        InterleaveUpper(lowEven, lowOdd).StoreUnsafe(ref target, 8);
        Interleave(highEven, highOdd).StoreUnsafe(ref target, 16);
        InterleaveUpper(highEven, highOdd).StoreUnsafe(ref target, 24);
    }

    private static Vector128<ushort> Interleave(Vector128<ushort> even, Vector128<ushort> odd) =>
        Sse2.IsSupported ? Sse2.UnpackLow(even, odd)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipLow(even, odd)
        : Vector128.Create(even[0], odd[0], even[1], odd[1], even[2], odd[2], even[3], odd[3]);

    private static Vector128<ushort> InterleaveUpper(Vector128<ushort> even, Vector128<ushort> odd) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(even, odd)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipHigh(even, odd)
        : Vector128.Create(even[4], odd[4], even[5], odd[5], even[6], odd[6], even[7], odd[7]);
}
