namespace CopilotBot.Plugins.Portfolio;

/// <summary>
/// The distribution of churned ARR: expected value, the interval's ends, median, the number of draws, the standard
/// deviation of the draws, and the model-error spread (<see cref="ChurnForecast.ModelError"/>) the draws included.
/// </summary>
public sealed record ForecastDistribution(double Expected, double Low, double Median, double High, int Draws)
{
    public double StdDev { get; init; }

    public double ModelError { get; init; }
}

/// <summary>One past forecast against what happened: its expectation, the spread of its draws, and the churned ARR.</summary>
public readonly record struct ForecastOutcome(double Expected, double StdDev, double Actual);

/// <summary>
/// Monte Carlo over Bernoulli trials (one per account, churning with probability p and losing its ARR). Simulation
/// rather than the exact distribution because ARR values differ by three orders of magnitude, which makes the exact
/// sum's support huge; 10,000 seeded draws give the 5th/95th percentiles to about 1% of the total. Accounts with a
/// negligible probability (below 1e-5) are left out of the draws; the expectation is exact over all.
/// <para>
/// Independent trials alone give too narrow an interval: the model's probabilities are wrong together from one period
/// to the next (a quieter quarter, a wave of cancellations), not account by account. So each draw may also move every
/// account's odds by one shared factor e^z, z ~ N(0, σ²), where σ (<see cref="ModelError"/>) is measured on the
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
    /// σ of the shared log-odds shift, from past out-of-sample forecasts (method of moments): each miss is measured as
    /// r = ln((actual + c) / (expected + c)), and account-level chance, which the draws already hold, accounts for about
    /// (sd / (expected + c))² of r²; what is left, averaged, is σ². c, a twentieth of the average expectation, keeps a
    /// quiet period from counting as an infinite miss. Null with fewer than three past forecasts: too few to say.
    /// </summary>
    public static double? ModelError(IReadOnlyList<ForecastOutcome> past) => Measure(past)?.Spread;

    /// <summary>
    /// The model's error on past out-of-sample forecasts as a shift in log-odds: its mean (a bias: past forecasts ran
    /// high when negative) and its spread beyond account-level chance (see <see cref="ModelError"/>). Null with fewer
    /// than three past forecasts.
    /// </summary>
    public static (double Bias, double Spread)? Measure(IReadOnlyList<ForecastOutcome> past)
    {
        if (past.Count < 3)
        {
            return null;
        }

        double c = Math.Max(1, 0.05 * past.Average(p => p.Expected));
        double[] r = [.. past.Select(p => Math.Log((p.Actual + c) / (p.Expected + c)))];
        double chance = past.Average(p => Math.Pow(p.StdDev / (p.Expected + c), 2));
        double bias = r.Average();
        double variance = r.Sum(x => (x - bias) * (x - bias)) / (r.Length - 1);
        return (bias, Math.Sqrt(Math.Max(0, variance - chance)));
    }

    private static ForecastDistribution Compute(IReadOnlyList<(double Probability, double Arr)> accounts, double interval, int draws, ulong seed, double modelError, double modelBias, int modelErrorSamples)
    {
        double expected = accounts.Sum(a => a.Probability * a.Arr);
        if (accounts.Count == 0)
        {
            return new ForecastDistribution(0, 0, 0, 0, draws);
        }

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

        double mean = totals.Average();
        double sd = Math.Sqrt(totals.Sum(t => (t - mean) * (t - mean)) / Math.Max(1, draws - 1));
        Array.Sort(totals);
        double tail = (1 - interval) / 2;
        return new ForecastDistribution(expected, Quantile(totals, tail), Quantile(totals, 0.5), Quantile(totals, 1 - tail), draws)
        {
            StdDev = sd,
            ModelError = modelError,
        };
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
