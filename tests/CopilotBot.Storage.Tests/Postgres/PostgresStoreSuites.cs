using CopilotBot.Storage.Tests.Contracts;
using CopilotBot.Storage.Tests.Infrastructure;

namespace CopilotBot.Storage.Tests.Postgres;

// Every store contract on PostgreSQL (a fresh database per class on COPILOT_TEST_POSTGRES).
[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresAccountStoreTests(PostgresProvider provider) : AccountStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresUserStoreTests(PostgresProvider provider) : UserStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresActivityStoreTests(PostgresProvider provider) : ActivityStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresConversationStoreTests(PostgresProvider provider) : ConversationStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresTaskStoreTests(PostgresProvider provider) : TaskStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresInterventionStoreTests(PostgresProvider provider) : InterventionStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresAuditLogTests(PostgresProvider provider) : AuditLogContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresKeyValueStoreTests(PostgresProvider provider) : KeyValueStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresConversationReferenceStoreTests(PostgresProvider provider) : ConversationReferenceStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresInboundEventLogTests(PostgresProvider provider) : InboundEventLogContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresAlertStoreTests(PostgresProvider provider) : AlertStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresWorkspaceStoresTests(PostgresProvider provider) : WorkspaceStoresContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresRateLimitStoreTests(PostgresProvider provider) : RateLimitStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresChartImageStoreTests(PostgresProvider provider) : ChartImageStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresModelStoreTests(PostgresProvider provider) : ModelStoreContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresImportTests(PostgresProvider provider) : ImportContract(provider), IClassFixture<PostgresProvider>;

[PostgresTests]
[Trait("Category", "Integration")]
public sealed class PostgresGrowthStoreTests(PostgresProvider provider) : GrowthStoreContract(provider), IClassFixture<PostgresProvider>;
