using System.Numerics.Tensors;
using CopilotBot.Memory.Embedded;

namespace CopilotBot.Memory.Tests.Embedded;

public sealed class RandomRotationTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(256)]
    [InlineData(1000)]
    public void Rotate_PreservesDotProducts_WhenDimensionsArePaddedOrNot(int dimensions)
    {
        var rotation = new RandomRotation(dimensions, seed: 3);
        var random = new Random(dimensions);
        float[] a = [.. Enumerable.Range(0, dimensions).Select(_ => random.NextSingle() - 0.5f)];
        float[] b = [.. Enumerable.Range(0, dimensions).Select(_ => random.NextSingle() - 0.5f)];
        var ra = new float[rotation.PaddedDimensions];
        var rb = new float[rotation.PaddedDimensions];

        rotation.Rotate(a, ra);
        rotation.Rotate(b, rb);

        Assert.Equal(TensorPrimitives.Norm(a), TensorPrimitives.Norm(ra), 3);
        Assert.Equal(TensorPrimitives.Dot(a, b), TensorPrimitives.Dot(ra, rb), 3);
    }

    [Fact]
    public void Rotate_SpreadsSparseVector_OverAllCoordinates()
    {
        var rotation = new RandomRotation(256, seed: 5);
        var sparse = new float[256];
        sparse[17] = 1;
        var rotated = new float[256];

        rotation.Rotate(sparse, rotated);

        // A one-hot vector's energy ends up spread over (nearly) every coordinate, none holding more than a few percent.
        Assert.True(rotated.Max(x => x * x) < 0.05f, $"largest share {rotated.Max(x => x * x):0.000}");
        Assert.True(rotated.Count(x => MathF.Abs(x) > 1e-3f) > 240);
    }

    [Fact]
    public void Hadamard_MatchesDefinition_WhenSixteenLong()
    {
        var random = new Random(1);
        float[] values = [.. Enumerable.Range(0, 16).Select(_ => random.NextSingle())];
        float[] expected = [.. Enumerable.Range(0, 16).Select(i => Enumerable.Range(0, 16).Sum(j => (System.Numerics.BitOperations.PopCount((uint)(i & j)) % 2 == 0 ? 1 : -1) * values[j]))];

        RandomRotation.Hadamard(values);

        Assert.Equal(expected, values, (x, y) => MathF.Abs(x - y) < 1e-4f);
    }
}
