using CopilotBot.Memory.Text;

namespace CopilotBot.Memory;

/// <summary>
/// Embeds text with no model download: signed feature hashing of three blocks, word unigrams, word bigrams and
/// character 3-5-grams of each word (with boundary marks, fastText style, so "delay" is near "delays" and typos still
/// match). Within a block a feature weighs <c>(1 + ln tf) * idf</c>, where idf comes from an <see cref="IdfTable"/>
/// when one is given and is 1 otherwise (the default: stop words are dropped by the tokenizer, so the fixed weighting
/// is plain sublinear tf and the index never needs re-embedding as the corpus grows). Each block is L2-normalised, then
/// they are mixed with fixed weights (unigrams 0.7, bigrams 0.4, char n-grams 0.6) and the sum is L2-normalised, so
/// cosine similarity is roughly a weighted sum of the three block similarities.
/// Measured on TwACS intent retrieval (precision@5, vector only): 1024 dims 0.280, 512 dims 0.263, 1024 dims with a
/// learned idf 0.240 (idf boosts typos and handles in short tweets), hence the default of 1024 dims and no idf.
/// </summary>
public sealed class HashingEmbedder : ITextEmbedder
{
    private const int Unigrams = 0;
    private const int Bigrams = 1;
    private const int CharGrams = 2;
    private static readonly float[] BlockWeights = [0.7f, 0.4f, 0.6f];
    private static readonly ulong[] Seeds = [0x5bd1e995UL, 0x27d4eb2fUL, 0x165667b1UL];

    private readonly IdfTable? _idf;

    public HashingEmbedder(int dimensions = 1024, IdfTable? idf = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 16);
        Dimensions = dimensions;
        _idf = idf;
        Id = idf is null ? $"hashing-v1-{dimensions}" : $"hashing-v1-{dimensions}-idf-{idf.Fingerprint}";
    }

    public string Id { get; }

    public int Dimensions { get; }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = new float[texts.Count][];
        // CPU-bound and independent per text: spread big batches over the cores, keep small ones on the caller's thread.
        if (texts.Count >= 32)
        {
            Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => vectors[i] = Embed(texts[i]));
        }
        else
        {
            for (int i = 0; i < texts.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                vectors[i] = Embed(texts[i]);
            }
        }

        return Task.FromResult(vectors);
    }

    /// <summary>The L2-normalised vector of one text (all zeros when the text has no kept token).</summary>
    public float[] Embed(string text)
    {
        var counts = new Dictionary<ulong, int>[] { new(), new(), new() };
        VisitFeatures(text, (block, hash, tf) => counts[block][hash] = counts[block].GetValueOrDefault(hash) + tf);

        var result = new float[Dimensions];
        var block = new float[Dimensions];
        for (int b = 0; b < counts.Length; b++)
        {
            if (counts[b].Count == 0)
            {
                continue;
            }

            Array.Clear(block);
            foreach ((ulong hash, int tf) in counts[b])
            {
                float weight = (1f + MathF.Log(tf)) * (_idf?.Weight(b, hash) ?? 1f);
                int index = (int)(hash % (ulong)Dimensions);
                // The top bit picks the sign, so collisions cancel out on average instead of piling up.
                block[index] += (hash >> 63) == 0 ? weight : -weight;
            }

            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(block);
            if (norm > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(block, BlockWeights[b] / norm, result, result);
            }
        }

        float total = System.Numerics.Tensors.TensorPrimitives.Norm(result);
        if (total > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(result, total, result);
        }

        return result;
    }

    /// <summary>Every feature of a text as (block, hash, count); shared with <see cref="IdfTable.Fit"/>.</summary>
    internal static void VisitFeatures(string text, Action<int, ulong, int> visit)
    {
        List<string> tokens = Tokenizer.Tokens(text);
        var wordHashes = new ulong[tokens.Count];
        for (int i = 0; i < tokens.Count; i++)
        {
            wordHashes[i] = FeatureHash.Of(tokens[i], Seeds[Unigrams]);
            visit(Unigrams, wordHashes[i], 1);
            if (i > 0)
            {
                visit(Bigrams, FeatureHash.Combine(wordHashes[i - 1], wordHashes[i]) ^ Seeds[Bigrams], 1);
            }
        }

        Span<char> marked = stackalloc char[48];
        foreach (IGrouping<string, string> word in tokens.GroupBy(t => t, StringComparer.Ordinal))
        {
            int count = word.Count();
            string w = word.Key;
            marked[0] = '<';
            w.AsSpan().CopyTo(marked[1..]);
            marked[w.Length + 1] = '>';
            ReadOnlySpan<char> span = marked[..(w.Length + 2)];
            for (int n = 3; n <= 5; n++)
            {
                for (int start = 0; start + n <= span.Length; start++)
                {
                    visit(CharGrams, FeatureHash.Of(span.Slice(start, n), Seeds[CharGrams]), count);
                }
            }
        }
    }
}
