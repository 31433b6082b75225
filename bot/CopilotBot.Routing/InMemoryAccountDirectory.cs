namespace CopilotBot.Routing;

/// <summary>An <see cref="IAccountDirectory"/> over a fixed list, for tests, the bench and demos.</summary>
public sealed class InMemoryAccountDirectory(IEnumerable<AccountRef> accounts) : IAccountDirectory
{
    private readonly AccountNameIndex _index = new(accounts);

    public int Count => _index.Count;

    public AccountRef? FindById(string id) => _index.FindById(id);

    public IReadOnlyList<AccountMatch> FindByName(string text, int max) => _index.Find(text, max);
}
