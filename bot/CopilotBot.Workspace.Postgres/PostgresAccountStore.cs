using System.Globalization;
using System.Text;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresAccountStore(NpgsqlDataSource db) : IAccountStore
{
    private const string Columns = PgUpserts.AccountColumns;

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command($"SELECT {Columns} FROM accounts WHERE id = @id").Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<Account>> ListAsync(AccountQuery query, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(string.Empty);
        var sql = new StringBuilder($"SELECT {Columns} FROM accounts WHERE true");
        if (query.OwnerIds is { } owners)
        {
            sql.Append(" AND owner_id = ANY(@owners)");
            cmd.Array("owners", NpgsqlDbType.Text, owners.ToArray());
        }

        if (query.Tier is { } tier)
        {
            sql.Append(" AND tier = @tier");
            cmd.Text("tier", tier.ToString());
        }

        if (query.Region is { } region)
        {
            sql.Append(" AND region = @region");
            cmd.Text("region", region.ToString());
        }

        if (query.Industry is { } industry)
        {
            // lower() under the "C" collation folds ASCII only, like SQLite's NOCASE.
            sql.Append(" AND lower(industry) = lower(@industry COLLATE \"C\")");
            cmd.Text("industry", industry);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            cmd.Enum("status", status);
        }

        sql.Append(" ORDER BY id");
        cmd.CommandText = sql.ToString();
        var list = new List<Account>();
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT count(*) FROM accounts");
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public Task<int> UpsertAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.AccountsAsync(c, tx, accounts, cancellationToken), cancellationToken);

    private static Account Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        Enum.Parse<Tier>(r.GetString(2)),
        r.GetDecimal(3),
        Enum.Parse<Region>(r.GetString(4)),
        r.GetString(5),
        r.Text(6),
        r.Date(7),
        r.Date(8),
        r.Int(9),
        Vocabulary.FromSnake<AccountStatus>(r.GetString(10)),
        r.Date(11));
}
