using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// Re-runs a whole transaction when PostgreSQL aborted it for a reason that a retry fixes: a deadlock between two
/// batches that touch the same rows in different orders, or a unique-key race the transaction could not foresee.
/// </summary>
internal static class PgRetry
{
    private const int Attempts = 5;

    public static async Task<T> RunAsync<T>(Func<Task<T>> transaction, CancellationToken cancellationToken, bool retryUniqueViolation = false)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (PostgresException ex) when (attempt < Attempts && IsRetryable(ex, retryUniqueViolation))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), cancellationToken);
            }
        }
    }

    private static bool IsRetryable(PostgresException ex, bool retryUniqueViolation) =>
        ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
        || (retryUniqueViolation && ex.SqlState == PostgresErrorCodes.UniqueViolation);
}
