using CopilotBot.Workspace.Domain;

namespace CopilotBot.Conversation.Functions;

/// <summary>
/// What the filters need to know about a function, declared once next to its <c>[KernelFunction]</c>: whether calling it
/// changes something, whether only a person's click may call it, and the lowest role allowed. A function without this
/// attribute reads data only, may be offered to a model, and is open to every role (scope still applies).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FunctionPolicyAttribute : Attribute
{
    /// <summary>True when calling it changes something (creates a task, records an outcome, acts on accounts).</summary>
    public bool HasSideEffects { get; init; }

    /// <summary>Only a person's click may call it (a card button): never offered to the router or a language model.</summary>
    public bool ButtonOnly { get; init; }

    /// <summary>The lowest role that may call it; scope (which accounts) is checked separately.</summary>
    public UserRole MinimumRole { get; init; } = UserRole.Csm;

    internal FunctionPolicy ToPolicy() => new(HasSideEffects, ButtonOnly, MinimumRole);
}

/// <summary>A function's policy as the filters read it from <c>KernelFunction.Metadata.AdditionalProperties</c>.</summary>
public sealed record FunctionPolicy(bool HasSideEffects, bool ButtonOnly, UserRole MinimumRole)
{
    public static readonly FunctionPolicy ReadOnly = new(false, false, UserRole.Csm);
}

/// <summary>
/// Example utterances for the embedded router, declared next to a function: the router trains on them at start-up, so a
/// new plugin routes without editing the router's own data. Repeat the attribute, one utterance each.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class UtteranceAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
