using CopilotBot.Storage.Tests.Contracts;
using CopilotBot.Storage.Tests.Infrastructure;

namespace CopilotBot.Storage.Tests.Sqlite;

// Every store contract on SQLite (a fresh file per test in a temporary folder).
public sealed class SqliteAccountStoreTests(SqliteProvider provider) : AccountStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteUserStoreTests(SqliteProvider provider) : UserStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteActivityStoreTests(SqliteProvider provider) : ActivityStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteConversationStoreTests(SqliteProvider provider) : ConversationStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteTaskStoreTests(SqliteProvider provider) : TaskStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteInterventionStoreTests(SqliteProvider provider) : InterventionStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteAuditLogTests(SqliteProvider provider) : AuditLogContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteKeyValueStoreTests(SqliteProvider provider) : KeyValueStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteConversationReferenceStoreTests(SqliteProvider provider) : ConversationReferenceStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteInboundEventLogTests(SqliteProvider provider) : InboundEventLogContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteAlertStoreTests(SqliteProvider provider) : AlertStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteWorkspaceStoresTests(SqliteProvider provider) : WorkspaceStoresContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteRateLimitStoreTests(SqliteProvider provider) : RateLimitStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteChartImageStoreTests(SqliteProvider provider) : ChartImageStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteModelStoreTests(SqliteProvider provider) : ModelStoreContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteImportTests(SqliteProvider provider) : ImportContract(provider), IClassFixture<SqliteProvider>;

public sealed class SqliteGrowthStoreTests(SqliteProvider provider) : GrowthStoreContract(provider), IClassFixture<SqliteProvider>;
