using System.Globalization;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresConversationStore(NpgsqlDataSource db) : IConversationStore
{
    private const string Columns = "id, account_id, started_at, topic, sentiment, channel, subject";

    public async Task<SupportConversation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command($"SELECT {Columns} FROM conversations WHERE id = @id").Text("id", id);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<ConversationTurn>> GetTurnsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT conversation_id, seq, speaker, at, text FROM conversation_turns WHERE conversation_id = @id ORDER BY seq")
            .Text("id", conversationId);
        return await ReadTurnsAsync(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<SupportConversation>> ListAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            $"SELECT {Columns} FROM conversations WHERE (@a IS NULL OR account_id = @a) " +
            "AND (@from IS NULL OR started_at >= @from) AND (@to IS NULL OR started_at < @to) ORDER BY started_at, id")
            .Text("a", accountId).Instant("from", from).Instant("to", to);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<SupportConversation>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(Read(r));
        }

        return list;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT count(*) FROM conversations");
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<ConversationTurn>> ListTurnsAsync(
        string? accountId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT t.conversation_id, t.seq, t.speaker, t.at, t.text FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id " +
            "WHERE (@a IS NULL OR c.account_id = @a) AND (@from IS NULL OR c.started_at >= @from) AND (@to IS NULL OR c.started_at < @to) " +
            "ORDER BY t.conversation_id, t.seq")
            .Text("a", accountId).Instant("from", from).Instant("to", to);
        return await ReadTurnsAsync(cmd, cancellationToken);
    }

    public Task<int> UpsertAsync(
        IReadOnlyList<(SupportConversation Conversation, IReadOnlyList<ConversationTurn> Turns)> conversations,
        CancellationToken cancellationToken = default) =>
        PgTransactions.WriteAsync(db, (c, tx) => PgUpserts.ConversationsAsync(c, tx, conversations, cancellationToken), cancellationToken);

    private static async Task<IReadOnlyList<ConversationTurn>> ReadTurnsAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationTurn>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationTurn(
                r.GetString(0), r.GetInt32(1), Vocabulary.FromSnake<Speaker>(r.GetString(2)), r.RequiredInstant(3), r.GetString(4)));
        }

        return list;
    }

    private static SupportConversation Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.Text(1), r.RequiredInstant(2), r.Text(3), r.Real(4), r.Text(5), r.Text(6));
}
