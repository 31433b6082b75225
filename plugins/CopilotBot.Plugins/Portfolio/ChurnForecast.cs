namespace CopilotBot.Plugins.Portfolio;

/// <summary>
/// The distribution of churned ARR: expected value, the interval's ends, median, the number of draws, the standard
/// deviation of the draws, and the model-error spread (<see cref="ChurnForecast.ModelError"/>) the draws included.
/// </summary>
public sealed record ForecastDistribution(double Expected, double Low, double Median, double High, int Draws)
{
    public double StdDev { get; init; }

    public double ModelError { get; init; }

    /// <summary>The shared log-odds bias the draws included (negative when past forecasts ran high).</summary>
    public double ModelBias { get; init; }
}

/// <summary>One past forecast against what happened: the accounts as scored that day (probability, ARR) and the ARR that churned.</summary>
public sealed record PastForecast(IReadOnlyList<(double Probability, double Arr)> Inputs, double Actual);

/// <summary>
/// Monte Carlo over Bernoulli trials (one per account, churning with probability p and losing its ARR). Simulation
/// rather than the exact distribution because ARR values differ by three orders of magnitude, which makes the exact
/// sum's support huge; 10,000 seeded draws give the 5th/95th percentiles to about 1% of the total. Accounts with a
/// negligible probability (below 1e-5) are left out of the draws; the expectation is exact over all.
/// <para>
/// Independent trials alone give too narrow an interval: the model's probabilities are wrong together from one period
/// to the next (a quieter quarter, a wave of cancellations), not account by account. So each draw may also move every
/// account's odds by one shared factor e^z, z ~ N(0, σ²), where σ (<see cref="Calibrate"/>) is measured on the
/// workspace's own out-of-sample backtest: how far past forecasts missed beyond what account-level chance explains.
/// </para>
/// </summary>
public static class ChurnForecast
{
    public const int DefaultDraws = 10_000;

    /// <summary>Past results by their exact inputs; a forecast is asked again and again between score refreshes.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, CacheEntry> Cache = new();
    /// <summary>
    /// Entries kept before the cache starts over: one per scope (each CSM's book, each manager's team, the portfolio) and
    /// per distribution a forecast asks for (three horizons and six backtest dates, for each horizon asked), so some
    /// hundreds in a busy team; at 256 the cache emptied itself over and over under the load bench's mix and every
    /// forecast paid for its simulations again. An entry holds its scope's inputs (16 bytes an account).
    /// </summary>
    private const int CacheCapacity = 4096;

    /// <summary>
    /// The distribution for these inputs. The draws are seeded, so the same inputs always give the same answer: it is
    /// computed once (10,000 draws over a thousand accounts is tens of milliseconds, four of them per forecast question
    /// with the backtest) and then served from a cache keyed by the exact inputs (compared in full, not just hashed).
    /// </summary>
    /// <param name="modelErrorSamples">
    /// How many past forecasts <paramref name="modelError"/> was measured on (0: take it as known). From a handful, σ itself is
    /// uncertain, so the shared shift is drawn from the predictive distribution of a new period instead of a normal: Student's
    /// t with n − 1 degrees of freedom, scaled by √(1 + 1/n) — wider tails the fewer the past forecasts.
    /// </param>
    public static ForecastDistribution Simulate(IReadOnlyList<(double Probability, double Arr)> accounts, double interval = 0.9, int draws = DefaultDraws, ulong seed = 17, double modelError = 0, double modelBias = 0, int modelErrorSamples = 0)
    {
        var inputs = new (double, double)[accounts.Count];
        ulong key = 14695981039346656037UL ^ (ulong)BitConverter.DoubleToInt64Bits(interval) ^ ((ulong)(uint)draws << 32) ^ (seed * 0x9E3779B97F4A7C15UL)
            ^ ((ulong)BitConverter.DoubleToInt64Bits(modelError) * 31) ^ ((ulong)BitConverter.DoubleToInt64Bits(modelBias) * 131) ^ ((ulong)(uint)modelErrorSamples * 0xC2B2AE3D27D4EB4FUL);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = accounts[i];
            key = (key ^ (ulong)BitConverter.DoubleToInt64Bits(accounts[i].Probability)) * 1099511628211UL;
            key = (key ^ (ulong)BitConverter.DoubleToInt64Bits(accounts[i].Arr)) * 1099511628211UL;
        }

        if (Cache.TryGetValue(key, out CacheEntry? hit) && hit.Interval.Equals(interval) && hit.Draws == draws && hit.Seed == seed &&
            hit.ModelError.Equals(modelError) && hit.ModelBias.Equals(modelBias) && hit.ModelErrorSamples == modelErrorSamples && hit.Inputs.AsSpan().SequenceEqual(inputs))
        {
            return hit.Result;
        }

