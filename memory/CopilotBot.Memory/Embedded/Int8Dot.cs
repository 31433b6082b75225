using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// Scalar quantisation (int8, one scale per vector) and its dot product. A quantised scan reads a quarter of the bytes
/// of a float scan, and exact search at 100k+ points is bound by memory bandwidth, not arithmetic.
/// </summary>
internal static class Int8Dot
{
    /// <summary>Writes <c>round(v / max|v| * 127)</c> and returns the scale that maps codes back to floats.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(vector);
        if (max == 0 || !float.IsFinite(max))
        {
            codes.Clear();
            return 0;
        }

        float factor = 127f / Math.Abs(max);
        for (int i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)MathF.Round(vector[i] * factor);
        }

        return Math.Abs(max) / 127f;
    }

    /// <summary>Integer dot product of two code vectors (|sum| ≤ 127² × length, far inside int range for embeddings).</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int i = 0;
        int sum = 0;
        if (Avx2.IsSupported && a.Length >= 32)
        {
            // vpmovsxbw widens 16 int8 to int16, vpmaddwd multiplies int16 pairs and adds neighbours into int32.
            Vector256<int> acc = Vector256<int>.Zero;
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - 16; i += 16)
            {
                Vector256<short> wa = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref ra, i)));
                Vector256<short> wb = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref rb, i)));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(wa, wb));
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
