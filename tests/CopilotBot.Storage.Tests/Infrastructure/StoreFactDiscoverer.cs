using Xunit.Abstractions;
using Xunit.Sdk;

namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests; see there.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        bool postgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresTestsAttribute)).Any();
        TestMethodDisplay display = discoveryOptions.MethodDisplayOrDefault();
        TestMethodDisplayOptions options = discoveryOptions.MethodDisplayOptionsOrDefault();
        yield return postgres && PostgresServer.SkipRequested
            ? new SkippedTestCase(diagnosticMessageSink, display, options, testMethod)
            : new XunitTestCase(diagnosticMessageSink, display, options, testMethod);
    }
}

/// <summary>A test case whose skip reason comes from the environment rather than from the attribute.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, options, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => PostgresServer.SkipReason;
}
