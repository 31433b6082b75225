using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Classification;

namespace CopilotBot.Routing.Tests.TestDoubles;

/// <summary>One router and one 1,000-account directory shared by the tests (both are immutable).</summary>
public static class TestRouter
{
    public static readonly DateOnly Now = new(2026, 2, 5);

    private static readonly Lazy<IntentRouter> LazyRouter = new(IntentRouter.CreateDefault);
    private static readonly Lazy<InMemoryAccountDirectory> LazyAccounts = new(() => new InMemoryAccountDirectory(DemoAccounts.Generate()));

    public static IntentRouter Router => LazyRouter.Value;

    public static InMemoryAccountDirectory Accounts => LazyAccounts.Value;

    public static RouteResult Route(string text, ConversationMemory? previous = null) =>
        Router.Route(text, new RoutingContext(Now, Accounts, previous));

    public static AccountRef Account(string id) => Accounts.FindById(id) ?? throw new InvalidOperationException($"No demo account {id}.");

    public static string EvalPath => Path.Combine(AppContext.BaseDirectory, "Data", "eval.jsonl");

    /// <summary>CLINC150's train and validation splits (CC BY 3.0), vendored in tests/Fixtures: the router is trained on them.</summary>
    public static string ClincPath => Fixtures.Path("clinc150-val.json");
}
