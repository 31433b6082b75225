using System.ClientModel.Primitives;

namespace CopilotBot.Llm;

/// <summary>
/// Azure OpenAI takes the key in an <c>api-key</c> header rather than <c>Authorization: Bearer</c>. The OpenAI client
/// always adds the bearer header, so this runs just before the transport and swaps one for the other — otherwise the
/// key would travel twice.
/// </summary>
internal sealed class ApiKeyHeaderPolicy(string apiKey) : PipelinePolicy
{
    public const string HeaderName = "api-key";

    private readonly string _apiKey = apiKey;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        message.Request.Headers.Remove("Authorization");
        message.Request.Headers.Set(HeaderName, _apiKey);
    }
}
