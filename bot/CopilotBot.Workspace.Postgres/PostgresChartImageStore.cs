using CopilotBot.Workspace.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CopilotBot.Workspace.Postgres;

/// <summary>Chart images shared by every instance on the database, so any instance can serve an image another one rendered.</summary>
public sealed class PostgresChartImageStore(NpgsqlDataSource db) : IChartImageStore
{
    public async Task SaveAsync(string hash, byte[] png, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO chart_images AS i(hash, png, saved_at) VALUES(@h, @p, @at) " +
            "ON CONFLICT(hash) DO UPDATE SET saved_at = greatest(i.saved_at, excluded.saved_at)")
            .Text("h", hash).Instant("at", at);
        cmd.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Bytea) { Value = png });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT png FROM chart_images WHERE hash = @h").Text("h", hash);
        return await cmd.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<int> PruneAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "DELETE FROM chart_images WHERE saved_at < @b " +
            "OR hash IN (SELECT hash FROM chart_images ORDER BY saved_at DESC, hash DESC OFFSET @keep)")
            .Instant("b", before).Int("keep", keep);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
