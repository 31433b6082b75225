using Microsoft.Data.Sqlite;

namespace CopilotBot.Workspace.Storage.Sqlite;

public sealed class SqliteWorkspaceMeta(SqliteDb db) : IWorkspaceMeta
{
    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT value FROM meta WHERE key = $k").With("$k", key);
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    public Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .With("$k", key).With("$v", value);
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}

public sealed class SqliteConversationStateStore(SqliteDb db) : IConversationStateStore
{
    public Task<string?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command("SELECT state FROM conversation_state WHERE conversation_id = $id").With("$id", conversationId);
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    public Task SetAsync(string conversationId, string state, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using SqliteConnection c = db.Open();
        using SqliteCommand cmd = c.Command(
            "INSERT INTO conversation_state(conversation_id, state, updated_at) VALUES($id, $s, $at) " +
            "ON CONFLICT(conversation_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at")
            .With("$id", conversationId).With("$s", state).With("$at", at.Db());
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}
