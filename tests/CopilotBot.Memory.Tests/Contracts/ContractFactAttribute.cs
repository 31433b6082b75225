using Xunit.Sdk;

namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>
/// A [Fact] for shared contract tests: declared once in the abstract base, it is skipped (with the reason given in
/// <see cref="RequiresEnvironmentAttribute"/>) in a subclass whose required environment variable is unset. A plain
/// FactAttribute cannot do this because its Skip cannot see which subclass it runs in; the discoverer can.
/// </summary>
[XunitTestCaseDiscoverer("CopilotBot.Memory.Tests.Contracts.ContractFactDiscoverer", "CopilotBot.Memory.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;
