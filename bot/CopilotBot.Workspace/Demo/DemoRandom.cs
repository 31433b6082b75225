namespace CopilotBot.Workspace.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the demo data must be identical on every machine and .NET version,
/// which <see cref="Random"/> does not promise.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public DemoRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream for one purpose, so adding draws in one place does not shift another.</summary>
    public DemoRandom Fork(ulong salt) => new(NextULong() ^ (salt * 0x9E3779B97F4A7C15UL));

    public ulong NextULong()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, max).</summary>
    public int Next(int max) => max <= 0 ? 0 : (int)(NextDouble() * max);

    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    public double Uniform(double min, double max) => min + (NextDouble() * (max - min));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Standard normal via Box–Muller (one of the pair is discarded; simplicity beats speed here).</summary>
    public double Normal(double mean = 0, double sd = 1)
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Poisson by inversion; fine for the small rates used here.</summary>
    public int Poisson(double lambda)
    {
        double l = Math.Exp(-lambda);
        int k = 0;
        double p = 1;
        do
        {
            k++;
            p *= NextDouble();
        }
        while (p > l && k < 1000);
        return k - 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
