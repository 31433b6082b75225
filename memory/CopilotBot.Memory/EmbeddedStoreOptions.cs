namespace CopilotBot.Memory;

/// <summary>Settings of the embedded vector store.</summary>
public sealed record EmbeddedStoreOptions
{
    public const string SectionName = "Memory:Embedded";

    /// <summary>
    /// Points at which <see cref="SearchStrategy.Auto"/> switches from exact to quantised search. Below it an exact scan
    /// costs a few milliseconds, so approximation buys little.
    /// </summary>
    public int AnnThreshold { get; init; } = 50_000;

    /// <summary>Candidates a quantised scan re-scores with floats (at least 10 × the limit).</summary>
    public int QuantizedCandidates { get; init; } = 100;

    /// <summary>IVF lists (<see cref="SearchStrategy.Ivf"/>); 0 picks about sqrt(points) when the index is built.</summary>
    public int NList { get; init; }

    /// <summary>IVF lists scanned per query; 0 picks max(8, nlist / 12).</summary>
    public int NProbe { get; init; }

    /// <summary>Seed of k-means, so index builds (and results) are reproducible.</summary>
    public int Seed { get; init; } = 17;
}
