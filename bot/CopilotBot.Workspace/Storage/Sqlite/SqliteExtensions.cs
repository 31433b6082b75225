using System.Globalization;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>Small helpers that keep the store classes about SQL, not about conversions.</summary>
internal static class SqliteExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a <c>BEGIN IMMEDIATE</c> transaction: the write lock is taken before anything is
    /// read, so a check-then-write (next id, chain tip, hourly cap) cannot interleave with another writer's, in this
    /// process or another. Commits on return, rolls back on an exception.
    /// </summary>
    public static T Immediate<T>(this SqliteConnection connection, Func<T> work)
    {
        using (SqliteCommand begin = connection.Command("BEGIN IMMEDIATE"))
        {
            begin.ExecuteNonQuery();
        }

        try
        {
            T result = work();
            using SqliteCommand commit = connection.Command("COMMIT");
            commit.ExecuteNonQuery();
            return result;
        }
        catch
        {
            using SqliteCommand rollback = connection.Command("ROLLBACK");
            rollback.ExecuteNonQuery();
            throw;
        }
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static SqliteParameter Param(this SqliteCommand command, string name)
    {
        SqliteParameter p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    public static SqliteParameter[] Params(this SqliteCommand command, params string[] names) =>
        Array.ConvertAll(names, command.Param);

    public static void Set(this SqliteParameter p, object? value) => p.Value = value ?? DBNull.Value;

    public static string? Text(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DateOnly? Date(this SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateOnly.ParseExact(r.GetString(i), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Instant(this SqliteDataReader r, int i) =>
        r.IsDBNull(i)
            ? null
            : DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static double? Real(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public static int? Int(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static string? Db(this DateOnly? date) => date is { } d ? Vocabulary.Format(d) : null;

    public static string Db(this DateOnly date) => Vocabulary.Format(date);

    public static string Db(this DateTimeOffset at) => Vocabulary.Format(at);

    public static string? Db(this DateTimeOffset? at) => at is { } a ? Vocabulary.Format(a) : null;
}
