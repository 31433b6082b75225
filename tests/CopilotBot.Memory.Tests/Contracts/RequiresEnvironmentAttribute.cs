namespace CopilotBot.Memory.Tests.Contracts;

/// <summary>Marks a test class whose <see cref="ContractFactAttribute"/> tests need an environment variable (e.g. a server URL).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresEnvironmentAttribute(string variable, string reason) : Attribute
{
    public string Variable { get; } = variable;

    public string Reason { get; } = reason;
}
