using System.ComponentModel.DataAnnotations;

namespace CopilotBot.Memory;

/// <summary>Settings of the embedded vector store.</summary>
public sealed record EmbeddedStoreOptions
{
    public const string SectionName = "Memory:Embedded";

    /// <summary>
    /// Points from which <see cref="SearchStrategy.Auto"/> answers from an IVF index (built when a collection reaches
    /// it) instead of exact search. Exact search (a sketch scan with float re-scoring) costs about 10 ms per million
    /// points on one core, so below this approximation buys little; see the memory bench.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int AnnThreshold { get; init; } = 500_000;

    /// <summary>IVF lists (<see cref="SearchStrategy.Ivf"/>); 0 picks about sqrt(points) when the index is built.</summary>
    [Range(0, 65_536)]
    public int NList { get; init; }

    /// <summary>IVF lists scanned per query; 0 uses the nprobe calibrated at build time for <see cref="TargetRecall"/>.</summary>
    [Range(0, 65_536)]
    public int NProbe { get; init; }

    /// <summary>Recall@10 against exact search that the IVF index's nprobe is calibrated for.</summary>
    [Range(0.5, 1.0)]
    public double TargetRecall { get; init; } = 0.97;

    /// <summary>Seed of k-means and of the sketch rotation, so index builds (and results) are reproducible.</summary>
    public int Seed { get; init; } = 17;
}
