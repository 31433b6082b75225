using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Memory.Embedded;

/// <summary>
/// One collection on disk: a SQLite file with the dimension in <c>meta</c> and one row per point (payload columns plus
/// the normalised vector as a little-endian float BLOB). The in-memory copy is rebuilt from it on open.
/// </summary>
internal sealed class CollectionFile : IDisposable
{
    private readonly SqliteConnection _connection;

    private CollectionFile(SqliteConnection connection, int dimensions)
    {
        _connection = connection;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public static CollectionFile Create(string path, int dimensions)
    {
        SqliteConnection connection = Connect(path);
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS points(
                id BLOB PRIMARY KEY, conversation_id TEXT NOT NULL, account_id TEXT, ts INTEGER NOT NULL, topic TEXT,
                sentiment REAL, chunk_index INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL) WITHOUT ROWID;
            """);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ('dimensions', $d)";
        command.Parameters.AddWithValue("$d", dimensions.ToString(CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        return new CollectionFile(connection, dimensions);
    }

    public static CollectionFile Open(string path)
    {
        SqliteConnection connection = Connect(path);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'dimensions'";
        object? value = command.ExecuteScalar();
        if (value is not string text)
        {
            connection.Dispose();
            throw new VectorStoreException($"Collection file {path} has no dimension record; it is not an embedded vector collection.");
        }

        return new CollectionFile(connection, int.Parse(text, CultureInfo.InvariantCulture));
    }

    public void Upsert(IReadOnlyList<VectorRecord> records)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO points(id, conversation_id, account_id, ts, topic, sentiment, chunk_index, text, vector)
            VALUES ($id, $conversation, $account, $ts, $topic, $sentiment, $chunk, $text, $vector)
            """;
        SqliteParameter id = command.Parameters.Add("$id", SqliteType.Blob);
        SqliteParameter conversation = command.Parameters.Add("$conversation", SqliteType.Text);
        SqliteParameter account = command.Parameters.Add("$account", SqliteType.Text);
        SqliteParameter ts = command.Parameters.Add("$ts", SqliteType.Integer);
        SqliteParameter topic = command.Parameters.Add("$topic", SqliteType.Text);
        SqliteParameter sentiment = command.Parameters.Add("$sentiment", SqliteType.Real);
        SqliteParameter chunkIndex = command.Parameters.Add("$chunk", SqliteType.Integer);
        SqliteParameter text = command.Parameters.Add("$text", SqliteType.Text);
        SqliteParameter vector = command.Parameters.Add("$vector", SqliteType.Blob);
        foreach (VectorRecord record in records)
        {
            MemoryChunk chunk = record.Chunk;
            id.Value = chunk.Id.ToByteArray();
            conversation.Value = chunk.ConversationId;
            account.Value = (object?)chunk.AccountId ?? DBNull.Value;
            ts.Value = chunk.Timestamp;
            topic.Value = (object?)chunk.Topic ?? DBNull.Value;
            sentiment.Value = (object?)chunk.Sentiment ?? DBNull.Value;
            chunkIndex.Value = chunk.ChunkIndex;
            text.Value = chunk.Text;
            vector.Value = MemoryMarshal.AsBytes(record.Vector.AsSpan()).ToArray();
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void Delete(IEnumerable<Guid> ids)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM points WHERE id = $id";
        SqliteParameter id = command.Parameters.Add("$id", SqliteType.Blob);
        foreach (Guid value in ids)
        {
            id.Value = value.ToByteArray();
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Reads every point into a new in-memory collection (sketches use <paramref name="seed"/>'s rotation).</summary>
    public VectorCollection Load(int seed)
    {
        using SqliteCommand count = _connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM points";
        var collection = new VectorCollection(Dimensions, (int)(long)count.ExecuteScalar()!, seed);
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT id, conversation_id, account_id, ts, topic, sentiment, chunk_index, text, vector FROM points";
        using SqliteDataReader reader = command.ExecuteReader();
        var vector = new float[Dimensions];
        while (reader.Read())
        {
            var chunk = new MemoryChunk(
                new Guid((byte[])reader.GetValue(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.GetInt32(6),
                reader.GetString(7));
            byte[] bytes = (byte[])reader.GetValue(8);
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(vector);
            collection.Upsert(chunk, vector);
        }

        return collection;
    }

    public void Dispose() => _connection.Dispose();

    private static SqliteConnection Connect(string path)
    {
        // No pooling: the store holds one connection per collection for its lifetime, and deleting a collection
        // must really close the file.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
