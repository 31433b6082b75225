using CopilotBot.Llm;

namespace CopilotBot.Host;

/// <summary>The command line reads the language-model settings from the environment (Llm__Endpoint, Llm__ApiKey, …), as the web host does.</summary>
internal static class LlmSettings
{
    public static LlmOptions? FromEnvironment()
    {
        IConfiguration config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return config.GetSection(LlmOptions.SectionName).Get<LlmOptions>();
    }
}
