namespace CopilotBot.Routing;

/// <summary>What the caller should do with a <see cref="RouteResult"/>.</summary>
public enum RouteKind
{
    /// <summary>Run <see cref="RouteResult.Intent"/> with <see cref="RouteResult.Slots"/>.</summary>
    Routed,

    /// <summary>Ask <see cref="RouteResult.Reason"/>, offering <see cref="RouteResult.Alternatives"/> as buttons.</summary>
    Clarify,

    /// <summary>Not something this bot does; reply with what it can do.</summary>
    OutOfScope,

    /// <summary>The request cannot be served as given (empty, unknown account…); show <see cref="RouteResult.Reason"/>.</summary>
    Invalid,
}
