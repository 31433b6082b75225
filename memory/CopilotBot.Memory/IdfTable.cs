using System.Buffers.Binary;
using CopilotBot.Memory.Text;

namespace CopilotBot.Memory;

/// <summary>
/// Inverse document frequencies of hashed features, learned once from a corpus and then frozen. Frozen because vectors
/// embedded with different weights are not comparable; the table's fingerprint is part of the embedder id, so an index
/// built with one table refuses an embedder carrying another.
/// </summary>
public sealed class IdfTable
{
    private readonly Dictionary<ulong, float> _idf;

    private IdfTable(Dictionary<ulong, float> idf, int documents)
    {
        _idf = idf;
        Documents = documents;
        UnseenIdf = (float)(Math.Log(documents + 1.0) + 1.0);
        ulong fingerprint = FeatureHash.Combine((ulong)documents, (ulong)idf.Count);
        foreach ((ulong key, float value) in idf.OrderBy(p => p.Key).Take(4096))
        {
            fingerprint = FeatureHash.Combine(fingerprint, key ^ BitConverter.SingleToUInt32Bits(value));
        }

        Fingerprint = fingerprint.ToString("x16")[..8];
    }

    /// <summary>Documents the table was learned from.</summary>
    public int Documents { get; }

    /// <summary>Short stable hash of the table, used in the embedder id.</summary>
    public string Fingerprint { get; }

    /// <summary>Weight of a feature never seen while fitting: as rare as a feature can be.</summary>
    public float UnseenIdf { get; }

    internal int Count => _idf.Count;

    /// <summary>Learns smoothed idf, <c>ln((N + 1) / (df + 1)) + 1</c>, for every feature of <paramref name="corpus"/>.</summary>
    public static IdfTable Fit(IEnumerable<string> corpus)
    {
        var df = new Dictionary<ulong, int>();
        var seen = new HashSet<ulong>();
        int documents = 0;
        foreach (string text in corpus)
        {
            documents++;
            seen.Clear();
            HashingEmbedder.VisitFeatures(text, (block, hash, _) => seen.Add(FeatureKey(block, hash)));
            foreach (ulong key in seen)
            {
                df[key] = df.GetValueOrDefault(key) + 1;
            }
        }

        var idf = new Dictionary<ulong, float>(df.Count);
        foreach ((ulong key, int count) in df)
        {
            idf[key] = (float)(Math.Log((documents + 1.0) / (count + 1.0)) + 1.0);
        }

        return new IdfTable(idf, documents);
    }

    /// <summary>Writes the table (little-endian: documents, count, then key/value pairs).</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        Span<byte> buffer = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, Documents);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], _idf.Count);
        stream.Write(buffer[..8]);
        foreach ((ulong key, float value) in _idf)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, key);
            BinaryPrimitives.WriteSingleLittleEndian(buffer[8..], value);
            stream.Write(buffer);
        }
    }

    /// <summary>Reads a table written by <see cref="Save"/>.</summary>
    public static IdfTable Load(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> buffer = stackalloc byte[12];
        stream.ReadExactly(buffer[..8]);
        int documents = BinaryPrimitives.ReadInt32LittleEndian(buffer);
        int count = BinaryPrimitives.ReadInt32LittleEndian(buffer[4..]);
        var idf = new Dictionary<ulong, float>(count);
        for (int i = 0; i < count; i++)
        {
            stream.ReadExactly(buffer);
            idf[BinaryPrimitives.ReadUInt64LittleEndian(buffer)] = BinaryPrimitives.ReadSingleLittleEndian(buffer[8..]);
        }

        return new IdfTable(idf, documents);
    }

    internal float Weight(int block, ulong hash) => _idf.TryGetValue(FeatureKey(block, hash), out float value) ? value : UnseenIdf;

    private static ulong FeatureKey(int block, ulong hash) => hash ^ ((ulong)block << 62);
}
