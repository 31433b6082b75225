using Npgsql;

namespace CopilotBot.Workspace.Postgres;

/// <summary>
/// The advisory locks that serialise what must not interleave across instances (they are per database, so separate
/// workspaces never wait on each other). Transaction-level locks are released at commit, after the commit is visible,
/// so the next holder's statements (READ COMMITTED: a fresh snapshot each) see everything the previous one wrote.
/// </summary>
internal static class AdvisoryLocks
{
    /// <summary>The first key of every CopilotBot lock ("CPBT"), so they stay apart from other applications' locks.</summary>
    public const int Space = 0x43504254;

    public const int Migrations = 1;
    public const int AuditChain = 2;
    public const int TaskIds = 3;
    public const int Interventions = 4;
    public const int Seed = 5;

    /// <summary>Takes a transaction-level lock on (<see cref="Space"/>, <paramref name="key"/>).</summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int key, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = connection.Command("SELECT pg_advisory_xact_lock(@space, @key)", tx).Int("space", Space).Int("key", key);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes a transaction-level lock keyed by text (64-bit hash; a separate key space from the pairs above).</summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string key, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = connection.Command("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", tx).Text("key", "copilot:" + key);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes a session-level lock keyed by text on a connection the caller keeps open while the work runs (work that
    /// lasts seconds and must not hold a transaction open); give it back with <see cref="UnlockSessionAsync"/>. A
    /// session that ends (the process died) releases it.
    /// </summary>
    public static async Task LockSessionAsync(NpgsqlConnection connection, string key, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = connection.Command("SELECT pg_advisory_lock(hashtextextended(@key, 0))").Text("key", "copilot:" + key);
        // The holder may work for longer than a command timeout (training a model): wait until it is done or the caller gives up.
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task UnlockSessionAsync(NpgsqlConnection connection, string key)
    {
        // Not the caller's token: the lock must be given back even when the work was cancelled.
        await using NpgsqlCommand cmd = connection.Command("SELECT pg_advisory_unlock(hashtextextended(@key, 0))").Text("key", "copilot:" + key);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
