using Xunit.Sdk;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>
/// A [Fact] that is reported as skipped (never silently absent) in a class marked <see cref="PostgresTestsAttribute"/>
/// when <c>COPILOT_SKIP_POSTGRES=1</c>; otherwise an ordinary fact (and without a server it fails, saying why).
/// </summary>
[XunitTestCaseDiscoverer("CopilotBot.Storage.Tests.Infrastructure.StoreFactDiscoverer", "CopilotBot.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
}
