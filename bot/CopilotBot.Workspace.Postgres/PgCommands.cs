using CopilotBot.Workspace.Domain;
using Npgsql;
using NpgsqlTypes;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Small helpers that keep the store classes about SQL: typed parameters (so <c>@x IS NULL</c> needs no casts), and
/// the workspace's time resolution. Instants are stored as <c>timestamptz</c> truncated to the whole second, the
/// resolution the SQLite workspace has always had, so both providers compare, order and hash times identically.
/// </summary>
internal static class PgCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null) =>
        new(sql, connection, tx);

    public static NpgsqlCommand Text(this NpgsqlCommand command, string name, string? value) =>
        command.With(name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand Int(this NpgsqlCommand command, string name, int? value) =>
        command.With(name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand Long(this NpgsqlCommand command, string name, long? value) =>
        command.With(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand Real(this NpgsqlCommand command, string name, double? value) =>
        command.With(name, NpgsqlDbType.Double, value);

    public static NpgsqlCommand Money(this NpgsqlCommand command, string name, decimal? value) =>
        command.With(name, NpgsqlDbType.Numeric, value);

    public static NpgsqlCommand Date(this NpgsqlCommand command, string name, DateOnly? value) =>
        command.With(name, NpgsqlDbType.Date, value);

    public static NpgsqlCommand Instant(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.With(name, NpgsqlDbType.TimestampTz, value is { } v ? ToDb(v) : null);

    public static NpgsqlCommand Array<T>(this NpgsqlCommand command, string name, NpgsqlDbType elementType, T[] values)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values });
        return command;
    }

    public static NpgsqlCommand Enum<T>(this NpgsqlCommand command, string name, T value)
        where T : struct, System.Enum =>
        command.Text(name, Vocabulary.ToSnake(value));

    public static NpgsqlCommand Enum<T>(this NpgsqlCommand command, string name, T? value)
        where T : struct, System.Enum =>
        command.Text(name, value is { } v ? Vocabulary.ToSnake(v) : null);

    /// <summary>UTC, truncated to the whole second.</summary>
    public static DateTime ToDb(DateTimeOffset at)
    {
        long ticks = at.UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public static DateTime? ToDb(DateTimeOffset? at) => at is { } a ? ToDb(a) : null;

    public static string? Text(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DateOnly? Date(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);

    public static DateTimeOffset? Instant(this NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetFieldValue<DateTime>(i), DateTimeKind.Utc), TimeSpan.Zero);

    public static DateTimeOffset RequiredInstant(this NpgsqlDataReader r, int i) => r.Instant(i)!.Value;

    public static double? Real(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public static int? Int(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static decimal? Money(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    private static NpgsqlCommand With(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }
}
