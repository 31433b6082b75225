namespace CopilotBot.ML;

/// <summary>
/// Maps a model margin (log-odds) to a calibrated probability. Fit it on out-of-fold margins (see
/// <see cref="CrossValidationResult.OutOfFoldMargins"/>) so it learns how the model errs on unseen rows,
/// then attach it with <see cref="GbdtModel.WithCalibrator"/>.
/// </summary>
public sealed class ProbabilityCalibrator
{
    // Isotonic fits can reach exactly 0 or 1 on a pure block; keep probabilities usable for log loss.
    private const double ProbabilityFloor = 1e-6;

    private readonly double[] _x;
    private readonly double[] _y;

    private ProbabilityCalibrator(CalibrationMethod method, double a, double b, double[] x, double[] y)
    {
        Method = method;
        PlattA = a;
        PlattB = b;
        _x = x;
        _y = y;
    }

    /// <summary>The fitted method.</summary>
    public CalibrationMethod Method { get; }

    /// <summary>Platt slope: p = sigmoid(A · margin + B).</summary>
    public double PlattA { get; }

    /// <summary>Platt intercept.</summary>
    public double PlattB { get; }

    /// <summary>Isotonic knots: margins (ascending).</summary>
    public IReadOnlyList<double> IsotonicMargins => _x;

    /// <summary>Isotonic knots: probabilities (non-decreasing).</summary>
    public IReadOnlyList<double> IsotonicProbabilities => _y;

    /// <summary>Fits the given method.</summary>
    public static ProbabilityCalibrator Fit(CalibrationMethod method, ReadOnlySpan<double> margins, ReadOnlySpan<int> labels) =>
        method == CalibrationMethod.Platt ? FitPlatt(margins, labels) : FitIsotonic(margins, labels);

    /// <summary>
    /// Platt scaling by Newton's method on the log loss, with Platt's smoothed targets
    /// ((N₊+1)/(N₊+2) and 1/(N₋+2)) so a separable calibration set does not push the slope to infinity.
    /// </summary>
    public static ProbabilityCalibrator FitPlatt(ReadOnlySpan<double> margins, ReadOnlySpan<int> labels)
    {
        Check(margins, labels);
        var positives = 0;
        foreach (var label in labels)
        {
            positives += label;
        }

        var negatives = labels.Length - positives;
        var highTarget = (positives + 1.0) / (positives + 2.0);
        var lowTarget = 1.0 / (negatives + 2.0);
        double a = 1, b = 0;
        var loss = PlattLoss(margins, labels, a, b, highTarget, lowTarget);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double gA = 0, gB = 0, hAA = 0, hAB = 0, hBB = 0;
            for (var i = 0; i < margins.Length; i++)
            {
                var p = GradientBoostingTrainer.Sigmoid((a * margins[i]) + b);
                var t = labels[i] == 1 ? highTarget : lowTarget;
                var d = p - t;
                var w = Math.Max(p * (1 - p), 1e-12);
                gA += d * margins[i];
                gB += d;
                hAA += w * margins[i] * margins[i];
                hAB += w * margins[i];
                hBB += w;
            }

            // Small ridge keeps the 2×2 Newton system solvable when all margins are equal.
            hAA += 1e-9;
            hBB += 1e-9;
            var det = (hAA * hBB) - (hAB * hAB);
            var stepA = ((hBB * gA) - (hAB * gB)) / det;
            var stepB = ((hAA * gB) - (hAB * gA)) / det;
            var scale = 1.0;
            var improved = false;
            while (scale > 1e-8)
            {
                var candidateA = a - (scale * stepA);
                var candidateB = b - (scale * stepB);
                var candidateLoss = PlattLoss(margins, labels, candidateA, candidateB, highTarget, lowTarget);
                if (candidateLoss <= loss)
                {
                    improved = loss - candidateLoss > 1e-12;
                    (a, b, loss) = (candidateA, candidateB, candidateLoss);
                    break;
                }

                scale /= 2;
            }

            if (!improved)
            {
                break;
            }
        }

