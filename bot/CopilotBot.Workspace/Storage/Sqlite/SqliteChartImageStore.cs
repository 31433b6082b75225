using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

/// <summary>Chart images in the SQLite file (a single instance serves its own from memory; this keeps both providers alike).</summary>
public sealed class SqliteChartImageStore(SqliteDb db) : IChartImageStore
{
    public Task SaveAsync(string hash, byte[] png, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO chart_images(hash, png, saved_at) VALUES($h, $p, $at) " +
            "ON CONFLICT(hash) DO UPDATE SET saved_at = max(saved_at, excluded.saved_at)")
            .With("$h", hash).With("$p", png).With("$at", at.Db());
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT png FROM chart_images WHERE hash = $h").With("$h", hash);
        return Task.FromResult(cmd.ExecuteScalar() as byte[]);
    }

    public Task<int> PruneAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "DELETE FROM chart_images WHERE saved_at < $b " +
            "OR hash IN (SELECT hash FROM chart_images ORDER BY saved_at DESC, hash DESC LIMIT -1 OFFSET $keep)")
            .With("$b", before.Db()).With("$keep", keep);
        return Task.FromResult(cmd.ExecuteNonQuery());
    }
}
