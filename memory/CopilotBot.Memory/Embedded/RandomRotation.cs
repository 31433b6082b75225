using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// A fixed random orthogonal transform: three rounds of random sign flips followed by a fast Walsh-Hadamard transform,
/// on the vector zero-padded to a power of two. It spreads every vector's energy evenly over all coordinates (hashed
/// n-gram vectors are sparse), which is what makes one sign bit per coordinate a good sketch, in O(d log d) per vector.
/// </summary>
internal sealed class RandomRotation
{
    private const int Rounds = 3;

    private readonly float[][] _signs;
    private readonly float _scale;

    public RandomRotation(int dimensions, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
        PaddedDimensions = (int)Math.Max(16, BitOperations.RoundUpToPowerOf2((uint)dimensions));
        var random = new Random(seed);
        _signs = new float[Rounds][];
        for (int round = 0; round < Rounds; round++)
        {
            _signs[round] = new float[PaddedDimensions];
            for (int i = 0; i < PaddedDimensions; i++)
            {
                _signs[round][i] = random.Next(2) == 0 ? -1f : 1f;
            }
        }

        // Each unnormalised Hadamard transform multiplies lengths by sqrt(n).
        _scale = MathF.Pow(PaddedDimensions, -Rounds / 2f);
    }

    public int Dimensions { get; }

    /// <summary>The length of rotated vectors: the next power of two (at least 16).</summary>
    public int PaddedDimensions { get; }

    /// <summary>Writes the rotated <paramref name="vector"/> (<see cref="Dimensions"/> long) to <paramref name="rotated"/>.</summary>
    public void Rotate(ReadOnlySpan<float> vector, Span<float> rotated)
    {
        rotated = rotated[..PaddedDimensions];
        vector.CopyTo(rotated);
        rotated[vector.Length..].Clear();
        foreach (float[] signs in _signs)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(rotated, signs, rotated);
            Hadamard(rotated);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(rotated, _scale, rotated);
    }

    /// <summary>In-place unnormalised fast Walsh-Hadamard transform; the length must be a power of two (at least 16).</summary>
    internal static void Hadamard(Span<float> values)
    {
        int n = values.Length;
        ref float start = ref MemoryMarshal.GetReference(values);
        int h = 1;
        for (; h < 8 && h < n; h <<= 1)
        {
            for (int i = 0; i < n; i += h << 1)
            {
                for (int j = i; j < i + h; j++)
                {
                    float x = Unsafe.Add(ref start, j);
                    float y = Unsafe.Add(ref start, j + h);
                    Unsafe.Add(ref start, j) = x + y;
                    Unsafe.Add(ref start, j + h) = x - y;
                }
            }
        }

        // From a stride of 8 on, the butterflies run 8 lanes at a time.
        for (; h < n; h <<= 1)
        {
            for (int i = 0; i < n; i += h << 1)
            {
                for (int j = i; j < i + h; j += 8)
                {
                    Vector256<float> x = Vector256.LoadUnsafe(ref start, (nuint)j);
                    Vector256<float> y = Vector256.LoadUnsafe(ref start, (nuint)(j + h));
                    (x + y).StoreUnsafe(ref start, (nuint)j);
                    (x - y).StoreUnsafe(ref start, (nuint)(j + h));
                }
            }
        }
    }
}
