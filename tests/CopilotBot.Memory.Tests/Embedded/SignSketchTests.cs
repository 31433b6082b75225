using System.Numerics.Tensors;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

public sealed class SignSketchTests
{
    // Kernel names, not the internal enum: theory data must be public. Kernels this CPU lacks are left out.
    public static TheoryData<string, int> Kernels()
    {
        var data = new TheoryData<string, int>();
        foreach (string kernel in new[] { "Scalar", "Vector128", "Vector256", "Vector512" }.Where(k => SketchKernels.IsSupported(Enum.Parse<SketchKernel>(k))))
        {
            foreach (int bits in new[] { 16, 64, 1024, 2048 })
            {
                data.Add(kernel, bits);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ScanBlock_SumsEachEntrysTableEntries_ForEveryKernel(string kernelName, int bits)
    {
        var kernel = Enum.Parse<SketchKernel>(kernelName);
        var random = new Random(bits);
        var sketch = new SignSketch(bits, 64);
        var rotated = new float[bits];
        for (int entry = 0; entry < 64; entry++)
        {
            FillRandom(rotated, random);
            sketch.Set(entry, rotated);
        }

        // The largest table bytes the query side ever writes for this width (sums must fit 16 bits).
        int levels = Math.Min(255, ushort.MaxValue / (bits / 4));
        byte[] table = [.. Enumerable.Range(0, bits / 4 * 16).Select(_ => (byte)random.Next(levels + 1))];
        var sums = new ushort[32];

        for (int block = 0; block < 2; block++)
        {
            sketch.ScanBlock(block, table, sums, kernel);

            for (int i = 0; i < 32; i++)
            {
                bool[] signs = sketch.SignsOf(block * 32 + i);
                int expected = 0;
                for (int group = 0; group < bits / 4; group++)
                {
                    int pattern = 0;
                    for (int bit = 0; bit < 4; bit++)
                    {
                        pattern |= signs[group * 4 + bit] ? 1 << bit : 0;
                    }

                    expected += table[group * 16 + pattern];
                }

                Assert.Equal(expected, sums[i]);
            }
        }
    }

    [Fact]
    public void Set_StoresSignsOfCoordinates_WhenRead()
    {
        var sketch = new SignSketch(16, 32);
        float[] rotated = [0.5f, -0.1f, 0, 0.2f, -0.3f, 0.1f, 0.1f, -0.1f, 0.4f, 0.4f, -0.4f, -0.4f, 0.1f, 0, 0, 0.1f];

        sketch.Set(21, rotated);

        Assert.Equal(rotated.Select(x => x > 0), sketch.SignsOf(21));
    }

    [Fact]
    public void Move_CopiesSignsAndScale_WhenEntriesAreInDifferentHalvesAndBlocks()
    {
        var random = new Random(3);
        var sketch = new SignSketch(64, 96);
        var rotated = new float[64];
        FillRandom(rotated, random);
        sketch.Set(70, rotated);

        sketch.Move(70, 5);

        Assert.Equal(sketch.SignsOf(70), sketch.SignsOf(5));
        Assert.Equal(sketch.InverseAlignment[70], sketch.InverseAlignment[5]);
        Assert.Equal(sketch.Error[70], sketch.Error[5]);
    }

    [Fact]
    public void Estimates_StayWithinTheirBounds_ForNearlyAllRandomPairs()
    {
        // The bound is probabilistic (2.5 standard deviations): about 1 estimate in 80 may leave it, not more.
        const int dims = 256;
        var rotation = new RandomRotation(dims, seed: 9);
        var sketch = new SignSketch(rotation.PaddedDimensions, 1024);
        var random = new Random(4);
        var vectors = new float[1024][];
        var rotated = new float[rotation.PaddedDimensions];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = Unit(random, dims);
            rotation.Rotate(vectors[i], rotated);
            sketch.Set(i, rotated);
        }

        var query = new SketchQuery();
        var sums = new ushort[32];
        int outside = 0;
        for (int q = 0; q < 8; q++)
        {
            // Queries correlated with a data point, so true scores span a useful range.
            float[] target = vectors[random.Next(vectors.Length)];
            float[] raw = Unit(random, dims);
            TensorPrimitives.Add(raw, target, raw);
            TensorPrimitives.Divide(raw, TensorPrimitives.Norm(raw), raw);
            query.Prepare(rotation, raw);
            for (int block = 0; block < 32; block++)
            {
                sketch.ScanBlock(block, query.Table, sums);
                for (int i = 0; i < 32; i++)
                {
                    int entry = block * 32 + i;
                    float estimate = (query.Offset + query.Step * sums[i]) * sketch.InverseAlignment[entry];
                    float bound = sketch.Error[entry] + query.TableError * sketch.InverseAlignment[entry];
                    float exact = TensorPrimitives.Dot(vectors[entry], raw);
                    outside += MathF.Abs(estimate - exact) > bound ? 1 : 0;
                }
            }
        }

        Assert.True(outside <= 8 * 1024 / 50, $"{outside} of {8 * 1024} estimates outside their bound");
    }

    private static float[] Unit(Random random, int dims)
    {
        var v = new float[dims];
        FillRandom(v, random);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static void FillRandom(float[] values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }
    }
}
