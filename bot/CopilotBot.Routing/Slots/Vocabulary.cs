namespace CopilotBot.Routing.Slots;

/// <summary>Slot values and the words CSMs use for them. Phrases are lower-case token sequences.</summary>
internal static class Vocabulary
{
    public static readonly PhraseTable Tiers = new(
    [
        ("platinum", "Platinum"), ("plat", "Platinum"), ("gold", "Gold"), ("silver", "Silver"), ("bronze", "Bronze"),
    ]);

    public static readonly PhraseTable Regions = new(
    [
        ("emea", "EMEA"), ("europe", "EMEA"), ("european", "EMEA"), ("uk", "EMEA"), ("united kingdom", "EMEA"),
        ("germany", "EMEA"), ("france", "EMEA"), ("spain", "EMEA"), ("italy", "EMEA"), ("nordics", "EMEA"),
        ("middle east", "EMEA"), ("africa", "EMEA"), ("dach", "EMEA"), ("benelux", "EMEA"), ("eu", "EMEA"),
        ("north america", "NA"), ("north american", "NA"), ("usa", "NA"), ("united states", "NA"), ("canada", "NA"),
        ("noram", "NA"), ("amer", "NA"),
        ("apac", "APAC"), ("asia", "APAC"), ("asia pacific", "APAC"), ("asian", "APAC"), ("japan", "APAC"),
        ("australia", "APAC"), ("anz", "APAC"), ("india", "APAC"), ("singapore", "APAC"), ("china", "APAC"),
        ("latam", "LATAM"), ("latin america", "LATAM"), ("south america", "LATAM"), ("brazil", "LATAM"),
        ("mexico", "LATAM"), ("argentina", "LATAM"), ("chile", "LATAM"), ("colombia", "LATAM"),
    ]);

    public static readonly PhraseTable Industries = new(
    [
        ("healthcare", "Healthcare"), ("health care", "Healthcare"), ("hospitals", "Healthcare"), ("medical", "Healthcare"),
        ("financial services", "Financial Services"), ("finserv", "Financial Services"), ("banking", "Financial Services"),
        ("banks", "Financial Services"), ("fintech", "Financial Services"), ("finance", "Financial Services"),
        ("retail", "Retail"), ("retailers", "Retail"), ("ecommerce", "Retail"), ("e commerce", "Retail"),
        ("manufacturing", "Manufacturing"), ("manufacturers", "Manufacturing"), ("industrial", "Manufacturing"),
        ("technology", "Technology"), ("tech", "Technology"), ("software", "Technology"), ("saas", "Technology"),
        ("education", "Education"), ("edtech", "Education"), ("higher ed", "Education"), ("universities", "Education"),
        ("public sector", "Public Sector"), ("government", "Public Sector"), ("gov", "Public Sector"),
        ("telecom", "Telecommunications"), ("telco", "Telecommunications"), ("telecommunications", "Telecommunications"),
        ("media", "Media"), ("entertainment", "Media"), ("publishing", "Media"),
        ("energy", "Energy"), ("utilities", "Energy"), ("oil and gas", "Energy"),
        ("logistics", "Logistics"), ("transportation", "Logistics"), ("supply chain", "Logistics"),
        ("hospitality", "Hospitality"), ("hotels", "Hospitality"),
        ("insurance", "Insurance"), ("insurers", "Insurance"),
        ("life sciences", "Life Sciences"), ("pharma", "Life Sciences"), ("pharmaceutical", "Life Sciences"),
        ("pharmaceuticals", "Life Sciences"), ("biotech", "Life Sciences"),
        ("real estate", "Real Estate"), ("nonprofit", "Nonprofit"), ("non profit", "Nonprofit"), ("nonprofits", "Nonprofit"),
        ("automotive", "Automotive"),
    ]);

    public static readonly PhraseTable Topics = new(
    [
        ("billing", "billing"), ("bill", "billing"), ("bills", "billing"), ("invoice", "billing"), ("invoices", "billing"),
        ("invoicing", "billing"), ("charge", "billing"), ("charges", "billing"), ("charged", "billing"),
        ("overcharged", "billing"), ("double charged", "billing"), ("refund", "billing"), ("refunds", "billing"),
        ("payment", "billing"), ("payments", "billing"), ("pricing", "billing"), ("overbilled", "billing"),
        ("login", "login"), ("logins", "login"), ("log in", "login"), ("logging in", "login"), ("sign in", "login"),
        ("signin", "login"), ("sso", "login"), ("single sign on", "login"), ("password", "login"), ("passwords", "login"),
        ("2fa", "login"), ("mfa", "login"), ("authentication", "login"), ("locked out", "login"), ("lockout", "login"),
        ("saml", "login"), ("okta", "login"), ("access issues", "login"), ("signing in", "login"),
        ("sign on", "login"), ("log on", "login"), ("logging on", "login"), ("cant log in", "login"),
        ("performance", "performance"), ("slow", "performance"), ("slowness", "performance"), ("latency", "performance"),
        ("lag", "performance"), ("laggy", "performance"), ("sluggish", "performance"), ("timeouts", "performance"),
        ("timing out", "performance"), ("time outs", "performance"), ("speed", "performance"), ("load times", "performance"),
        ("outage", "outage"), ("outages", "outage"), ("downtime", "outage"), ("incident", "outage"), ("incidents", "outage"),
        ("unavailable", "outage"), ("offline", "outage"), ("disruption", "outage"), ("service interruption", "outage"),
        ("integration", "integration"), ("integrations", "integration"), ("api", "integration"), ("apis", "integration"),
        ("webhook", "integration"), ("webhooks", "integration"), ("connector", "integration"), ("connectors", "integration"),
        ("sync", "integration"), ("syncing", "integration"), ("salesforce sync", "integration"),
        ("feature request", "feature_request"), ("feature requests", "feature_request"), ("missing feature", "feature_request"),
        ("missing features", "feature_request"), ("enhancement", "feature_request"), ("enhancements", "feature_request"),
        ("wishlist", "feature_request"), ("roadmap", "feature_request"), ("feature asks", "feature_request"),
        ("onboarding", "onboarding"), ("getting started", "onboarding"), ("implementation", "onboarding"),
        ("kickoff", "onboarding"), ("setup", "onboarding"),
        ("cancellation", "cancellation"), ("cancellations", "cancellation"), ("cancel", "cancellation"),
        ("canceling", "cancellation"), ("cancelling", "cancellation"), ("termination", "cancellation"),
        ("non renewal", "cancellation"),
    ]);