        ForecastDistribution result = Compute(inputs, interval, draws, seed, modelError, modelBias, modelErrorSamples);
        if (Cache.Count >= CacheCapacity)
        {
            Cache.Clear();
        }

        Cache[key] = new CacheEntry(inputs, interval, draws, seed, modelError, modelBias, modelErrorSamples, result);
        return result;
    }

    private sealed record CacheEntry((double, double)[] Inputs, double Interval, int Draws, ulong Seed, double ModelError, double ModelBias, int ModelErrorSamples, ForecastDistribution Result);

    /// <summary>
    /// Spread σ (and, with <paramref name="withBias"/>, bias b) of the shared log-odds shift, calibrated on past
    /// out-of-sample forecasts through the simulation itself: each past actual, placed in its own forecast's distribution
    /// (account-level chance and the shift), gets the normal score of its rank among the draws; for a calibrated forecast
    /// those scores have mean square 1 (and mean 0, which b solves, in turn with σ). σ is 0 when chance alone already
    /// spreads past actuals that widely. Measured in bench/CopilotBot.Bench.Forecast: across demo portfolios, σ alone
    /// brings the 90% interval's coverage from 70% (chance alone) and 75% (σ from log-space moments) to 88%; a bias
    /// estimated on a portfolio's own six earlier dates did not carry over to the next date (coverage fell), so the bot
    /// calibrates σ only. Null with fewer than three past forecasts. Cached by the exact inputs.
    /// </summary>
    public static (double Bias, double Spread)? Calibrate(IReadOnlyList<PastForecast> past, bool withBias = false, int draws = 1000, ulong seed = 29)
    {
        ArgumentNullException.ThrowIfNull(past);
        ulong key = (1469598103934665603UL ^ ((ulong)(uint)draws << 20) ^ seed) + (withBias ? 1UL : 0UL);
        foreach (PastForecast p in past)
        {
            key = (key ^ (ulong)BitConverter.DoubleToInt64Bits(p.Actual)) * 1099511628211UL;
            foreach ((double probability, double arr) in p.Inputs)
            {
                key = (key ^ (ulong)BitConverter.DoubleToInt64Bits(probability)) * 1099511628211UL;
                key = (key ^ (ulong)BitConverter.DoubleToInt64Bits(arr)) * 1099511628211UL;
            }
        }

        if (CalibrationCache.TryGetValue(key, out var hit) && hit.Draws == draws && hit.Seed == seed && hit.WithBias == withBias && hit.Past.Length == past.Count
            && hit.Past.Zip(past).All(x => x.First.Actual.Equals(x.Second.Actual) && x.First.Inputs.SequenceEqual(x.Second.Inputs)))
        {
            return hit.Result;
        }

        (double Bias, double Spread)? result = CalibrateUncached(past, withBias, draws, seed);
        if (CalibrationCache.Count >= 256)
        {
            CalibrationCache.Clear();
        }

        CalibrationCache[key] = ([.. past.Select(p => p with { Inputs = [.. p.Inputs] })], withBias, draws, seed, result);
        return result;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, (PastForecast[] Past, bool WithBias, int Draws, ulong Seed, (double Bias, double Spread)? Result)> CalibrationCache = new();

    private static (double Bias, double Spread)? CalibrateUncached(IReadOnlyList<PastForecast> past, bool withBias, int draws, ulong seed)
    {
        if (past.Count < 3)
        {
            return null;
        }

        double[] Scores(double bias, double sigma) => [.. past.Select(p =>
        {
            double[] totals = Draws(p.Inputs, draws, seed, sigma, bias, 0);
            int below = 0, equal = 0;
            foreach (double t in totals)
            {
                below += t < p.Actual ? 1 : 0;
                equal += t == p.Actual ? 1 : 0;
            }

            return InverseNormal(Math.Clamp((below + (0.5 * equal)) / draws, 0.5 / draws, 1 - (0.5 / draws)));
        })];

        static double Solve(Func<double, double> f, double lo, double hi)
        {
            // f decreasing on [lo, hi]: bisection for its root (an end when it has none there).
            if (f(lo) <= 0)
            {
                return lo;
            }

            if (f(hi) >= 0)
            {
                return hi;
            }

            for (int i = 0; i < 10; i++)
            {
                double mid = (lo + hi) / 2;
                (lo, hi) = f(mid) > 0 ? (mid, hi) : (lo, mid);
            }

            return (lo + hi) / 2;
        }

        if (!withBias)
        {
            return (0, Solve(x => Scores(0, x).Average(z => z * z) - 1, 0, 4));
        }

        // Centre, then spread, twice; ending on the spread, so the scores' mean square is 1 at the bias returned.
        double bias = 0, spread = 0.5;
        for (int round = 0; round < 2; round++)
        {
            double s = spread;
            // A higher bias raises every draw, so each actual's score falls: the mean score is decreasing in the bias.
            bias = Solve(x => Scores(x, s).Average(), -3, 3);
            double b = bias;
            spread = Solve(x => Scores(b, x).Average(z => z * z) - 1, 0, 4);
        }

        return (bias, spread);
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    private static double InverseNormal(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        if (p > 1 - 0.02425)
        {
            return -InverseNormal(1 - p);
        }

        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    private static ForecastDistribution Compute(IReadOnlyList<(double Probability, double Arr)> accounts, double interval, int draws, ulong seed, double modelError, double modelBias, int modelErrorSamples)
    {
        double expected = accounts.Sum(a => a.Probability * a.Arr);
        if (accounts.Count == 0)
        {
            return new ForecastDistribution(0, 0, 0, 0, draws);
        }

        double[] totals = Draws(accounts, draws, seed, modelError, modelBias, modelErrorSamples);
        double mean = totals.Average();
        // Corrected for the bias of past forecasts, the expectation is the draws' mean; otherwise the exact sum.
        expected = modelBias == 0 ? expected : mean;
        double sd = Math.Sqrt(totals.Sum(t => (t - mean) * (t - mean)) / Math.Max(1, draws - 1));
        Array.Sort(totals);
        double tail = (1 - interval) / 2;
        return new ForecastDistribution(expected, Quantile(totals, tail), Quantile(totals, 0.5), Quantile(totals, 1 - tail), draws)
        {
            StdDev = sd,
            ModelError = modelError,
            ModelBias = modelBias,
        };
    }

    /// <summary>The simulated churned-ARR totals, one per draw, unsorted.</summary>
    private static double[] Draws(IReadOnlyList<(double Probability, double Arr)> accounts, int draws, ulong seed, double modelError, double modelBias, int modelErrorSamples)
    {
        var totals = new double[draws];
        ulong state = seed;
        var drawn = accounts.Where(a => a.Probability >= 1e-5).ToList();
        double[] p = drawn.Select(a => a.Probability).ToArray();
        double[] arr = drawn.Select(a => a.Arr).ToArray();
        for (int d = 0; d < draws; d++)
        {
            double total = 0;
            if (modelError > 0 || modelBias != 0)
            {
                // Every account's odds times one shared factor this draw: p' = p·m / (1 − p + p·m).
                double m = Math.Exp(modelBias + (modelError * SharedShift(ref state, modelErrorSamples)));
                for (int i = 0; i < p.Length; i++)
                {
                    if (Next(ref state) * (1 - p[i] + (p[i] * m)) < p[i] * m)
                    {
                        total += arr[i];
                    }
                }
            }
            else
            {
                for (int i = 0; i < p.Length; i++)
                {
                    if (Next(ref state) < p[i])
                    {
                        total += arr[i];
                    }
                }
            }

            totals[d] = total;
        }

        return totals;
    }

    /// <summary>Probability of churn within <paramref name="days"/> from the model's 30- and 90-day probabilities.</summary>
    /// <remarks>Beyond 90 days there is no model: a constant hazard after day 90 is assumed, p(180) = 1 − (1 − p90)².</remarks>
    public static double WithinDays(int days, double p30, double p90) => days switch
    {
        <= 30 => p30,
        <= 90 => p90,
        _ => 1 - Math.Pow(1 - p90, days / 90.0),
    };

    private static double Quantile(double[] sorted, double q) => sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];

    /// <summary>
    /// The shared shift in units of σ: a standard normal when σ is known (<paramref name="samples"/> 0), else a draw of the
    /// predictive distribution for σ measured on n past forecasts — t with n − 1 degrees of freedom (a normal over the root
    /// of a χ² with n − 1 degrees of freedom, itself n − 1 squared normals, over n − 1) times √(1 + 1/n).
    /// </summary>
    private static double SharedShift(ref ulong state, int samples)
    {
        double z = Normal(ref state);
        if (samples < 2)
        {
            return z;
        }

        int df = samples - 1;
        double chi = 0;
        for (int k = 0; k < df; k++)
        {
            double n = Normal(ref state);
            chi += n * n;
        }

        return z / Math.Sqrt(Math.Max(chi, 1e-12) / df) * Math.Sqrt(1 + (1.0 / samples));
    }

    /// <summary>A standard normal draw (Box–Muller on two uniform draws).</summary>
    private static double Normal(ref ulong state)
    {
        double u1 = Math.Max(Next(ref state), double.Epsilon), u2 = Next(ref state);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Next(ref ulong state)
    {
        // SplitMix64: fast, seedable, and the same on every machine.
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }
}
