using CopilotBot.Conversation.Grounding;
using CopilotBot.Conversation.Privacy;
using CopilotBot.Workspace;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace CopilotBot.Llm;

/// <summary>
/// <see cref="IGroundedWriter"/> on the configured chat model (Semantic Kernel's connector, the router's retries and
/// dialect): one request, no tools, within <c>Llm:TimeoutSeconds</c>, the material PII-masked when
/// <c>Privacy:MaskPiiInPrompts</c> is on. Any failure is null and a warning with the HTTP status at most: the answer it
/// would have added to goes out without it.
/// </summary>
public sealed class ModelWriter : IGroundedWriter
{
    private readonly LlmOptions _options;
    private readonly IChatCompletionService _chat;
    private readonly ILogger _logger;
    private readonly bool _maskPii;

    public ModelWriter(LlmOptions options, ILogger? logger = null, PrivacyOptions? privacy = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OpenAiModelRouter.Validate(options);
        _options = options;
        _chat = OpenAiModelRouter.CreateChatService(options);
        _logger = logger ?? NullLogger.Instance;
        _maskPii = privacy?.MaskPiiInPrompts ?? false;
    }

    public async Task<string?> WriteAsync(string instructions, string material, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        var history = new ChatHistory(instructions);
        history.AddUserMessage(_maskPii ? PiiMasker.Mask(material) ?? string.Empty : material);
        var settings = new OpenAIPromptExecutionSettings { MaxTokens = Math.Min(_options.MaxOutputTokens ?? 400, 400), Temperature = _options.Temperature };
        try
        {
            return (await _chat.GetChatMessageContentAsync(history, settings, cancellationToken: budget.Token)).Content;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            CopilotTelemetry.RecordError("llm", ex);
            _logger.LogWarning("The language model wrote no summary ({Reason}); the answer goes out without one.",
                ex is HttpOperationException { StatusCode: { } status } ? $"HTTP {(int)status}" : ex is OperationCanceledException ? "timed out" : ex.GetType().Name);
            return null;
        }
    }
}
