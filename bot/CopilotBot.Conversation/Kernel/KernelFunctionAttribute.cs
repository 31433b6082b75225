namespace CopilotBot.Conversation.Kernel;

/// <summary>
/// Marks a plugin method as callable by the kernel, under <c>plugin.name</c> in the catalog
/// (the same idea and name as Semantic Kernel's attribute, so a later swap is mechanical).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelFunctionAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>True when calling it changes something (creates a task, records an outcome, acts on accounts).</summary>
    public bool HasSideEffects { get; init; }

    /// <summary>Only a person's click may call it (a card button): never offered to the router or a language model.</summary>
    public bool ButtonOnly { get; init; }

    /// <summary>The lowest role that may call it; scope (which accounts) is checked separately.</summary>
    public Workspace.Domain.UserRole MinimumRole { get; init; } = Workspace.Domain.UserRole.Csm;
}
