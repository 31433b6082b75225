namespace CopilotBot.Llm;

/// <summary>
/// Where the language model lives and how to talk to it. Bound from the <c>Llm</c> configuration section
/// (<c>Llm:Endpoint</c>, <c>Llm:ApiKey</c>, …; environment variables <c>Llm__Endpoint</c>, …). Provider differences
/// (key header, token-limit field) are configuration, not code, so one build serves OpenAI, Azure and local servers.
/// </summary>
public sealed class LlmOptions
{
    public const string SectionName = "Llm";

    /// <summary>The header style OpenAI, Ollama, vLLM and llama.cpp use.</summary>
    public const string BearerKeyHeader = "Bearer";

    /// <summary>The header style Azure OpenAI uses.</summary>
    public const string AzureKeyHeader = "api-key";

    public const string MaxTokens = "max_tokens";

    public const string MaxCompletionTokens = "max_completion_tokens";

    /// <summary>Base URL ending before <c>/chat/completions</c>: <c>https://api.openai.com/v1</c>, <c>http://localhost:11434/v1</c>, <c>{azure}/openai/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Secret. Never logged, never shown in a reply or an exception message.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model (or, on Azure's v1 API, the deployment name).</summary>
    public string? ChatModel { get; set; }

    /// <summary>Used by the semantic index, not by the router; kept here so all model settings live in one section.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>The whole turn's budget (every model call and tool call); past it the built-in router answers.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>How many rounds of tool calls the model may make before it must answer in words.</summary>
    public int MaxToolRounds { get; set; } = 4;

    /// <summary>How many tool calls of one round run; the model hears that the rest were not run.</summary>
    public int MaxCallsPerRound { get; set; } = 8;

    /// <summary>
    /// <c>openai</c> (default: OpenAI or any OpenAI-compatible server — Ollama, vLLM, LM Studio — through Semantic Kernel's
    /// OpenAI connector) or <c>azure</c> (Azure OpenAI through Semantic Kernel's Azure connector: <see cref="Endpoint"/> is the
    /// resource URL, <see cref="ChatModel"/> the deployment name, the key goes in <c>api-key</c>).
    /// </summary>
    public string Provider { get; set; } = OpenAiProvider;

    public const string OpenAiProvider = "openai";

    public const string AzureProvider = "azure";

    /// <summary><c>Bearer</c> (Authorization header) or <c>api-key</c> (Azure).</summary>
    public string KeyHeader { get; set; } = BearerKeyHeader;

    /// <summary><c>max_tokens</c> (local servers, older models) or <c>max_completion_tokens</c> (OpenAI reasoning models reject the former).</summary>
    public string MaxTokensField { get; set; } = MaxTokens;

    /// <summary>The token limit for one answer; null sends no limit.</summary>
    public int? MaxOutputTokens { get; set; } = 800;

    /// <summary>Null leaves the server's default, which reasoning models require.</summary>
    public float? Temperature { get; set; }

    /// <summary>Retries of 408/429/5xx and network failures by the client itself, within the turn's budget.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>True when an endpoint and a chat model are set; a key is optional because local servers ignore it.</summary>
    public static bool IsConfigured(LlmOptions? options) =>
        options is not null
        && Uri.TryCreate(options.Endpoint?.Trim(), UriKind.Absolute, out Uri? uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrWhiteSpace(options.ChatModel);
}
