namespace CopilotBot.Routing;

/// <summary>The accounts the router may resolve names and ids against (the caller's workspace).</summary>
public interface IAccountDirectory
{
    /// <summary>The account with this id (case-insensitive), or null.</summary>
    AccountRef? FindById(string id);

    /// <summary>
    /// Accounts whose name appears in <paramref name="text"/> (a whole utterance), best first, at most
    /// <paramref name="max"/>. Implementations should scan the text for name spans and only return good
    /// matches; <see cref="AccountNameIndex"/> does this and can back any implementation.
    /// </summary>
    IReadOnlyList<AccountMatch> FindByName(string text, int max);
}
