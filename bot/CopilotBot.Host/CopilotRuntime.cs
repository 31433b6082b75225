using CopilotBot.Conversation.Grounding;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Filters;
using CopilotBot.Conversation.Functions;
using CopilotBot.Conversation.Privacy;
using CopilotBot.Llm;
using CopilotBot.Plugins;
using CopilotBot.Plugins.Alerts;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Crm;
using CopilotBot.Plugins.Growth;
using CopilotBot.Plugins.Growth.Planning;
using CopilotBot.Plugins.Interventions;
using CopilotBot.Plugins.Portfolio;
using CopilotBot.Plugins.Renewals;
using CopilotBot.Plugins.Support;
using CopilotBot.Routing;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using Microsoft.SemanticKernel;

namespace CopilotBot.Host;

/// <summary>
/// The composition root shared by the command line and the web host: the workspace (seeded and with a churn model on
/// first use), the plugins, the kernel with its filters, the router and the agent. Built once per process.
/// </summary>
public sealed class CopilotRuntime
{
    private CopilotRuntime(
        HostSettings settings,
        CopilotWorkspace workspace,
        TimeProvider clock,
        IConfiguration configuration,
        ILoggerFactory? logging,
        Func<CopilotWorkspace, TimeProvider, IApprovalNotifier>? approvals,
        IAlertDelivery? alertDelivery)
    {
        LlmOptions? llm = configuration.GetSection(LlmOptions.SectionName).Get<LlmOptions>();
        SupportMemory = new SupportMemory(
            ct => MemoryFactory.OpenAsync(workspace.Directory, configuration, ct),
            workspace.Conversations,
            ct => MemoryFactory.DeleteAsync(workspace.Directory, configuration, ct),
            workspace.Stores.DataVersions);
        Settings = settings;
        Workspace = workspace;
        Clock = clock;
        var loader = new AccountHistoryLoader(workspace.Accounts, workspace.Activity, workspace.Conversations, workspace.Stores.DataVersions);
        Models = new ChurnModelStore(workspace.Models, workspace.Directory);
        Risk = new ChurnRiskService(loader, Models, clock);
        // Crm:Provider = HubSpot replaces the embedded CRM (Crm:HubSpot:AccessToken, and id maps
        // Crm:HubSpot:Owners:{user id} and Crm:HubSpot:Companies:{account id}); the embedded simulation is the default.
        Crm = string.Equals(configuration["Crm:Provider"], "HubSpot", StringComparison.OrdinalIgnoreCase)
            ? new HubSpotCrmClient(
                new HttpClient(),
                configuration.GetSection(HubSpotOptions.SectionName).Get<HubSpotOptions>() ?? new HubSpotOptions(),
                configuration.GetSection(HubSpotOptions.SectionName + ":Owners").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? string.Empty),
                configuration.GetSection(HubSpotOptions.SectionName + ":Companies").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? string.Empty))
            : new EmbeddedCrmClient(workspace.Tasks);
        var drafts = new DraftWriter(PromptLibrary.Default(), workspace.Activity, workspace.Conversations, workspace.Users);
        // Agent:* (RiskThreshold, MaxPerHour, CooldownDays, ResumeAfter, …) override the guardrails' defaults.
        AgentOptions = configuration.GetSection("Agent").Get<AgentOptions>() ?? new AgentOptions();
        // Approval requests reach approvers where they chat when the host has channels (the web host); on the command line
        // they wait in the approval queue.
        Approvals = approvals?.Invoke(workspace, clock) ?? QueueOnlyApprovalNotifier.Instance;
        InterventionAgent = new InterventionAgent(Risk, drafts, workspace.Interventions, Crm, workspace.Audit, workspace.Meta, AgentOptions, Approvals);
        AlertOptions = configuration.GetSection(AlertOptions.SectionName).Get<AlertOptions>() ?? new AlertOptions();
        Alerts = new AlertEngine(workspace.Alerts, workspace.Conversations, workspace.Activity, workspace.Meta, AlertOptions, alertDelivery);
        Growth = new GrowthService(workspace.Accounts, workspace.Activity, workspace.Conversations, workspace.Stores.Growth, workspace.Stores.DataVersions, clock);
        Events = new EventIngestor(workspace.Activity, workspace.Accounts, workspace.Growth, Risk, Alerts, clock, Growth);
        // Task ids resolve where tasks live (the embedded CRM or HubSpot), so the filter judges them by their account.
        Policy = new AccessPolicy(workspace.Users, workspace.Accounts, workspace.Interventions, Crm.GetTaskAsync);
        AccessPolicy policy = Policy;
        // The Semantic Kernel, built through DI: the catalog's plugins (CopilotKernel.CreatePlugin reads each function's
        // policy) and the invocation filters, outermost first. A new plugin is one more line here.
        var services = new ServiceCollection();
        services.AddSingleton<IFunctionInvocationFilter>(new TimingFilter());
        services.AddSingleton<IFunctionInvocationFilter>(new AuditFilter(workspace.Audit));
        services.AddSingleton<IFunctionInvocationFilter>(new AuthorizationFilter(policy));
        services.AddSingleton<IFunctionInvocationFilter>(new ConfirmationFilter());
        services.AddSingleton<IFunctionInvocationFilter>(new ArgumentFilter());
        IKernelBuilder kernel = services.AddKernel();
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("churn", new ChurnPlugin(Risk, workspace.Accounts, workspace.Users, workspace.Conversations)));
        // With a chat model configured, it may add a short summary to an answer, kept only where it cites the quoted evidence.
        IGroundedWriter? writer = LlmOptions.IsConfigured(llm)
            ? new ModelWriter(llm!, logging?.CreateLogger<ModelWriter>(), configuration.GetSection(PrivacyOptions.SectionName).Get<PrivacyOptions>())
            : null;
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("support", new SupportPlugin(workspace.Conversations, workspace.Accounts, SupportMemory, writer)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("interventions", new InterventionsPlugin(drafts, InterventionAgent, Risk, workspace.Accounts, workspace.Interventions, Crm, workspace.Audit, workspace.Users, AgentOptions, Approvals)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("crm", new CrmPlugin(Crm, workspace.Accounts, workspace.Users)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("portfolio", new PortfolioPlugin(Risk, workspace.Accounts, workspace.Activity,
            configuration["Portfolio:BacktestWaitSeconds"] is { Length: > 0 } wait ? TimeSpan.FromSeconds(double.Parse(wait, System.Globalization.CultureInfo.InvariantCulture)) : null)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("alerts", new AlertsPlugin(workspace.Alerts, workspace.Accounts, workspace.Audit)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("renewals", new RenewalsPlugin(workspace.Accounts, Risk)));
        // Adoption, expansion and the account plan: one growth service loads the data once per data version; the plan's
        // three specialists reason with the model when one is configured (the same grounded writer as support's answers).
        Planner = new AccountPlanner(
            [new RetentionSpecialist(Risk, workspace.Conversations, workspace.Interventions), new AdoptionSpecialist(Growth), new ExpansionSpecialist(Growth, Risk)],
            writer);
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("adoption", new AdoptionPlugin(Growth, workspace.Accounts)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("expansion", new ExpansionPlugin(Growth, Risk)));
        kernel.Plugins.Add(CopilotKernel.CreatePlugin("account", new AccountPlugin(Planner, workspace.Accounts, workspace.Users, Growth, Path.Combine(workspace.Directory, "reports"))));
        Kernel = services.BuildServiceProvider().GetRequiredService<Kernel>();
        // The embedded router also routes to plugin functions it was not trained on, from their declared utterances.
        IntentRouter router = Router.Value.WithExtensions(Kernel.RouterExtensions());
        // With an OpenAI-compatible endpoint configured, a model routes by tool calling over the same kernel and filters;
        // without one (the default) the embedded router does all the work.
        ModelRouter = LlmOptions.IsConfigured(llm)
            ? new OpenAiModelRouter(llm!, Kernel, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "prompts", "system.md")), logging?.CreateLogger<OpenAiModelRouter>(),
                configuration.GetSection(PrivacyOptions.SectionName).Get<PrivacyOptions>())
            : null;
        Agent = new CopilotAgent(workspace, Kernel, router, new WorkspaceAccountDirectory(workspace.Accounts), policy, clock, ModelRouter);
        if (logging?.CreateLogger<CopilotAgent>() is { } agentLog)
        {
            Agent.StoreFaulted = ex => agentLog.LogError(ex, "The workspace store failed during a turn; the user was told to try again");
        }
    }

    /// <summary>The router's model is loaded once per process and shared.</summary>
    public static Lazy<IntentRouter> Router { get; } = new(IntentRouter.CreateDefault);

    public HostSettings Settings { get; }

    public CopilotWorkspace Workspace { get; }

    public TimeProvider Clock { get; }

    public ChurnModelStore Models { get; }

    public ChurnRiskService Risk { get; }

    /// <summary>The growth data and what is built from it (adoption analysis, expansion model), once per data version.</summary>
    public GrowthService Growth { get; }

    /// <summary>Account plans from the retention, adoption and expansion specialists.</summary>
    public AccountPlanner Planner { get; }

    public ICrmClient Crm { get; }

    public AgentOptions AgentOptions { get; }

    public InterventionAgent InterventionAgent { get; }

    public AlertOptions AlertOptions { get; }

    /// <summary>The proactive triggers.</summary>
    public AlertEngine Alerts { get; }

    /// <summary>Usage and payment events in: rescoring and triggers.</summary>
    public EventIngestor Events { get; }

    /// <summary>How approval requests reach approvers.</summary>
    public IApprovalNotifier Approvals { get; }

    public Kernel Kernel { get; }

    /// <summary>Who may see which accounts and records; the authorization filter and the agent use it.</summary>
    public AccessPolicy Policy { get; }

    public CopilotAgent Agent { get; }

    /// <summary>The retrieval index over support conversations (embedded by default, Qdrant when configured).</summary>
    public SupportMemory SupportMemory { get; }

    /// <summary>The language-model router, when <c>Llm:Endpoint</c> and <c>Llm:ChatModel</c> are configured.</summary>
    public IModelRouter? ModelRouter { get; }

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Opens the workspace; an empty one is seeded with the demo portfolio, and one with accounts but no churn model
    /// gets one trained, each with progress on the given reporters.
    /// </summary>
    public static CopilotRuntime Open(
        HostSettings settings,
        IProgress<double>? seeding = null,
        IProgress<double>? training = null,
        IConfiguration? configuration = null,
        ILoggerFactory? logging = null,
        Func<CopilotWorkspace, TimeProvider, IApprovalNotifier>? approvals = null,
        IAlertDelivery? alertDelivery = null)
    {
        TimeProvider clock = settings.Clock();
        configuration ??= new ConfigurationBuilder().Build();
        CopilotWorkspace workspace = WorkspaceFactory.Open(settings.WorkspaceDirectory, configuration);
        // Copilot:EmptyWorkspace (or --empty) keeps a new workspace for the user's own data; Workspace:Demo = false says the same.
        if ((settings.EmptyWorkspace || string.Equals(configuration[HostSettings.EmptyWorkspaceKey], "true", StringComparison.OrdinalIgnoreCase)
                || string.Equals(configuration["Workspace:Demo"], "false", StringComparison.OrdinalIgnoreCase))
            && workspace.IsEmpty())
        {
            // Marked so that no later start seeds the demo into it while it is still empty.
            workspace.MarkOwnDataAsync().GetAwaiter().GetResult();
        }

        workspace.EnsureSeeded(settings.Seed, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), seeding);
        var runtime = new CopilotRuntime(settings, workspace, clock, configuration, logging, approvals, alertDelivery);
        // The store's first use imports model files of a workspace from before versions moved into the database (once; see
        // ChurnModelStore), so a workspace with only files is not trained again here.
        if (runtime.Models.VersionsAsync(CancellationToken.None).GetAwaiter().GetResult().Count == 0 && workspace.IsDemoAsync().GetAwaiter().GetResult())
        {
            runtime.Risk.EnsureModelAsync(training, CancellationToken.None).GetAwaiter().GetResult();
        }

        return runtime;
    }

    /// <summary>The user a command acts as: --as, else the workspace's admin.</summary>
    public async Task<User> ActingUserAsync(CancellationToken cancellationToken)
    {
        string? id = Settings.ActAs ?? await Workspace.Meta.GetAsync(WorkspaceKeys.AdminUser, cancellationToken);
        if (id is null)
        {
            return new User("admin", "Admin", "admin", UserRole.Admin, null);
        }

        return await Workspace.Users.GetAsync(id, cancellationToken)
            ?? (await Workspace.Users.FindByIdentityAsync(IdentityChannels.Alias, id, cancellationToken) is { } alias
                ? await Workspace.Users.GetAsync(alias, cancellationToken)
                : null)
            ?? throw new WorkspaceException($"--as '{id}': no such user. Run `copilot users` to see who is in this workspace.");
    }
}
