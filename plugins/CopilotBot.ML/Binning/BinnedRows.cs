namespace CopilotBot.ML;

/// <summary>
/// Rows already mapped to the model's byte bins, stored row-major. Scoring pre-binned rows skips parsing and
/// binary searches, which is what makes bulk scoring fast; create with <see cref="GbdtModel.Bin"/>.
/// </summary>
public sealed class BinnedRows
{
    internal BinnedRows(byte[] bins, int rowCount, int featureCount)
    {
        Bins = bins;
        RowCount = rowCount;
        FeatureCount = featureCount;
    }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Bytes per row.</summary>
    public int FeatureCount { get; }

    internal byte[] Bins { get; }

    /// <summary>Returns a table of <paramref name="rowCount"/> rows that cycles through these rows (for throughput tests).</summary>
    public BinnedRows Replicate(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var bins = new byte[rowCount * FeatureCount];
        var source = Bins.AsSpan();
        for (var offset = 0; offset < bins.Length; offset += source.Length)
        {
            var length = Math.Min(source.Length, bins.Length - offset);
            source[..length].CopyTo(bins.AsSpan(offset));
        }

        return new BinnedRows(bins, rowCount, FeatureCount);
    }
}