        return new ProbabilityCalibrator(CalibrationMethod.Platt, a, b, [], []);
    }

    /// <summary>Isotonic regression of labels on margins (pool-adjacent-violators, tied margins pooled first).</summary>
    public static ProbabilityCalibrator FitIsotonic(ReadOnlySpan<double> margins, ReadOnlySpan<int> labels)
    {
        Check(margins, labels);
        var order = Enumerable.Range(0, margins.Length).ToArray();
        var keys = margins.ToArray();
        Array.Sort(keys, order);

        // Blocks: (sum of labels, weight, min margin, max margin).
        var sums = new List<double>();
        var weights = new List<double>();
        var lows = new List<double>();
        var highs = new List<double>();
        for (var i = 0; i < order.Length; i++)
        {
            var x = keys[i];
            var y = labels[order[i]];
            if (lows.Count > 0 && highs[^1] == x)
            {
                sums[^1] += y;
                weights[^1] += 1;
            }
            else
            {
                sums.Add(y);
                weights.Add(1);
                lows.Add(x);
                highs.Add(x);
            }

            while (sums.Count > 1 && sums[^2] / weights[^2] >= sums[^1] / weights[^1])
            {
                var last = sums.Count - 1;
                sums[last - 1] += sums[last];
                weights[last - 1] += weights[last];
                highs[last - 1] = highs[last];
                sums.RemoveAt(last);
                weights.RemoveAt(last);
                lows.RemoveAt(last);
                highs.RemoveAt(last);
            }
        }

        var knotsX = new List<double>();
        var knotsY = new List<double>();
        for (var k = 0; k < sums.Count; k++)
        {
            var value = Math.Clamp(sums[k] / weights[k], ProbabilityFloor, 1 - ProbabilityFloor);
            knotsX.Add(lows[k]);
            knotsY.Add(value);
            if (highs[k] > lows[k])
            {
                knotsX.Add(highs[k]);
                knotsY.Add(value);
            }
        }

        return new ProbabilityCalibrator(CalibrationMethod.Isotonic, 0, 0, [.. knotsX], [.. knotsY]);
    }

    /// <summary>Calibrated probability for a raw margin.</summary>
    public double Calibrate(double margin)
    {
        if (Method == CalibrationMethod.Platt)
        {
            return GradientBoostingTrainer.Sigmoid((PlattA * margin) + PlattB);
        }

        if (margin <= _x[0])
        {
            return _y[0];
        }

        if (margin >= _x[^1])
        {
            return _y[^1];
        }

        var hi = Array.BinarySearch(_x, margin);
        if (hi >= 0)
        {
            return _y[hi];
        }

        hi = ~hi;
        var lo = hi - 1;
        var t = (margin - _x[lo]) / (_x[hi] - _x[lo]);
        return _y[lo] + (t * (_y[hi] - _y[lo]));
    }

    internal static ProbabilityCalibrator Restore(CalibrationMethod method, double a, double b, double[] x, double[] y)
    {
        if (method == CalibrationMethod.Isotonic && (x.Length == 0 || x.Length != y.Length))
        {
            throw new InvalidDataException("Isotonic calibrator needs matching, non-empty knot lists.");
        }

        return new ProbabilityCalibrator(method, a, b, x, y);
    }

    private static double PlattLoss(ReadOnlySpan<double> margins, ReadOnlySpan<int> labels, double a, double b, double high, double low)
    {
        double loss = 0;
        for (var i = 0; i < margins.Length; i++)
        {
            var z = (a * margins[i]) + b;
            var t = labels[i] == 1 ? high : low;

            // -[t log σ(z) + (1-t) log(1-σ(z))] = log(1 + e^z) - t z, computed stably.
            loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - (t * z);
        }

        return loss;
    }

    private static void Check(ReadOnlySpan<double> margins, ReadOnlySpan<int> labels)
    {
        if (margins.Length != labels.Length || margins.Length == 0)
        {
            throw new ArgumentException("Calibration needs the same, non-zero number of margins and labels.");
        }
    }
}
