using System.Globalization;
using System.Text;

namespace CopilotBot.ML;

/// <summary>Equal-width reliability table: for well-calibrated probabilities each bin's observed rate ≈ its mean prediction.</summary>
public sealed class ReliabilityTable
{
    private ReliabilityTable(IReadOnlyList<ReliabilityBin> bins, double expectedCalibrationError)
    {
        Bins = bins;
        ExpectedCalibrationError = expectedCalibrationError;
    }

    /// <summary>The bins, lowest probability first.</summary>
    public IReadOnlyList<ReliabilityBin> Bins { get; }

    /// <summary>Count-weighted mean of |observed − predicted| over bins.</summary>
    public double ExpectedCalibrationError { get; }

    /// <summary>Builds the table with <paramref name="binCount"/> equal-width bins over [0, 1].</summary>
    public static ReliabilityTable Compute(ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities, int binCount = 10)
    {
        if (labels.Length != probabilities.Length)
        {
            throw new ArgumentException($"Got {labels.Length} labels but {probabilities.Length} probabilities.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        var counts = new int[binCount];
        var predictedSum = new double[binCount];
        var positives = new double[binCount];
        for (var i = 0; i < labels.Length; i++)
        {
            var p = probabilities[i];
            var bin = Math.Clamp((int)(p * binCount), 0, binCount - 1);
            counts[bin]++;
            predictedSum[bin] += p;
            positives[bin] += labels[i];
        }

        var bins = new List<ReliabilityBin>(binCount);
        double ece = 0;
        for (var b = 0; b < binCount; b++)
        {
            double? mean = counts[b] > 0 ? predictedSum[b] / counts[b] : null;
            double? observed = counts[b] > 0 ? positives[b] / counts[b] : null;
            if (counts[b] > 0)
            {
                ece += counts[b] * Math.Abs(observed!.Value - mean!.Value);
            }

            bins.Add(new ReliabilityBin((double)b / binCount, (double)(b + 1) / binCount, counts[b], mean, observed));
        }

        return new ReliabilityTable(bins, labels.Length > 0 ? ece / labels.Length : 0);
    }

    /// <summary>Plain-text table for a console.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine("bin           count  mean_pred  observed");
        foreach (var bin in Bins)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"[{bin.Lower:0.0}, {bin.Upper:0.0})  {bin.Count,6}  {Show(bin.MeanPredicted),9}  {Show(bin.ObservedRate),8}");
        }

        text.Append(CultureInfo.InvariantCulture, $"ECE = {ExpectedCalibrationError:0.0000}");
        return text.ToString();
    }

    private static string Show(double? value) =>
        value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
