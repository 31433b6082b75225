namespace CopilotBot.Memory;

/// <summary>Settings of <see cref="OpenAiCompatibleEmbedder"/> (OpenAI, Azure v1, Ollama, vLLM, llama.cpp).</summary>
public sealed class OpenAiEmbedderOptions
{
    public const string SectionName = "Memory:Embeddings";

    /// <summary>Base URL including the version segment, e.g. https://api.openai.com/v1 or http://localhost:11434/v1.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>, or as <c>api-key</c> when <see cref="UseApiKeyHeader"/> is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI takes the key in an <c>api-key</c> header instead of a bearer token.</summary>
    public bool UseApiKeyHeader { get; set; }

    public string Model { get; set; } = "text-embedding-3-small";

    /// <summary>Expected vector length; every response is checked against it.</summary>
    public int Dimensions { get; set; } = 1536;

    /// <summary>Send <c>dimensions</c> in the request (OpenAI text-embedding-3 can shorten vectors; older servers reject it).</summary>
    public bool SendDimensions { get; set; }

    /// <summary>Texts per request.</summary>
    public int BatchSize { get; set; } = 96;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
