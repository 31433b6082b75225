using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresInterventionStore(NpgsqlDataSource db) : IInterventionStore
{
    private const string Columns = PgUpserts.InterventionColumns;

    public async Task<IReadOnlyList<Intervention>> ListAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            $"SELECT {Columns} FROM interventions WHERE (@a IS NULL OR account_id = @a) ORDER BY created_at, id")
            .Text("a", accountId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<Intervention>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public async Task<Intervention?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command($"SELECT {Columns} FROM interventions WHERE id = @id").Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    public Task<int> UpsertAsync(IReadOnlyList<Intervention> interventions, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.InterventionsAsync(c, tx, interventions, cancellationToken), cancellationToken);

    public Task<GuardedCreate> TryCreateAsync(Intervention intervention, int maxPerHour, int dedupeDays, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(
            db,
            async (c, tx) =>
            {
                // Every guarded create in the database queues on this lock, so the counts below and the insert are one
                // step for every instance: two runs cannot both see 49 and both write the 50th.
                await AdvisoryLocks.LockAsync(c, tx, AdvisoryLocks.Interventions, cancellationToken);
                await using NpgsqlCommand duplicate = c.Command(
                    "SELECT count(*) FROM interventions WHERE account_id = @a AND created_at > @since", tx)
                    .Text("a", intervention.AccountId).Instant("since", intervention.CreatedAt.AddDays(-dedupeDays));
                if (Convert.ToInt64(await duplicate.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
                {
                    return GuardedCreate.Duplicate;
                }

                // As in SQLite: everything since an hour before counts, including rows stamped later by a run whose
                // clock was ahead; approval requests are not actions.
                await using NpgsqlCommand recent = c.Command(
                    "SELECT count(*) FROM interventions WHERE created_by = @by AND created_at > @since AND status NOT IN ('pending_approval', 'rejected')", tx)
                    .Text("by", intervention.CreatedBy).Instant("since", intervention.CreatedAt.AddHours(-1));
                if (Convert.ToInt64(await recent.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) >= maxPerHour)
                {
                    return GuardedCreate.RateLimited;
                }

                await using NpgsqlCommand insert = c.Command(
                    $"INSERT INTO interventions({Columns}) VALUES(@id, @a, @k, @s, @r, @at, @by, @d, @oat, @oby, @dby, @dat)", tx)
                    .Text("id", intervention.Id).Text("a", intervention.AccountId).Text("k", intervention.Kind)
                    .Enum("s", intervention.Status).Real("r", intervention.Risk).Instant("at", intervention.CreatedAt)
                    .Text("by", intervention.CreatedBy).Text("d", intervention.Draft).Instant("oat", intervention.OutcomeAt)
                    .Text("oby", intervention.OutcomeBy).Text("dby", intervention.DecidedBy).Instant("dat", intervention.DecidedAt);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                return GuardedCreate.Created;
            },
            cancellationToken);

    public async Task<ApprovalDecision> DecideAsync(string id, bool approve, string decidedBy, DateTimeOffset at, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        // A compare-and-set: a concurrent UPDATE of the same row waits for this one, then re-checks the WHERE against
        // the committed row (no longer pending_approval) and changes nothing.
        await using NpgsqlCommand update = c.Command(
            "UPDATE interventions SET status = @status, decided_by = @by, decided_at = @at " +
            "WHERE id = @id AND status = 'pending_approval' AND created_at >= @expiry")
            .Text("status", approve ? "pending" : "rejected").Text("by", decidedBy).Instant("at", at)
            .Text("id", id).Instant("expiry", expiredBefore);
        return await WhilePendingAsync(c, update, id, cancellationToken);
    }

    public async Task<ApprovalDecision> ReviseDraftAsync(string id, string draft, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        // The same compare-and-set as DecideAsync: a decision committed first leaves the draft as it was approved or rejected.
        await using NpgsqlCommand update = c.Command(
            "UPDATE interventions SET draft = @draft WHERE id = @id AND status = 'pending_approval' AND created_at >= @expiry")
            .Text("draft", draft).Text("id", id).Instant("expiry", expiredBefore);
        return await WhilePendingAsync(c, update, id, cancellationToken);
    }

    /// <summary>Runs a change guarded by "still waiting for its approver": applied, or why not (see <see cref="ApprovalDecisions.Of"/>).</summary>
    private static async Task<ApprovalDecision> WhilePendingAsync(NpgsqlConnection c, NpgsqlCommand update, string id, CancellationToken cancellationToken)
    {
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return ApprovalDecision.Applied;
        }

        await using NpgsqlCommand current = c.Command("SELECT status FROM interventions WHERE id = @id").Text("id", id);
        return ApprovalDecisions.Of(await current.ExecuteScalarAsync(cancellationToken) as string);
    }

    private static Intervention Read(NpgsqlDataReader r) =>
        new(
            r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<InterventionStatus>(r.GetString(3)),
            r.Real(4), r.RequiredInstant(5), r.GetString(6), r.Text(7), r.Instant(8), r.Text(9))
        {
            DecidedBy = r.Text(10),
            DecidedAt = r.Instant(11),
        };
}
