namespace CopilotBot.ML;

/// <summary>
/// Maps raw feature values to byte bins. Bin 0 is always "missing" (NaN, blank, or unknown category) so that
/// every split can learn where missing values go. Numeric features get up to <c>maxBins</c> quantile bins;
/// categorical features get one bin per frequent category plus an "other" bin for rare ones.
/// </summary>
internal sealed class FeatureBinner
{
    public const int MissingBin = 0;

    public FeatureBinner(FeatureKind[] kinds, double[]?[] numericCuts, int[]?[] categoryBins, int[] binCounts)
    {
        Kinds = kinds;
        NumericCuts = numericCuts;
        CategoryBins = categoryBins;
        BinCounts = binCounts;
    }

    public FeatureKind[] Kinds { get; }

    /// <summary>Ascending cut points per numeric feature: a value v lands in bin 1 + (number of cuts strictly below v).</summary>
    public double[]?[] NumericCuts { get; }

    /// <summary>Per categorical feature, category code → bin (0 when the category had no training rows).</summary>
    public int[]?[] CategoryBins { get; }

    /// <summary>Bins per feature including the missing bin.</summary>
    public int[] BinCounts { get; }

    public int FeatureCount => Kinds.Length;

    public static FeatureBinner Fit(TabularData data, int maxBins, int maxCategoryBins, int minCategoryCount)
    {
        var featureCount = data.Schema.Features.Count;
        var kinds = new FeatureKind[featureCount];
        var cuts = new double[]?[featureCount];
        var categoryBins = new int[]?[featureCount];
        var binCounts = new int[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            var spec = data.Schema.Features[f];
            kinds[f] = spec.Kind;
            if (spec.Kind == FeatureKind.Numeric)
            {
                cuts[f] = FitNumeric(data.NumericColumn(f), maxBins);
                binCounts[f] = cuts[f]!.Length + 2;
            }
            else
            {
                (categoryBins[f], binCounts[f]) = FitCategorical(data.CategoricalColumn(f), spec.Categories.Count, maxCategoryBins, minCategoryCount);
            }
        }

        return new FeatureBinner(kinds, cuts, categoryBins, binCounts);
    }

    public byte BinNumeric(int feature, double value)
    {
        if (double.IsNaN(value))
        {
            return MissingBin;
        }

        // Lower-bound search: the number of cuts strictly below the value.
        var cuts = NumericCuts[feature]!;
        int lo = 0, hi = cuts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cuts[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (byte)(lo + 1);
    }

    public byte BinCategory(int feature, int code) =>
        code < 0 ? (byte)MissingBin : (byte)CategoryBins[feature]![code];

    /// <summary>Bins every row into a row-major byte matrix (row r starts at r * FeatureCount).</summary>
    public byte[] BinRowMajor(TabularData data)
    {
        var featureCount = FeatureCount;
        var output = new byte[data.RowCount * featureCount];
        BinRowMajor(data, 0, data.RowCount, output);
        return output;
    }

    public void BinRowMajor(TabularData data, int startRow, int rowCount, Span<byte> output)
    {
        var featureCount = FeatureCount;
        for (var f = 0; f < featureCount; f++)
        {
            if (Kinds[f] == FeatureKind.Numeric)
            {
                var column = data.NumericColumn(f).Slice(startRow, rowCount);
                for (var r = 0; r < column.Length; r++)
                {
                    output[(r * featureCount) + f] = BinNumeric(f, column[r]);
                }
            }
            else
            {
                var column = data.CategoricalColumn(f).Slice(startRow, rowCount);
                for (var r = 0; r < column.Length; r++)
                {
                    output[(r * featureCount) + f] = BinCategory(f, column[r]);
                }
            }
        }
    }

    public void BinRow(TabularData data, int row, Span<byte> output)
    {
        for (var f = 0; f < FeatureCount; f++)
        {
            output[f] = Kinds[f] == FeatureKind.Numeric
                ? BinNumeric(f, data.NumericColumn(f)[row])
                : BinCategory(f, data.CategoricalColumn(f)[row]);
        }
    }

    private static double[] FitNumeric(ReadOnlySpan<double> column, int maxBins)
    {
        var values = new List<double>(column.Length);
        foreach (var v in column)
        {
            if (!double.IsNaN(v))
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return [];
        }

        values.Sort();
        var distinct = new List<double>();
        var counts = new List<int>();
        foreach (var v in values)
        {
            if (distinct.Count > 0 && distinct[^1] == v)
            {
                counts[^1]++;
            }
            else
            {
                distinct.Add(v);
                counts.Add(1);
            }
        }

        var cuts = new List<double>();
        if (distinct.Count <= maxBins)
        {
            for (var i = 0; i + 1 < distinct.Count; i++)
            {
                cuts.Add(Midpoint(distinct[i], distinct[i + 1]));
            }

            return [.. cuts];
        }

        // Equal-frequency bins over the sorted values; a heavy single value may fill several quantiles, in which
        // case it just gets one bin of its own.
        var perBin = (double)values.Count / maxBins;
        long cumulative = 0;
        var nextBoundary = perBin;
        for (var i = 0; i + 1 < distinct.Count && cuts.Count < maxBins - 1; i++)
        {
            cumulative += counts[i];
            if (cumulative >= nextBoundary)
            {
                cuts.Add(Midpoint(distinct[i], distinct[i + 1]));
                while (nextBoundary <= cumulative)
                {
                    nextBoundary += perBin;
                }
            }
        }

        return [.. cuts];
    }

    private static double Midpoint(double a, double b)
    {
        // Keep a <= cut < b even when a and b are adjacent doubles.
        var mid = a + ((b - a) / 2);
        return mid >= b || double.IsInfinity(mid) ? a : mid;
    }

    private static (int[] Bins, int BinCount) FitCategorical(ReadOnlySpan<int> codes, int categoryCount, int maxCategoryBins, int minCategoryCount)
    {
        var counts = new int[categoryCount];
        foreach (var code in codes)
        {
            if (code >= 0)
            {
                counts[code]++;
            }
        }

        // Frequent categories (by count, ties by code) get their own bin; rare ones share an "other" bin so a
        // split cannot isolate a handful of rows; categories absent from training behave like missing.
        var frequent = Enumerable.Range(0, categoryCount)
            .Where(c => counts[c] >= minCategoryCount)
            .OrderByDescending(c => counts[c])
            .ThenBy(c => c)
            .ToList();
        var hasRare = Enumerable.Range(0, categoryCount).Any(c => counts[c] > 0 && counts[c] < minCategoryCount);
        var ownBins = Math.Min(frequent.Count, maxCategoryBins - ((hasRare || frequent.Count > maxCategoryBins) ? 1 : 0));
        var kept = frequent.Take(ownBins).Order().ToList();
        var bins = new int[categoryCount];
        for (var i = 0; i < kept.Count; i++)
        {
            bins[kept[i]] = i + 1;
        }

        var otherBin = kept.Count + 1;
        var usesOther = false;
        for (var c = 0; c < categoryCount; c++)
        {
            if (bins[c] == 0 && counts[c] > 0)
            {
                bins[c] = otherBin;
                usesOther = true;
            }
        }

        return (bins, kept.Count + 1 + (usesOther ? 1 : 0));
    }
}
