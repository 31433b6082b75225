using System.IO.Compression;
using System.Text;

namespace CopilotBot.Routing.Classification;

/// <summary>
/// The trained intent classifier: a multinomial logistic regression over hashed features, with weights
/// quantised to one signed byte per (feature, class) and a scale per class, so the embedded file stays
/// around a megabyte. Also carries the training vocabulary (to spot unknown names) and the SHA-256 of the
/// training inputs, so a test can tell when the committed file is stale.
/// </summary>
public sealed class RouterModel
{
    private const string Magic = "CBRM";
    private const int FormatVersion = 1;
    private const string ResourceName = "router-model.bin";

    private readonly sbyte[] _weights;
    private readonly float[] _scales;
    private readonly float[] _biases;
    private readonly HashSet<string> _vocabulary;

    internal RouterModel(string inputHash, IReadOnlyList<string> labels, sbyte[] weights, float[] scales, float[] biases, IEnumerable<string> vocabulary)
    {
        InputHash = inputHash;
        Labels = labels;
        _weights = weights;
        _scales = scales;
        _biases = biases;
        _vocabulary = new HashSet<string>(vocabulary, StringComparer.Ordinal);
    }

    /// <summary>Hex SHA-256 of everything the model was trained from (see <see cref="TrainingData.ComputeInputHash"/>).</summary>
    public string InputHash { get; }

    public IReadOnlyList<string> Labels { get; }

    public int VocabularySize => _vocabulary.Count;

    public bool IsKnownWord(string word) => _vocabulary.Contains(word);

    public static RouterModel LoadEmbedded()
    {
        using Stream stream = typeof(RouterModel).Assembly.GetManifestResourceStream("CopilotBot.Routing." + ResourceName)
            ?? throw new InvalidOperationException(
                "The router model is not embedded; train it with `dotnet run -c Release --project bench/CopilotBot.Bench.Router -- train`.");
        return Load(stream);
    }

    public static RouterModel Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (new string(reader.ReadChars(4)) != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("Not a router model file, or a different format version.");
        }

        string hash = reader.ReadString();
        int bits = reader.ReadInt32();
        if (bits != FeatureHasher.Bits)
        {
            throw new InvalidDataException($"Model uses {bits}-bit features; this build hashes into {FeatureHasher.Bits} bits.");
        }

        string[] labels = new string[reader.ReadInt32()];
        for (int c = 0; c < labels.Length; c++)
        {
            labels[c] = reader.ReadString();
        }

        float[] biases = ReadFloats(reader, labels.Length);
        float[] scales = ReadFloats(reader, labels.Length);
        string[] vocabulary = new string[reader.ReadInt32()];
        for (int v = 0; v < vocabulary.Length; v++)
        {
            vocabulary[v] = reader.ReadString();
        }

        var weights = new sbyte[(1 << bits) * labels.Length];
        using (var zlib = new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true))
        {
            zlib.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
        }

        return new RouterModel(hash, labels, weights, scales, biases, vocabulary);
    }

    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic.ToCharArray());
        writer.Write(FormatVersion);
        writer.Write(InputHash);
        writer.Write(FeatureHasher.Bits);
        writer.Write(Labels.Count);
        foreach (string label in Labels)
        {
            writer.Write(label);
        }

        foreach (float bias in _biases)
        {
            writer.Write(bias);
        }

        foreach (float scale in _scales)
        {
            writer.Write(scale);
        }

        string[] vocabulary = [.. _vocabulary.Order(StringComparer.Ordinal)];
        writer.Write(vocabulary.Length);
        foreach (string word in vocabulary)
        {
            writer.Write(word);
        }

        writer.Flush();
        using var zlib = new ZLibStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        zlib.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_weights.AsSpan()));
    }

    /// <summary>Class probabilities (softmax), in <see cref="Labels"/> order, for already-masked words.</summary>
    public double[] Predict(IReadOnlyList<string> maskedWords)
    {
        var features = new List<int>(256);
        FeatureHasher.Extract(maskedWords, features);
        int classes = Labels.Count;
        Span<double> raw = stackalloc double[classes];
        foreach (int feature in features)
        {
            int row = feature * classes;
            for (int c = 0; c < classes; c++)
            {
                raw[c] += _weights[row + c];
            }
        }

        // Features are binary and the vector is L2-normalised, so each counts 1/sqrt(n).
        double norm = features.Count == 0 ? 0 : 1.0 / Math.Sqrt(features.Count);
        var probabilities = new double[classes];
        double max = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            probabilities[c] = (raw[c] * _scales[c] * norm) + _biases[c];
            max = Math.Max(max, probabilities[c]);
        }

        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            probabilities[c] = Math.Exp(probabilities[c] - max);
            sum += probabilities[c];
        }

        for (int c = 0; c < classes; c++)
        {
            probabilities[c] /= sum;
        }

        return probabilities;
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }
}
