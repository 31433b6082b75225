namespace CopilotBot.Memory.Embedded;

/// <summary>
/// Learns from real queries the nprobe at which an IVF index finds a target share of the exact top 10. A sampled query
/// is also answered exactly (off the caller's path); for each exact neighbour, the rank of its list among the query's
/// nearest centroids is counted, and nprobe becomes the smallest rank that covers the target share. Until
/// <see cref="MinSamples"/> queries have been sampled, the build-time calibration stands in. Samples fade (all counts
/// halve every <see cref="Window"/> samples), so the choice follows the query mix. Thread-safe.
/// </summary>
/// <remarks>
/// Why not calibrate at build time only: hashed n-gram vectors cluster weakly, and short questions sit much further
/// from their neighbours than any stored point does, so pseudo-queries made from stored points under-estimate the
/// lists real questions need (on TwACS, half as many as needed for the same recall).
/// </remarks>
internal sealed class RecallMonitor
{
    internal const int MinSamples = 32;
    internal const int Window = 1_024;
    internal const int SampleEvery = 50;

    private readonly long[] _found;
    private readonly Lock _lock = new();
    private long _total;
    private int _samples;
    private int _queries;
    private int _nprobe;

    public RecallMonitor(int nlist, double targetRecall, int initialNProbe)
    {
        _found = new long[nlist];
        TargetRecall = targetRecall;
        _nprobe = Math.Clamp(initialNProbe, 1, nlist);
    }

    public double TargetRecall { get; }

    /// <summary>The nprobe to use now.</summary>
    public int NProbe => Volatile.Read(ref _nprobe);

    /// <summary>Queries sampled so far.</summary>
    public int Samples => Volatile.Read(ref _samples);

    /// <summary>True for every query until there are enough samples, then for one query in <see cref="SampleEvery"/>.</summary>
    public bool ShouldSample()
    {
        int seen = Interlocked.Increment(ref _queries);
        return Samples < MinSamples || seen % SampleEvery == 0;
    }

    /// <summary>Adds one query: for each of its exact neighbours, the rank (0 = nearest) of the centroid it is filed under.</summary>
    public void Record(ReadOnlySpan<int> ranks)
    {
        lock (_lock)
        {
            foreach (int rank in ranks)
            {
                _found[rank]++;
            }

            _total += ranks.Length;
            _samples++;
            if (_samples % Window == 0)
            {
                for (int i = 0; i < _found.Length; i++)
                {
                    _found[i] /= 2;
                }

                _total = _found.Sum();
            }

            if (_samples >= MinSamples && _total > 0)
            {
                Volatile.Write(ref _nprobe, Choose());
            }
        }
    }

    /// <summary>Recall at nprobe <paramref name="nprobe"/> over the samples so far (the bench prints it).</summary>
    public double RecallAt(int nprobe)
    {
        lock (_lock)
        {
            return _total == 0 ? 0 : (double)_found.Take(nprobe).Sum() / _total;
        }
    }

    private int Choose()
    {
        long needed = (long)Math.Ceiling(TargetRecall * _total);
        long cumulative = 0;
        for (int n = 0; n < _found.Length; n++)
        {
            cumulative += _found[n];
            if (cumulative >= needed)
            {
                return n + 1;
            }
        }

        return _found.Length;
    }
}
