namespace CopilotBot.Storage.Tests.Infrastructure;

/// <summary>Marks a test class that needs the PostgreSQL server (see <see cref="PostgresServer"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostgresTestsAttribute : Attribute
{
}
