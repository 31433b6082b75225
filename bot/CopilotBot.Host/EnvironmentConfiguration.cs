namespace CopilotBot.Host;

/// <summary>
/// The command line's configuration: environment variables (<c>Llm__Endpoint</c>, <c>Memory__Provider</c>, …), the same
/// keys the web host reads from appsettings or the environment.
/// </summary>
internal static class EnvironmentConfiguration
{
    public static IConfiguration Build() => new ConfigurationBuilder().AddEnvironmentVariables().Build();
}
