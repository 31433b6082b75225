namespace CopilotBot.Memory;

/// <summary>How the embedded store searches a collection.</summary>
public enum SearchStrategy
{
    /// <summary>Exact below <see cref="EmbeddedStoreOptions.AnnThreshold"/> points, <see cref="Quantized"/> from there on.</summary>
    Auto,

    /// <summary>Score every point passing the filter with float SIMD dot products.</summary>
    Exact,

    /// <summary>
    /// Approximate: scan int8 codes (a quarter of the memory traffic), then re-score the best candidates with floats.
    /// Recall does not depend on how clustered the data is.
    /// </summary>
    Quantized,

    /// <summary>
    /// Approximate: IVF, scanning only the lists of the nearest centroids. Needs <c>BuildAnnIndex</c>; fast, but its
    /// recall collapses on weakly clustered vectors such as hashed n-grams (see the bench).
    /// </summary>
    Ivf,
}
