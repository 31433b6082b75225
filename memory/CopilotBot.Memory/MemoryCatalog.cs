using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Memory;

/// <summary>
/// The indexer's own record in SQLite: which embedder built the index, each conversation's content hash and chunk
/// count (for incremental indexing), every chunk's text and payload (to rebuild BM25 on open, whatever the store), each
/// conversation's vector (the mean of its chunks', for topic discovery) and the topics last discovered.
/// </summary>
internal sealed class MemoryCatalog : IDisposable
{
    private readonly SqliteConnection _connection;

    private MemoryCatalog(SqliteConnection connection) => _connection = connection;

    public static MemoryCatalog Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var catalog = new MemoryCatalog(connection);
        catalog.Execute("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS conversations(id TEXT PRIMARY KEY, account_id TEXT, hash TEXT NOT NULL, chunk_count INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks(
                id BLOB PRIMARY KEY, conversation_id TEXT NOT NULL, account_id TEXT, ts INTEGER NOT NULL, topic TEXT,
                sentiment REAL, chunk_index INTEGER NOT NULL, text TEXT NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS chunks_conversation ON chunks(conversation_id);
            CREATE INDEX IF NOT EXISTS conversations_account ON conversations(account_id);
            CREATE TABLE IF NOT EXISTS conversation_vectors(id TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS chunks_untopical ON chunks(conversation_id) WHERE topic IS NULL;
            CREATE TABLE IF NOT EXISTS topics(
                ordinal INTEGER PRIMARY KEY, name TEXT NOT NULL, terms TEXT NOT NULL, size INTEGER NOT NULL, centroid BLOB NOT NULL);
            """);
        return catalog;
    }

    public string? GetMeta(string key)
    {
        using SqliteCommand command = Command("SELECT value FROM meta WHERE key = $k");
        command.Parameters.AddWithValue("$k", key);
        return command.ExecuteScalar() as string;
    }

    public void SetMeta(string key, string value)
    {
        using SqliteCommand command = Command("INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)");
        command.Parameters.AddWithValue("$k", key);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }

    public Dictionary<string, IndexedConversation> LoadConversations()
    {
        var conversations = new Dictionary<string, IndexedConversation>(StringComparer.Ordinal);
        using SqliteCommand command = Command("SELECT id, account_id, hash, chunk_count FROM conversations");
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            conversations[reader.GetString(0)] = new IndexedConversation(reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
        }

        return conversations;
    }

    public IEnumerable<MemoryChunk> LoadChunks()
    {
        using SqliteCommand command = Command("SELECT id, conversation_id, account_id, ts, topic, sentiment, chunk_index, text FROM chunks");
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new MemoryChunk(
                new Guid((byte[])reader.GetValue(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.GetInt32(6),
                reader.GetString(7));
        }
    }

    /// <summary>Replaces the rows of these conversations (and their chunks) in one transaction.</summary>
    public void Save(IReadOnlyList<(string Id, IndexedConversation State, IReadOnlyList<MemoryChunk> Chunks, float[]? Vector)> conversations)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand upsert = Command("INSERT OR REPLACE INTO conversations(id, account_id, hash, chunk_count) VALUES ($id, $account, $hash, $count)", transaction);
        using SqliteCommand clear = Command("DELETE FROM chunks WHERE conversation_id = $id", transaction);
        using SqliteCommand insert = Command("""
            INSERT OR REPLACE INTO chunks(id, conversation_id, account_id, ts, topic, sentiment, chunk_index, text)
            VALUES ($id, $conversation, $account, $ts, $topic, $sentiment, $chunk, $text)
            """, transaction);
        using SqliteCommand clearVector = Command("DELETE FROM conversation_vectors WHERE id = $id", transaction);
        using SqliteCommand vector = Command("INSERT INTO conversation_vectors(id, vector) VALUES ($id, $vector)", transaction);
        foreach ((string id, IndexedConversation state, IReadOnlyList<MemoryChunk> chunks, float[]? conversationVector) in conversations)
        {
            clearVector.Parameters.Clear();
            clearVector.Parameters.AddWithValue("$id", id);
            clearVector.ExecuteNonQuery();
            if (conversationVector is not null)
            {
                vector.Parameters.Clear();
                vector.Parameters.AddWithValue("$id", id);
                vector.Parameters.AddWithValue("$vector", Bytes(conversationVector));
                vector.ExecuteNonQuery();
            }

            upsert.Parameters.Clear();
            upsert.Parameters.AddWithValue("$id", id);
            upsert.Parameters.AddWithValue("$account", (object?)state.AccountId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$hash", state.Hash);
            upsert.Parameters.AddWithValue("$count", state.ChunkCount);
            upsert.ExecuteNonQuery();
            clear.Parameters.Clear();
            clear.Parameters.AddWithValue("$id", id);
            clear.ExecuteNonQuery();
            foreach (MemoryChunk chunk in chunks)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$id", chunk.Id.ToByteArray());
                insert.Parameters.AddWithValue("$conversation", chunk.ConversationId);
                insert.Parameters.AddWithValue("$account", (object?)chunk.AccountId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$ts", chunk.Timestamp);
                insert.Parameters.AddWithValue("$topic", (object?)chunk.Topic ?? DBNull.Value);
                insert.Parameters.AddWithValue("$sentiment", (object?)chunk.Sentiment ?? DBNull.Value);
                insert.Parameters.AddWithValue("$chunk", chunk.ChunkIndex);
                insert.Parameters.AddWithValue("$text", chunk.Text);
                insert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    public void DeleteConversations(IEnumerable<string> ids)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand conversations = Command("DELETE FROM conversations WHERE id = $id", transaction);
        using SqliteCommand chunks = Command("DELETE FROM chunks WHERE conversation_id = $id", transaction);
        using SqliteCommand vectors = Command("DELETE FROM conversation_vectors WHERE id = $id", transaction);
        foreach (string id in ids)
        {
            foreach (SqliteCommand command in new[] { conversations, chunks, vectors })
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", id);
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>
    /// The conversations outside the topic vocabulary (no topic) that have a vector, each with its customer lines: what
    /// topic discovery clusters and names.
    /// </summary>
    public List<TopicInput> LoadUntopical()
    {
        var text = new Dictionary<string, System.Text.StringBuilder>(StringComparer.Ordinal);
        using (SqliteCommand command = Command("SELECT conversation_id, text FROM chunks WHERE topic IS NULL ORDER BY conversation_id, chunk_index"))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                string id = reader.GetString(0);
                if (!text.TryGetValue(id, out System.Text.StringBuilder? builder))
                {
                    text[id] = builder = new System.Text.StringBuilder();
                }

                builder.Append(ConversationChunker.EmbeddingText(reader.GetString(1))).Append('\n');
            }
        }

        var items = new List<TopicInput>(text.Count);
        using (SqliteCommand command = Command("SELECT id, vector FROM conversation_vectors"))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (text.TryGetValue(reader.GetString(0), out System.Text.StringBuilder? builder))
                {
                    items.Add(new TopicInput(reader.GetString(0), Floats((byte[])reader.GetValue(1)), builder.ToString()));
                }
            }
        }

        return items;
    }

    /// <summary>The vectors of those of <paramref name="ids"/> that are outside the topic vocabulary (and still indexed).</summary>
    public List<(string Id, float[] Vector)> LoadUntopicalVectors(IEnumerable<string> ids)
    {
        var found = new List<(string Id, float[] Vector)>();
        using SqliteCommand command = Command("""
            SELECT v.vector FROM conversation_vectors v
            WHERE v.id = $id AND EXISTS (SELECT 1 FROM chunks c WHERE c.conversation_id = $id AND c.topic IS NULL)
            """);
        foreach (string id in ids)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", id);
            if (command.ExecuteScalar() is byte[] bytes)
            {
                found.Add((id, Floats(bytes)));
            }
        }

        return found;
    }

    public TopicModel LoadTopics()
    {
        var topics = new List<DiscoveredTopic>();
        using SqliteCommand command = Command("SELECT name, terms, size, centroid FROM topics ORDER BY ordinal");
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            topics.Add(new DiscoveredTopic(reader.GetString(0), reader.GetString(1).Split('\n', StringSplitOptions.RemoveEmptyEntries), Floats((byte[])reader.GetValue(3)), reader.GetInt32(2)));
        }

        return new TopicModel(topics, int.Parse(GetMeta("topics_basis") ?? "0", CultureInfo.InvariantCulture));
    }

    public void SaveTopics(TopicModel model)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using (SqliteCommand clear = Command("DELETE FROM topics", transaction))
        {
            clear.ExecuteNonQuery();
        }

        using SqliteCommand insert = Command("INSERT INTO topics(ordinal, name, terms, size, centroid) VALUES ($o, $n, $t, $s, $c)", transaction);
        for (int i = 0; i < model.Topics.Count; i++)
        {
            DiscoveredTopic topic = model.Topics[i];
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$o", i);
            insert.Parameters.AddWithValue("$n", topic.Name);
            insert.Parameters.AddWithValue("$t", string.Join('\n', topic.Terms));
            insert.Parameters.AddWithValue("$s", topic.Size);
            insert.Parameters.AddWithValue("$c", Bytes(topic.Centroid));
            insert.ExecuteNonQuery();
        }

        using (SqliteCommand basis = Command("INSERT OR REPLACE INTO meta(key, value) VALUES ('topics_basis', $v)", transaction))
        {
            basis.Parameters.AddWithValue("$v", Format(model.Basis));
            basis.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static byte[] Bytes(float[] vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    private static float[] Floats(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using SqliteCommand command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the catalog knows of one indexed conversation.</summary>
internal sealed record IndexedConversation(string? AccountId, string Hash, int ChunkCount);
