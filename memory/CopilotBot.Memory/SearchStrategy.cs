namespace CopilotBot.Memory;

/// <summary>How the embedded store searches a collection.</summary>
public enum SearchStrategy
{
    /// <summary>
    /// <see cref="Quantized"/> below <see cref="EmbeddedStoreOptions.AnnThreshold"/>, <see cref="Ivf"/> from there on (the
    /// store builds the index when a collection reaches the threshold).
    /// </summary>
    Auto,

    /// <summary>Score every point passing the filter with float SIMD dot products: the reference the others are measured against.</summary>
    Exact,

    /// <summary>
    /// Exact top-k, faster: a scan of 1-bit sketches (a 32nd of the float vectors) gives every point an estimate and an
    /// error bound, and only points whose bound reaches the k-th best are re-scored with floats, so returned scores are
    /// exact and the top-k equals <see cref="Exact"/>'s unless an estimate strays outside its bound (recall@10 ≥ 0.999 in
    /// the bench). Selective filters score their posting lists directly.
    /// </summary>
    Quantized,

    /// <summary>
    /// Approximate: IVF, scanning only the sketches in the lists of the nearest centroids, then re-scoring as
    /// <see cref="Quantized"/> does. Built by <c>BuildAnnIndex</c> or automatically at the threshold; nprobe is calibrated
    /// at build time for <see cref="EmbeddedStoreOptions.TargetRecall"/>.
    /// </summary>
    Ivf,
}
