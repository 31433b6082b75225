using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>Runs a unit of work in one transaction on a pooled connection, retried whole on deadlocks.</summary>
internal static class PgTransactions
{
    public static Task<T> WriteAsync<T>(
        NpgsqlDataSource db,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work,
        CancellationToken cancellationToken,
        bool retryUniqueViolation = false) =>
        PgRetry.RunAsync(
            async () =>
            {
                await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
                await using NpgsqlTransaction tx = await c.BeginTransactionAsync(cancellationToken);
                T result = await work(c, tx);
                await tx.CommitAsync(cancellationToken);
                return result;
            },
            cancellationToken,
            retryUniqueViolation);
}
