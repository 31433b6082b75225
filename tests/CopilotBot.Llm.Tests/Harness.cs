using CopilotBot.Conversation;
using CopilotBot.Conversation.Filters;
using CopilotBot.Conversation.Functions;
using CopilotBot.Routing;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.SemanticKernel;

namespace CopilotBot.Llm.Tests;

/// <summary>
/// One test's world: the scripted server, a real SQLite workspace (so the audit filter writes for real), a real kernel
/// with the production filters around <see cref="TestPlugin"/>, and a caller.
/// </summary>
public sealed class Harness : IAsyncDisposable
{
    public const string TestKey = "test-key";

    private readonly string _directory;

    private Harness(ScriptedOpenAiServer server, string directory)
    {
        Server = server;
        _directory = directory;
        Workspace = CopilotWorkspace.Open(directory);
        Plugin = new TestPlugin();
        var policy = new AccessPolicy(Workspace.Users, Workspace.Accounts);
        Kernel = new Kernel();
        Kernel.Plugins.Add(CopilotKernel.CreatePlugin("test", Plugin));
        foreach (IFunctionInvocationFilter filter in new IFunctionInvocationFilter[]
            { new AuthorizationFilter(policy), new ConfirmationFilter(), new AuditFilter(Workspace.Audit), new TimingFilter(), new ArgumentFilter() })
        {
            Kernel.FunctionInvocationFilters.Add(filter);
        }
        var now = new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);
        Caller = new CallerContext(
            new User("u-dana", "Dana Scully", "dana@example.com", UserRole.Csm, null), "test", "conv-1", DateOnly.FromDateTime(now.UtcDateTime), now, AccessScope.Everything);
    }

    public static string SystemPrompt { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "prompts", "system.md"));

    public ScriptedOpenAiServer Server { get; }

    public CopilotWorkspace Workspace { get; }

    public TestPlugin Plugin { get; }

    public Kernel Kernel { get; }

    public CallerContext Caller { get; }

    public static async Task<Harness> StartAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "copilotbot-llm-tests-" + Guid.NewGuid().ToString("N"));
        return new Harness(await ScriptedOpenAiServer.StartAsync(), directory);
    }

    public LlmOptions Options(Action<LlmOptions>? configure = null)
    {
        var options = new LlmOptions
        {
            Endpoint = Server.BaseUrl,
            ApiKey = TestKey,
            ChatModel = "test-model",
            // Generous: the suite runs test assemblies side by side on two cores, and the first turn JIT-compiles the connector.
            TimeoutSeconds = 30,
            // Most tests script exactly one answer per request; retries are tested on their own.
            MaxRetries = 0,
        };
        configure?.Invoke(options);
        return options;
    }

    public OpenAiModelRouter Router(Action<LlmOptions>? configure = null) => new(Options(configure), Kernel, SystemPrompt);

    public Task<ModelRoute?> RouteAsync(string text, Action<LlmOptions>? configure = null, ConversationMemory? memory = null, CancellationToken cancellationToken = default) =>
        Router(configure).RouteAsync(text, Caller, memory ?? ConversationMemory.Empty, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
    }
}
