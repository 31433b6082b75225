namespace CopilotBot.Workspace.Signals;

/// <summary>
/// Assigns a support conversation to one of the product's topics (billing, login, performance, outage, integration,
/// feature_request, onboarding, cancellation) by weighted keywords; null when nothing matches.
/// </summary>
public static class TopicClassifier
{
    private static readonly (string Topic, string[] Words)[] Topics =
    [
        ("billing", ["invoice", "invoices", "billing", "billed", "charge", "charged", "charges", "refund", "payment", "payments", "card", "price", "pricing", "dunning", "credit note", "overcharged"]),
        ("login", ["login", "log in", "logged out", "sign in", "sso", "password", "mfa", "2fa", "locked out", "saml", "okta", "authentication", "scim"]),
        ("performance", ["slow", "slowly", "timeout", "time out", "timing out", "latency", "loading", "takes forever", "lag", "performance", "speed"]),
        ("outage", ["outage", "down", "unavailable", "503", "502", "incident", "offline", "not loading", "status page"]),
        ("integration", ["api", "webhook", "webhooks", "integration", "sync", "salesforce", "connector", "rate limit", "429", "export"]),
        ("feature_request", ["feature", "roadmap", "would be great", "could you add", "would love", "request", "wish", "dark mode"]),
        ("onboarding", ["training", "onboarding", "getting started", "walkthrough", "set up", "setup", "adoption", "new users", "admin guide"]),
        ("cancellation", ["cancel", "cancellation", "renewal", "renew", "not renewing", "downgrade", "competitor", "terminate", "contract", "auto-renewal"]),
    ];

    public static string? Classify(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string lower = " " + text.ToLowerInvariant() + " ";
        string? best = null;
        int bestCount = 0;
        foreach ((string topic, string[] words) in Topics)
        {
            int count = words.Count(w => lower.Contains(" " + w, StringComparison.Ordinal));
            if (count > bestCount)
            {
                (best, bestCount) = (topic, count);
            }
        }

        return best;
    }
}
