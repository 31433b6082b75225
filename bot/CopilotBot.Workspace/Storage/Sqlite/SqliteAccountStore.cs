using System.Globalization;
using System.Text;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteAccountStore(SqliteDb db) : IAccountStore
{
    private const string Columns =
        "id, name, tier, arr, region, industry, owner_id, renewal_date, signup_date, seats, status, churned_on";

    public Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command($"SELECT {Columns} FROM accounts WHERE id = $id").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<IReadOnlyList<Account>> ListAsync(AccountQuery query, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM accounts WHERE 1=1");
        if (query.OwnerIds is { } owners)
        {
            sql.Append(" AND owner_id IN (SELECT value FROM json_each($owners))");
            cmd.With("$owners", System.Text.Json.JsonSerializer.Serialize(owners));
        }

        if (query.Tier is { } tier)
        {
            sql.Append(" AND tier = $tier");
            cmd.With("$tier", tier.ToString());
        }

        if (query.Region is { } region)
        {
            sql.Append(" AND region = $region");
            cmd.With("$region", region.ToString());
        }

        if (query.Industry is { } industry)
        {
            sql.Append(" AND industry = $industry COLLATE NOCASE");
            cmd.With("$industry", industry);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = $status");
            cmd.With("$status", Vocabulary.ToSnake(status));
        }

        sql.Append(" ORDER BY id");
        cmd.CommandText = sql.ToString();
        var list = new List<Account>();
        using SqliteDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<Account>>(list);
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT count(*) FROM accounts");
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public Task<int> UpsertAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Upsert(c, tx, accounts);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    internal static int Upsert(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<Account> accounts)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM accounts WHERE id = $id", tx);
        SqliteParameter existsId = exists.Param("$id");
        using SqliteCommand cmd = c.Command(
            $"INSERT INTO accounts({Columns}) VALUES($id,$name,$tier,$arr,$region,$industry,$owner,$renewal,$signup,$seats,$status,$churned) " +
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, tier=excluded.tier, arr=excluded.arr, region=excluded.region, " +
            "industry=excluded.industry, owner_id=excluded.owner_id, renewal_date=excluded.renewal_date, " +
            "signup_date=excluded.signup_date, seats=excluded.seats, status=excluded.status, churned_on=excluded.churned_on",
            tx);
        SqliteParameter[] p = cmd.Params("$id", "$name", "$tier", "$arr", "$region", "$industry", "$owner", "$renewal", "$signup", "$seats", "$status", "$churned");
        int inserted = 0;
        foreach (Account a in accounts)
        {
            existsId.Set(a.Id);
            if (exists.ExecuteScalar() is null)
            {
                inserted++;
            }

            p[0].Set(a.Id);
            p[1].Set(a.Name);
            p[2].Set(a.Tier.ToString());
            p[3].Set((double)a.Arr);
            p[4].Set(a.Region.ToString());
            p[5].Set(a.Industry);
            p[6].Set(a.OwnerId);
            p[7].Set(a.RenewalDate.Db());
            p[8].Set(a.SignupDate.Db());
            p[9].Set(a.Seats);
            p[10].Set(Vocabulary.ToSnake(a.Status));
            p[11].Set(a.ChurnedOn.Db());
            cmd.ExecuteNonQuery();
        }

        return inserted;
    }

    private static Account Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        Enum.Parse<Tier>(r.GetString(2)),
        (decimal)r.GetDouble(3),
        Enum.Parse<Region>(r.GetString(4)),
        r.GetString(5),
        r.Text(6),
        r.Date(7),
        r.Date(8),
        r.Int(9),
        Vocabulary.FromSnake<AccountStatus>(r.GetString(10)),
        r.Date(11));
}
