using System.Globalization;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Applies the missing migrations at start-up, each in its own transaction with its row in <c>schema_migrations</c>.
/// A session-level advisory lock makes instances that start together take turns: the first migrates, the others then
/// find nothing left to do.
/// </summary>
internal static class PostgresMigrator
{
    public static async Task<int> MigrateAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using (NpgsqlCommand lockCmd = c.Command("SELECT pg_advisory_lock(@space, @key)")
            .Int("space", AdvisoryLocks.Space).Int("key", AdvisoryLocks.Migrations))
        {
            await lockCmd.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (NpgsqlCommand create = c.Command(
                "CREATE TABLE IF NOT EXISTS schema_migrations(" +
                "version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            int current;
            await using (NpgsqlCommand version = c.Command("SELECT coalesce(max(version), 0) FROM schema_migrations"))
            {
                current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }

            if (current > PostgresSchema.Migrations.Length)
            {
                throw new WorkspaceException(
                    $"The PostgreSQL database {c.Host}:{c.Port}/{c.Database} has schema version {current}, newer than this build knows " +
                    $"({PostgresSchema.Migrations.Length}). Upgrade CopilotBot or point Storage:ConnectionString at another database.");
            }

            for (int i = current; i < PostgresSchema.Migrations.Length; i++)
            {
                (string description, string sql) = PostgresSchema.Migrations[i];
                await using NpgsqlTransaction tx = await c.BeginTransactionAsync(cancellationToken);
                await using (NpgsqlCommand migrate = c.Command(sql, tx))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (NpgsqlCommand record = c.Command(
                    "INSERT INTO schema_migrations(version, description) VALUES(@v, @d)", tx).Int("v", i + 1).Text("d", description))
                {
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await tx.CommitAsync(cancellationToken);
            }

            return PostgresSchema.Migrations.Length - current;
        }
        finally
        {
            // Not the caller's token: the lock must be given back even when start-up was cancelled.
            await using NpgsqlCommand unlock = c.Command("SELECT pg_advisory_unlock(@space, @key)")
                .Int("space", AdvisoryLocks.Space).Int("key", AdvisoryLocks.Migrations);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
