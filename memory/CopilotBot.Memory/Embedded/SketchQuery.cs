namespace CopilotBot.Memory.Embedded;

/// <summary>
/// A query prepared for <see cref="SignSketch"/> scans: rotated like the data, then one 16-entry table per group of 4
/// coordinates holding &lt;sign pattern, query&gt; for each pattern, quantised to bytes. Reused across queries.
/// </summary>
internal sealed class SketchQuery
{
    private float[] _rotated = [];
    private byte[] _table = [];

    /// <summary>The query after the collection's rotation (unit length).</summary>
    public ReadOnlySpan<float> Rotated => _rotated;

    /// <summary>Groups × 16 table bytes, in the layout the scan kernels read.</summary>
    public ReadOnlySpan<byte> Table => _table;

    /// <summary>Estimate of an entry before its own scale: <c>Offset + Step * sum</c> (sum from the block scan).</summary>
    public float Offset { get; private set; }

    public float Step { get; private set; }

    /// <summary>Worst-case error of the byte table summed over all groups, in the same units as Offset and Step.</summary>
    public float TableError { get; private set; }

    public void Prepare(RandomRotation rotation, ReadOnlySpan<float> query)
    {
        int bits = rotation.PaddedDimensions;
        int groups = bits / 4;
        if (_rotated.Length != bits)
        {
            _rotated = new float[bits];
            _table = new byte[groups * 16];
        }

        rotation.Rotate(query, _rotated);
        Span<float> exact = stackalloc float[16];
        float range = 0;
        for (int group = 0; group < groups; group++)
        {
            Fill(group, exact);
            range = Math.Max(range, Max(exact) - Min(exact));
        }

        // Sums of `groups` table bytes must fit 16 bits, so wide vectors get fewer levels per table.
        int levels = Math.Min(255, ushort.MaxValue / groups);
        float step = range > 0 ? range / levels : 1;
        double offset = 0;
        for (int group = 0; group < groups; group++)
        {
            Fill(group, exact);
            float min = Min(exact);
            offset += min;
            for (int pattern = 0; pattern < 16; pattern++)
            {
                _table[group * 16 + pattern] = (byte)Math.Clamp(MathF.Round((exact[pattern] - min) / step), 0, levels);
            }
        }

        // Estimates are <sign vector / sqrt(n), query>, so everything is divided by sqrt(n) here once.
        float norm = 1 / MathF.Sqrt(bits);
        Offset = (float)offset * norm;
        Step = step * norm;
        TableError = groups * step / 2 * norm;
    }

    // <pattern as a ±1 vector, the group's 4 query coordinates> for all 16 patterns (bit b set = coordinate b positive).
    private void Fill(int group, Span<float> exact)
    {
        ReadOnlySpan<float> q = _rotated.AsSpan(group * 4, 4);
        exact[0] = -(q[0] + q[1] + q[2] + q[3]);
        for (int pattern = 1; pattern < 16; pattern++)
        {
            int lowest = System.Numerics.BitOperations.TrailingZeroCount(pattern);
            exact[pattern] = exact[pattern & (pattern - 1)] + 2 * q[lowest];
        }
    }

    private static float Min(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.Min(values);

    private static float Max(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.Max(values);
}
