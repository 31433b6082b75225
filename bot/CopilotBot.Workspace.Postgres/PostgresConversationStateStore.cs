using CopilotBot.Workspace.Storage;
using Npgsql;

namespace CopilotBot.Workspace.Postgres;

public sealed class PostgresConversationStateStore(NpgsqlDataSource db) : IConversationStateStore
{
    public async Task<string?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command("SELECT state FROM conversation_state WHERE conversation_id = @id").Text("id", conversationId);
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string conversationId, string state, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection c = await db.OpenConnectionAsync(cancellationToken);
        await using NpgsqlCommand cmd = c.Command(
            "INSERT INTO conversation_state(conversation_id, state, updated_at) VALUES(@id, @s, @at) " +
            "ON CONFLICT(conversation_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at")
            .Text("id", conversationId).Text("s", state).Instant("at", at);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
