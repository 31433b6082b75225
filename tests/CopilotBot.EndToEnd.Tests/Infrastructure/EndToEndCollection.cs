namespace CopilotBot.EndToEnd.Tests.Infrastructure;

/// <summary>The end-to-end tests share one bot process (seeding its workspace once) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<BotServer>
{
    public const string Name = "End to end";
}
