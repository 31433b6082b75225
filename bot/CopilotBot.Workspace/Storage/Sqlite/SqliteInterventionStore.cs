using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteInterventionStore(SqliteDb db) : IInterventionStore
{
    private const string Columns = "id, account_id, kind, status, risk, created_at, created_by, draft, outcome_at, outcome_by";

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
            list.Add(new Intervention(
                r.GetString(0), r.GetString(1), r.GetString(2), Vocabulary.FromSnake<InterventionStatus>(r.GetString(3)),
                r.Real(4), r.Instant(5)!.Value, r.GetString(6), r.Text(7), r.Instant(8), r.Text(9)));
        }

        return Task.FromResult<IReadOnlyList<Intervention>>(list);
    }

    public Task<int> UpsertAsync(IReadOnlyList<Intervention> interventions, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Upsert(c, tx, interventions);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    internal static int Upsert(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<Intervention> interventions)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM interventions WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            $"INSERT INTO interventions({Columns}) VALUES($id,$a,$k,$s,$r,$at,$by,$d,$oat,$oby) " +
            "ON CONFLICT(id) DO UPDATE SET status=excluded.status, risk=excluded.risk, draft=excluded.draft, " +
            "outcome_at=excluded.outcome_at, outcome_by=excluded.outcome_by",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$a", "$k", "$s", "$r", "$at", "$by", "$d", "$oat", "$oby");
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
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }
}