    public static readonly PhraseTable Channels = new(
    [
        ("email", "email"), ("emails", "email"), ("e mail", "email"), ("mail", "email"), ("note", "email"),
        ("message", "email"), ("letter", "email"), ("call script", "call"), ("phone script", "call"),
        ("talk track", "call"), ("talking points", "call"), ("call", "call"), ("phone call", "call"),
        ("script", "call"), ("voicemail", "call"),
    ]);

    public static readonly PhraseTable Outcomes = new(
    [
        ("saved", "saved"), ("save", "saved"), ("rescued", "saved"), ("retained", "saved"), ("renewed", "saved"),
        ("won back", "saved"), ("a save", "saved"), ("a win", "saved"),
        ("churned", "churned"), ("churn", "churned"), ("lost", "churned"), ("cancelled", "churned"),
        ("canceled", "churned"), ("left", "churned"), ("gone", "churned"), ("didnt renew", "churned"),
        ("did not renew", "churned"), ("not renewing", "churned"), ("wont renew", "churned"), ("a loss", "churned"),
    ]);

    /// <summary>An account's status in a count or list: "churned accounts", "active customers", "who did we lose".</summary>
    public static readonly PhraseTable Statuses = new(
    [
        ("churned", "churned"), ("lost", "churned"), ("lose", "churned"), ("left", "churned"), ("cancelled", "churned"),
        ("canceled", "churned"), ("gone", "churned"), ("didnt renew", "churned"),
        ("did not renew", "churned"), ("former", "churned"),
        ("active", "active"), ("current", "active"), ("live", "active"), ("existing", "active"), ("paying", "active"),
    ]);

    public static readonly PhraseTable GroupBy = new(
    [
        ("tier", "tier"), ("tiers", "tier"), ("segment", "tier"), ("segments", "tier"),
        ("region", "region"), ("regions", "region"), ("geo", "region"), ("geography", "region"), ("geos", "region"),
        ("industry", "industry"), ("industries", "industry"), ("vertical", "industry"), ("verticals", "industry"),
        ("owner", "owner"), ("owners", "owner"), ("csm", "owner"), ("csms", "owner"), ("rep", "owner"), ("reps", "owner"),
        ("account manager", "owner"),
        ("bucket", "bucket"), ("buckets", "bucket"), ("risk bucket", "bucket"), ("risk buckets", "bucket"),
        ("band", "bucket"), ("bands", "bucket"), ("risk band", "bucket"), ("risk bands", "bucket"),
        ("health band", "bucket"), ("urgency", "bucket"),
        ("cohort", "signup_year"), ("cohorts", "signup_year"), ("signup cohort", "signup_year"), ("signup cohorts", "signup_year"),
        ("sign up cohort", "signup_year"), ("sign up cohorts", "signup_year"), ("signup", "signup_year"), ("signup year", "signup_year"),
        ("signup years", "signup_year"), ("sign up year", "signup_year"), ("year of signup", "signup_year"), ("signup date", "signup_year"),
        ("year signed", "signup_year"), ("start year", "signup_year"), ("yearly cohort", "signup_year"), ("yearly cohorts", "signup_year"),
        ("annual cohort", "signup_year"), ("annual cohorts", "signup_year"), ("cohort year", "signup_year"),
        ("signup quarter", "signup_quarter"), ("signup quarters", "signup_quarter"), ("sign up quarter", "signup_quarter"),
        ("quarter of signup", "signup_quarter"), ("quarterly cohort", "signup_quarter"), ("quarterly cohorts", "signup_quarter"),
        ("cohort quarter", "signup_quarter"), ("quarter signed", "signup_quarter"),
    ]);

    public static readonly PhraseTable Granularities = new(
    [
        ("daily", "day"), ("by day", "day"), ("a day", "day"), ("a week", "week"), ("per day", "day"), ("each day", "day"), ("day by day", "day"),
        ("day over day", "day"), ("weekly", "week"), ("by week", "week"), ("per week", "week"), ("each week", "week"),
        ("week over week", "week"), ("wow", "week"), ("week by week", "week"),
    ]);

    public static readonly PhraseTable DryRun = new(
    [
        ("dry run", "true"), ("dryrun", "true"), ("simulate", "true"), ("simulation", "true"), ("test run", "true"),
        ("test mode", "true"), ("without sending", "true"), ("dont send", "true"), ("do not send", "true"),
        ("preview", "true"), ("preview mode", "true"), ("no emails", "true"), ("simulated", "true"),
    ]);

    /// <summary>Words that introduce a grouping: "by tier", "broken down by region", "per CSM".</summary>
    public static readonly HashSet<string> GroupByLeads = new(StringComparer.Ordinal)
    {
        "by", "per", "each", "every", "across",
    };
}
