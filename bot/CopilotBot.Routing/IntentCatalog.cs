namespace CopilotBot.Routing;

/// <summary>The functions the router can pick, and what each one accepts.</summary>
public static class IntentCatalog
{
    public const string ChurnAtRisk = "churn.at_risk";
    public const string ChurnExplain = "churn.explain";
    public const string SupportAsk = "support.ask";
    public const string SupportTrends = "support.trends";
    public const string InterventionsDraft = "interventions.draft";
    public const string InterventionsRunAgent = "interventions.run_agent";
    public const string InterventionsRecordOutcome = "interventions.record_outcome";
    public const string InterventionsSummary = "interventions.summary";
    public const string InterventionsApprovals = "interventions.approvals";
    public const string CrmCreateTask = "crm.create_task";
    public const string CrmListTasks = "crm.list_tasks";
    public const string CrmCompleteTask = "crm.complete_task";
    public const string PortfolioSummary = "portfolio.summary";
    public const string PortfolioForecast = "portfolio.forecast";
    public const string PortfolioCohorts = "portfolio.cohorts";
    public const string PortfolioAccounts = "portfolio.accounts";
    public const string AdoptionNextSteps = "adoption.next_steps";
    public const string AdoptionPatterns = "adoption.patterns";
    public const string ExpansionOpportunities = "expansion.opportunities";
    public const string AccountPlan = "account.plan";
    public const string Help = "help";

    /// <summary>The classifier's label for "none of the above"; never returned as an intent.</summary>
    public const string OutOfScopeLabel = "oos";

    public static IReadOnlyList<string> All { get; } =
    [
        ChurnAtRisk, ChurnExplain, SupportAsk, SupportTrends, InterventionsDraft, InterventionsRunAgent,
        InterventionsRecordOutcome, InterventionsSummary, CrmCreateTask, CrmListTasks, CrmCompleteTask,
        PortfolioSummary, PortfolioForecast, Help, PortfolioCohorts, InterventionsApprovals, PortfolioAccounts,
        AdoptionNextSteps, AdoptionPatterns, ExpansionOpportunities, AccountPlan,
    ];

    /// <summary>Intents that change something; the router never guesses these.</summary>
    public static IReadOnlySet<string> SideEffecting { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        InterventionsRunAgent, InterventionsRecordOutcome, CrmCreateTask, CrmCompleteTask, InterventionsDraft,
    };

    /// <summary>Intents that cannot run without an account.</summary>
    public static IReadOnlySet<string> AccountRequired { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ChurnExplain, InterventionsDraft, InterventionsRecordOutcome, AdoptionNextSteps, AccountPlan,
    };

    private static readonly Dictionary<string, string[]> AllowedSlots = new(StringComparer.Ordinal)
    {
        [ChurnAtRisk] = ["owner", "tier", "region", "industry", "top", "threshold", "horizon_days"],
        [ChurnExplain] = ["account"],
        [SupportAsk] = ["account", "topic", "from", "to", "tier", "region", "industry", "question"],
        [SupportTrends] = ["account", "topic", "from", "to", "granularity", "tier", "region", "industry"],
        [InterventionsDraft] = ["account", "channel"],
        [InterventionsRunAgent] = ["dry_run", "account", "tier", "region", "threshold"],
        [InterventionsRecordOutcome] = ["account", "outcome"],
        [InterventionsSummary] = ["from", "to", "owner", "tier", "region", "industry"],
        [CrmCreateTask] = ["account", "due", "title", "owner"],
        [CrmListTasks] = ["owner", "account", "from", "to"],
        [CrmCompleteTask] = ["task_id", "account"],
        [PortfolioSummary] = ["group_by", "tier", "region", "industry", "owner", "horizon_days"],
        [PortfolioForecast] = ["horizon_days", "tier", "region", "industry", "owner"],
        [PortfolioCohorts] = ["by", "tier", "region", "industry", "owner"],
        [InterventionsApprovals] = [],
        [PortfolioAccounts] = ["status", "tier", "region", "industry", "owner", "from", "to", "group_by"],
        [AdoptionNextSteps] = ["account"],
        [AdoptionPatterns] = ["industry", "tier", "region", "owner", "question"],
        [ExpansionOpportunities] = ["owner", "tier", "region", "industry", "top"],
        [AccountPlan] = ["account"],
        [Help] = [],
    };

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [ChurnAtRisk] = "see which accounts are at risk",
        [ChurnExplain] = "see why an account is at risk",
        [SupportAsk] = "search support conversations",
        [SupportTrends] = "see support sentiment and topic trends",
        [InterventionsDraft] = "draft a retention email or call script",
        [InterventionsRunAgent] = "run the intervention agent",
        [InterventionsRecordOutcome] = "record an intervention outcome",
        [InterventionsSummary] = "see how interventions are doing (save rate)",
        [CrmCreateTask] = "create a task or reminder",
        [CrmListTasks] = "list your tasks",
        [CrmCompleteTask] = "mark a task as done",
        [PortfolioSummary] = "see ARR at risk across the portfolio",
        [PortfolioForecast] = "forecast churned ARR",
        [PortfolioCohorts] = "see churn and adoption by cohort, tier or industry",
        [InterventionsApprovals] = "see the approval requests waiting for a decision",
        [PortfolioAccounts] = "count or list accounts (by status, tier, region, owner or when they churned)",
        [AdoptionNextSteps] = "see which features an account should adopt next",
        [AdoptionPatterns] = "see what customers adopt and which features predict retention",
        [ExpansionOpportunities] = "see which accounts are ready to expand (upsell)",
        [AccountPlan] = "build an account plan (retention, adoption, expansion)",
        [Help] = "see what I can do",
    };

    public static bool IsIntent(string name) => AllowedSlots.ContainsKey(name);

    /// <summary>
    /// The argument an extracted value fills for an intent: the grouping ("by tier", "per signup cohort") is
    /// <c>group_by</c> for portfolio.summary and <c>by</c> for portfolio.cohorts, which also reads a grouping named
    /// without "by" (<c>group_hint</c>: "which industries churn most?"); every other slot keeps its name.
    /// </summary>
    public static string SlotFor(string intent, string extracted) => intent switch
    {
        PortfolioCohorts when extracted is "group_by" or "group_hint" => "by",
        _ => extracted,
    };

    public static IReadOnlyList<string> SlotsOf(string intent) =>
        AllowedSlots.TryGetValue(intent, out string[]? slots) ? slots : [];

    public static bool Accepts(string intent, string slot) => SlotsOf(intent).Contains(slot, StringComparer.Ordinal);

    /// <summary>A short phrase for a clarifying question, e.g. "see which accounts are at risk".</summary>
    public static string Describe(string intent) =>
        Descriptions.TryGetValue(intent, out string? text) ? text : intent;
}
