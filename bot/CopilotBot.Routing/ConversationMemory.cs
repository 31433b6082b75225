namespace CopilotBot.Routing;

/// <summary>
/// What the router remembers between turns of one conversation. The router returns the next memory in
/// <see cref="RouteResult.Memory"/>; after running the turn the caller records the accounts it showed with
/// <see cref="WithShownAccounts"/> (in display order) so "the second one" can be resolved.
/// </summary>
public sealed record ConversationMemory(
    string? Intent,
    IReadOnlyDictionary<string, object> Slots,
    AccountRef? Account,
    IReadOnlyList<AccountRef> ShownAccounts)
{
    /// <summary>
    /// The last turn asked which account was meant (a name matched several, or none was given) and nobody answered
    /// yet: a follow-up to that request ("make it due Monday") must not run it without one.
    /// </summary>
    public bool AwaitingAccount { get; init; }

    public static ConversationMemory Empty { get; } =
        new(null, new Dictionary<string, object>(), null, []);

    public ConversationMemory WithShownAccounts(IReadOnlyList<AccountRef> accounts) =>
        this with { ShownAccounts = accounts };
}
