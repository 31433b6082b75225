using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteInterventionStore(SqliteDb db) : IInterventionStore
{
    private const string Columns = "id, account_id, kind, status, risk, created_at, created_by, draft, outcome_at, outcome_by, decided_by, decided_at";

    public Task<IReadOnlyList<Intervention>> ListAsync(string? accountId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            $"SELECT {Columns} FROM interventions WHERE ($a IS NULL OR account_id = $a) ORDER BY created_at, id")
            .With("$a", accountId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<Intervention>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<Intervention>>(list);
    }

    public Task<Intervention?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command($"SELECT {Columns} FROM interventions WHERE id = $id").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<ApprovalDecision> DecideAsync(string id, bool approve, string decidedBy, DateTimeOffset at, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand update = c.Command(
            "UPDATE interventions SET status = $status, decided_by = $by, decided_at = $at " +
            "WHERE id = $id AND status = 'pending_approval' AND created_at >= $expiry")
            .With("$status", approve ? "pending" : "rejected").With("$by", decidedBy).With("$at", at.Db())
            .With("$id", id).With("$expiry", expiredBefore.Db());
        return Task.FromResult(WhilePending(c, update, id));
    }

    public Task<ApprovalDecision> ReviseDraftAsync(string id, string draft, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand update = c.Command(
            "UPDATE interventions SET draft = $draft WHERE id = $id AND status = 'pending_approval' AND created_at >= $expiry")
            .With("$draft", draft).With("$id", id).With("$expiry", expiredBefore.Db());
        return Task.FromResult(WhilePending(c, update, id));
    }

    /// <summary>Runs a change guarded by "still waiting for its approver": applied, or why not (see <see cref="ApprovalDecisions.Of"/>).</summary>
    private static ApprovalDecision WhilePending(SqliteConnection c, SqliteCommand update, string id)
    {
        if (update.ExecuteNonQuery() == 1)
        {
            return ApprovalDecision.Applied;
        }

        using SqliteCommand current = c.Command("SELECT status FROM interventions WHERE id = $id").With("$id", id);
        return ApprovalDecisions.Of(current.ExecuteScalar() as string);
    }

    private static Intervention Read(SqliteDataReader r) =>
        new(
            r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<InterventionStatus>(r.GetString(3)),
            r.Real(4), r.Instant(5)!.Value, r.GetString(6), r.Text(7), r.Instant(8), r.Text(9))
        {
            DecidedBy = r.Text(10),
            DecidedAt = r.Instant(11),
        };

    public Task<int> UpsertAsync(IReadOnlyList<Intervention> interventions, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Upsert(c, tx, interventions);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    public Task<GuardedCreate> TryCreateAsync(Intervention intervention, int maxPerHour, int dedupeDays, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        return Task.FromResult(c.Immediate(() =>
        {
            // Everything created in the hour before this one counts, and so does anything stamped later by a concurrent
            // run whose clock was ahead: an upper bound here would let two overlapping runs each count only their own.
            using SqliteCommand recent = c.Command(
                "SELECT count(*) FROM interventions WHERE created_by = $by AND created_at > $since AND status NOT IN ('pending_approval', 'rejected')")
                .With("$by", intervention.CreatedBy).With("$since", intervention.CreatedAt.AddHours(-1).Db());
            using SqliteCommand duplicate = c.Command(
                "SELECT count(*) FROM interventions WHERE account_id = $a AND created_at > $since")
                .With("$a", intervention.AccountId).With("$since", intervention.CreatedAt.AddDays(-dedupeDays).Db());
            if (Convert.ToInt64(duplicate.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return GuardedCreate.Duplicate;
            }

            if (Convert.ToInt64(recent.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= maxPerHour)
            {
                return GuardedCreate.RateLimited;
            }

            WriteOne(c, intervention);
            return GuardedCreate.Created;
        }));
    }

    private static void WriteOne(SqliteConnection c, Intervention i)
    {
        using SqliteCommand cmd = c.Command(
            $"INSERT INTO interventions({Columns}) VALUES($id,$a,$k,$s,$r,$at,$by,$d,$oat,$oby,$dby,$dat)");
        cmd.With("$id", i.Id).With("$a", i.AccountId).With("$k", i.Kind).With("$s", Vocabulary.ToSnake(i.Status)).With("$r", i.Risk)
            .With("$at", i.CreatedAt.Db()).With("$by", i.CreatedBy).With("$d", i.Draft).With("$oat", i.OutcomeAt.Db()).With("$oby", i.OutcomeBy)
            .With("$dby", i.DecidedBy).With("$dat", i.DecidedAt.Db());
        cmd.ExecuteNonQuery();
    }

    internal static int Upsert(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<Intervention> interventions)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM interventions WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            $"INSERT INTO interventions({Columns}) VALUES($id,$a,$k,$s,$r,$at,$by,$d,$oat,$oby,$dby,$dat) " +
            "ON CONFLICT(id) DO UPDATE SET status=excluded.status, risk=excluded.risk, draft=excluded.draft, " +
            "outcome_at=excluded.outcome_at, outcome_by=excluded.outcome_by, decided_by=excluded.decided_by, decided_at=excluded.decided_at",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$a", "$k", "$s", "$r", "$at", "$by", "$d", "$oat", "$oby", "$dby", "$dat");
        int inserted = 0;
        foreach (Intervention i in interventions)
        {
            eid.Set(i.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(i.Id);
            p[1].Set(i.AccountId);
            p[2].Set(i.Kind);
            p[3].Set(Vocabulary.ToSnake(i.Status));
            p[4].Set(i.Risk);
            p[5].Set(i.CreatedAt.Db());
            p[6].Set(i.CreatedBy);
            p[7].Set(i.Draft);
            p[8].Set(i.OutcomeAt.Db());
            p[9].Set(i.OutcomeBy);
            p[10].Set(i.DecidedBy);
            p[11].Set(i.DecidedAt.Db());
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }
}
