namespace CopilotBot.Routing;

/// <summary>
/// The router's decision for one utterance. <see cref="Intent"/> is a catalog name (see
/// <see cref="IntentCatalog"/>) or null; it is only safe to run when <see cref="Kind"/> is
/// <see cref="RouteKind.Routed"/>. For a clarification about the account, Intent names the intent that will
/// run once the user picks; for a clarification about the intent itself, Intent is null and the candidates
/// are in <see cref="Alternatives"/>.
/// </summary>
public sealed record RouteResult(
    RouteKind Kind,
    string? Intent,
    double Confidence,
    IReadOnlyDictionary<string, object> Slots,
    IReadOnlyList<IntentScore> Alternatives,
    string? Reason,
    ConversationMemory Memory);
