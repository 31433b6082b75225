using System.ComponentModel.DataAnnotations;

namespace CopilotBot.Memory;

/// <summary>Settings of the embedded vector store.</summary>
public sealed record EmbeddedStoreOptions
{
    public const string SectionName = "Memory:Embedded";

    /// <summary>
    /// Points of 1,024 dimensions from which <see cref="SearchStrategy.Auto"/> answers from an IVF index (built when a
    /// collection reaches it) instead of exact search. Exact search reads a 1-bit sketch of every point, so its cost
    /// grows with points × dimensions: shorter vectors switch at proportionally more points (256 dimensions: 4×).
    /// At the default, exact search reads about 50 MB of sketches, roughly 10 ms on one core (see the memory bench);
    /// below it approximation buys little.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int AnnThreshold { get; init; } = 400_000;

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
