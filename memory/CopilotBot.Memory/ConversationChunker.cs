using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CopilotBot.Memory;

/// <summary>Cuts conversations into chunks of whole turns with a one-turn overlap, and hashes their content.</summary>
public sealed class ConversationChunker(ChunkerOptions? options = null)
{
    // Fixed namespace for UUIDv5 chunk ids: changing it would orphan every stored vector.
    private static readonly Guid ChunkNamespace = new("6f1f4a0e-3b52-4c1e-9d0a-6a3c2b7e5d11");

    public ChunkerOptions Options { get; } = Validate(options ?? new ChunkerOptions());

    /// <summary>Stable UUIDv5 (RFC 4122, SHA-1) of "conversationId:chunkIndex"; Qdrant accepts UUID point ids.</summary>
    public static Guid ChunkId(string conversationId, int chunkIndex)
    {
        byte[] name = Encoding.UTF8.GetBytes(conversationId + ":" + chunkIndex.ToString(CultureInfo.InvariantCulture));
        Span<byte> input = stackalloc byte[16 + name.Length];
        ChunkNamespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The chunks of one conversation, in order, each carrying the conversation's payload.</summary>
    public IReadOnlyList<MemoryChunk> Chunk(SupportConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        List<string> lines = Lines(conversation);
        var chunks = new List<MemoryChunk>();
        long timestamp = conversation.StartedAt.ToUnixTimeSeconds();
        int start = 0;
        while (start < lines.Count)
        {
            int end = start;
            int chars = 0;
            while (end < lines.Count && end - start < Options.MaxTurns && (end == start || chars + lines[end].Length + 1 <= Options.MaxChars))
            {
                chars += lines[end].Length + 1;
                end++;
            }

            int index = chunks.Count;
            chunks.Add(new MemoryChunk(
                ChunkId(conversation.Id, index),
                conversation.Id,
                conversation.AccountId,
                timestamp,
                conversation.Topic,
                conversation.Sentiment,
                index,
                string.Join('\n', lines.GetRange(start, end - start))));
            if (end >= lines.Count)
            {
                break;
            }

            // Overlap only when the chunk holds more turns than the overlap, or the loop would not advance.
            start = end - start > Options.OverlapTurns ? end - Options.OverlapTurns : end;
        }

        return chunks;
    }

    /// <summary>
    /// SHA-256 over everything that shapes the stored chunks (payload, turns, chunker settings): equal hashes mean the
    /// stored vectors are still right and the conversation need not be embedded again.
    /// </summary>
    /// <summary>
    /// What is embedded for a chunk: its customer lines without the speaker prefix (all lines when it has none). What
    /// customers say is what questions are about; agents' stock replies ("please DM us") make unrelated conversations
    /// look alike, and leaving them out halves the tokens the sentence model reads. BM25 and evidence keep the whole chunk.
    /// </summary>
    public static string EmbeddingText(string chunkText)
    {
        ArgumentNullException.ThrowIfNull(chunkText);
        const string customer = "Customer: ";
        string[] lines = chunkText.Split('\n');
        string[] said = [.. lines.Where(l => l.StartsWith(customer, StringComparison.Ordinal)).Select(l => l[customer.Length..])];
        return said.Length > 0 ? string.Join('\n', said) : chunkText;
    }

    public string ContentHash(SupportConversation conversation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, conversation.Id);
        Append(hash, conversation.AccountId);
        Append(hash, conversation.StartedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Append(hash, conversation.Topic);
        Append(hash, conversation.Sentiment?.ToString("R", CultureInfo.InvariantCulture));
        // "e2": chunks are embedded by their customer lines (EmbeddingText); "e3": the catalog keeps each conversation's
        // vector for topic discovery. Older indexes embed again once.
        Append(hash, $"{Options.MaxTurns}/{Options.MaxChars}/{Options.OverlapTurns}/e3");
        foreach (ConversationTurn turn in conversation.Turns)
        {
            Append(hash, turn.Speaker.ToString());
            Append(hash, turn.Text);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        // Length-prefixed so ("ab","c") and ("a","bc") hash differently; -1 marks null.
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, value is null ? -1 : Encoding.UTF8.GetByteCount(value));
        hash.AppendData(length);
        if (value is not null)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(value));
        }
    }

    private List<string> Lines(SupportConversation conversation)
    {
        var lines = new List<string>();
        foreach (ConversationTurn turn in conversation.Turns)
        {
            string prefix = turn.Speaker == Speaker.Customer ? "Customer: " : "Agent: ";
            string text = turn.Text.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            int budget = Math.Max(100, Options.MaxChars - prefix.Length);
            while (text.Length > budget)
            {
                int cut = text.LastIndexOf(' ', budget);
                cut = cut < budget / 2 ? budget : cut;
                lines.Add(prefix + text[..cut].TrimEnd());
                text = text[cut..].TrimStart();
            }

            lines.Add(prefix + text);
        }

        return lines;
    }

    private static ChunkerOptions Validate(ChunkerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTurns, 1, nameof(options.MaxTurns));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxChars, 200, nameof(options.MaxChars));
        ArgumentOutOfRangeException.ThrowIfNegative(options.OverlapTurns, nameof(options.OverlapTurns));
        return options;
    }
}
