using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresConversationReferenceStore(NpgsqlDataSource db) : IConversationReferenceStore
{
    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO conversation_refs(user_id, channel, conversation_id, reference, last_seen) VALUES(@u, @ch, @c, @r, @at) " +
            "ON CONFLICT(user_id, channel) DO UPDATE SET conversation_id = excluded.conversation_id, reference = excluded.reference, " +
            "last_seen = excluded.last_seen")
            .Text("u", reference.UserId).Text("ch", reference.Channel).Text("c", reference.ConversationId)
            .Text("r", reference.Reference).Instant("at", reference.LastSeen);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationReference>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "SELECT user_id, channel, conversation_id, reference, last_seen FROM conversation_refs WHERE user_id = @u " +
            "ORDER BY last_seen DESC, channel")
            .Text("u", userId);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationReference>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationReference(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.RequiredInstant(4)));
        }

        return list;
    }
}
