using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>Discovers <see cref="ContractFactAttribute"/> tests, skipping them when the class's required variable is unset.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        Type? testClass = testMethod.TestClass.Class.ToRuntimeType();
        RequiresEnvironmentAttribute? requirement = testClass?.GetCustomAttribute<RequiresEnvironmentAttribute>();
        if (requirement is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(requirement.Variable)))
        {
            return
            [
                new XunitSkippedDataRowTestCase(
                    _sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, requirement.Reason),
            ];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
