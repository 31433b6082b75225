using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>Opens pooled connections to one SQLite file and applies migrations once.</summary>
public sealed class SqliteDb
{
    private readonly string _connectionString;

    public SqliteDb(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Migrate();
    }

    public string Path { get; }

    internal string ConnectionString => _connectionString;

    public SqliteConnection Open()
    {
        if (!File.Exists(Path))
        {
            using var connection = new SqliteConnection(_connectionString);
            // The file (or its folder) went away under a running process. A pooled connection would still write into the
            // unlinked file, and a new one would create an empty database: both lose data silently. Fail instead, and
            // drop the pooled connections so the file is opened afresh once it is back.
            SqliteConnection.ClearPool(connection);
            throw new SqliteException($"The workspace database {Path} is not there (moved, deleted or its volume unmounted).", 14);
        }

        return OpenConnection();
    }

    /// <summary>Opens (creating the file if needed: only migration, at start-up, may create it).</summary>
    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL lets readers run beside one writer; busy_timeout makes concurrent writers wait instead of failing.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void Migrate()
    {
        using SqliteConnection connection = OpenConnection();
        using SqliteTransaction tx = connection.BeginTransaction();
        using SqliteCommand version = connection.CreateCommand();
        version.Transaction = tx;
        version.CommandText = "PRAGMA user_version";
        int current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > SqliteSchema.Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The workspace database {Path} has schema version {current}, newer than this build knows " +
                $"({SqliteSchema.Migrations.Length}). Upgrade CopilotBot or use another --workspace.");
        }

        for (int i = current; i < SqliteSchema.Migrations.Length; i++)
        {
            using SqliteCommand migrate = connection.CreateCommand();
            migrate.Transaction = tx;
            migrate.CommandText = SqliteSchema.Migrations[i] + $"\nPRAGMA user_version = {i + 1};";
            migrate.ExecuteNonQuery();
        }

        tx.Commit();
    }
}
