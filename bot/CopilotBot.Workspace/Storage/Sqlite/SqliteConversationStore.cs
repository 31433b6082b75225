using System.Globalization;
using System.Text;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteConversationStore(SqliteDb db) : IConversationStore
{
    private const string Columns = "id, account_id, started_at, topic, sentiment, channel, subject";

    public Task<SupportConversation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command($"SELECT {Columns} FROM conversations WHERE id = $id").With("$id", id);
        using SqliteDataReader r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public Task<IReadOnlyList<ConversationTurn>> GetTurnsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT conversation_id, seq, speaker, at, text FROM conversation_turns WHERE conversation_id = $id ORDER BY seq")
            .With("$id", conversationId);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<ConversationTurn>();
        while (r.Read())
        {
            list.Add(new ConversationTurn(
                r.GetString(0), r.GetInt32(1), Vocabulary.FromSnake<Speaker>(r.GetString(2)), r.Instant(3)!.Value, r.GetString(4)));
        }

        return Task.FromResult<IReadOnlyList<ConversationTurn>>(list);
    }

    public Task<IReadOnlyList<SupportConversation>> ListAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM conversations WHERE 1=1");
        if (accountId is not null)
        {
            sql.Append(" AND account_id = $account");
            cmd.With("$account", accountId);
        }

        if (from is { } f)
        {
            sql.Append(" AND started_at >= $from");
            cmd.With("$from", f.Db());
        }

        if (to is { } t)
        {
            sql.Append(" AND started_at < $to");
            cmd.With("$to", t.Db());
        }

        sql.Append(" ORDER BY started_at, id");
        cmd.CommandText = sql.ToString();
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<SupportConversation>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return Task.FromResult<IReadOnlyList<SupportConversation>>(list);
    }

    public Task<IReadOnlyList<ConversationTurn>> ListTurnsAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "SELECT t.conversation_id, t.seq, t.speaker, t.at, t.text FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id " +
            "WHERE ($a IS NULL OR c.account_id = $a) AND ($from IS NULL OR c.started_at >= $from) AND ($to IS NULL OR c.started_at < $to) " +
            "ORDER BY t.conversation_id, t.seq")
            .With("$a", accountId).With("$from", from.Db()).With("$to", to.Db());
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<ConversationTurn>();
        while (r.Read())
        {
            list.Add(new ConversationTurn(
                r.GetString(0), r.GetInt32(1), Vocabulary.FromSnake<Speaker>(r.GetString(2)), r.Instant(3)!.Value, r.GetString(4)));
        }

        return Task.FromResult<IReadOnlyList<ConversationTurn>>(list);
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT count(*) FROM conversations");
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public Task<int> UpsertAsync(
        IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> conversations,
        CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteTransaction tx = c.BeginTransaction();
        int inserted = Upsert(c, tx, conversations);
        tx.Commit();
        return Task.FromResult(inserted);
    }

    internal static int Upsert(
        SqliteConnection c,
        SqliteTransaction tx,
        IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> conversations)
    {
        using SqliteCommand exists = c.Command("SELECT 1 FROM conversations WHERE id = $id", tx);
        SqliteParameter eid = exists.Param("$id");
        using SqliteCommand header = c.Command(
            $"INSERT INTO conversations({Columns}) VALUES($id,$a,$at,$topic,$sent,$ch,$subj) " +
            "ON CONFLICT(id) DO UPDATE SET account_id=excluded.account_id, started_at=excluded.started_at, topic=excluded.topic, " +
            "sentiment=excluded.sentiment, channel=excluded.channel, subject=excluded.subject",
            tx);
        SqliteParameter[] hp = header.Params("$id", "$a", "$at", "$topic", "$sent", "$ch", "$subj");
        using SqliteCommand clear = c.Command("DELETE FROM conversation_turns WHERE conversation_id = $id", tx);
        SqliteParameter clearId = clear.Param("$id");
        using SqliteCommand turn = c.Command(
            "INSERT INTO conversation_turns(conversation_id, seq, speaker, at, text) VALUES($id,$seq,$sp,$at,$text)", tx);
        SqliteParameter[] tp = turn.Params("$id", "$seq", "$sp", "$at", "$text");
        int inserted = 0;
        foreach ((SupportConversation conv, IReadOnlyList<ConversationTurn> turns) in conversations)
        {
            eid.Set(conv.Id);
            bool isNew = exists.ExecuteScalar() is null;
            if (isNew)
            {
                inserted++;
            }

            hp[0].Set(conv.Id);
            hp[1].Set(conv.AccountId);
            hp[2].Set(conv.StartedAt.Db());
            hp[3].Set(conv.Topic);
            hp[4].Set(conv.Sentiment);
            hp[5].Set(conv.Channel);
            hp[6].Set(conv.Subject);
            header.ExecuteNonQuery();
            if (!isNew)
            {
                clearId.Set(conv.Id);
                clear.ExecuteNonQuery();
            }

            foreach (ConversationTurn t in turns)
            {
                tp[0].Set(conv.Id);
                tp[1].Set(t.Seq);
                tp[2].Set(Vocabulary.ToSnake(t.Speaker));
                tp[3].Set(t.At.Db());
                tp[4].Set(t.Text);
                turn.ExecuteNonQuery();
            }
        }

        return inserted;
    }

    private static SupportConversation Read(SqliteDataReader r) =>
        new(r.GetString(0), r.Text(1), r.Instant(2)!.Value, r.Text(3), r.Real(4), r.Text(5), r.Text(6));
}
