namespace CopilotBot.Workspace.Demo;

/// <summary>The words the demo portfolio is made of: people, companies and support-ticket phrasing.</summary>
internal static class DemoText
{
    public static readonly string[] FamousCompanies =
    [
        "Contoso Ltd", "Contoso Pharmaceuticals", "Northwind Traders", "Fabrikam Inc", "Adventure Works Cycles",
        "Tailspin Toys", "Wide World Importers", "Litware Inc", "Proseware Inc", "Alpine Ski House",
        "Blue Yonder Airlines", "Coho Winery", "Fourth Coffee", "Humongous Insurance", "Lamna Healthcare",
        "Margie's Travel", "Relecloud", "Southridge Video", "Trey Research", "Wingtip Toys", "Woodgrove Bank",
        "VanArsdel Ltd", "Lucerne Publishing", "City Power & Light", "Consolidated Messenger", "A. Datum Corporation",
        "Graphic Design Institute", "Tailwind Traders", "Best For You Organics", "Acme Corp", "Globex Corporation",
        "Initech", "Umbrella Logistics", "Stark Components", "Wayne Biotech", "Cyberdyne Analytics",
    ];

    public static readonly string[] NameFirst =
    [
        "Blue", "Summit", "Harbor", "Northstar", "Redwood", "Silverline", "Ironbridge", "Cedar", "Granite", "Evergreen",
        "Brightwater", "Falcon", "Maple", "Pioneer", "Quantum", "Riverbend", "Sterling", "Trident", "Vertex", "Willow",
        "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Frontier", "Golden Gate", "Horizon", "Juniper", "Keystone",
        "Lighthouse", "Meridian", "Nova", "Orchid", "Pinnacle", "Crescent", "Sapphire", "Tidewater", "Union", "Vanguard",
        "Westwind", "Zenith", "Aurora", "Bayside", "Clearwater", "Driftwood", "Eastgate", "Foxglove", "Greenfield", "Highland",
    ];

    public static readonly string[] NameSecond =
    [
        "Logistics", "Health", "Analytics", "Foods", "Manufacturing", "Energy", "Capital", "Media", "Labs", "Systems",
        "Outfitters", "Pharma", "Retail", "Freight", "Robotics", "Insurance", "Learning", "Hotels", "Telecom", "Motors",
        "Networks", "Dynamics", "Bioscience", "Holdings", "Partners", "Studios", "Foundry", "Works", "Supply", "Financial",
    ];

    public static readonly string[] NameSuffix = ["", "", "", " Inc", " Ltd", " Group", " GmbH", " Co", " LLC", " SA", " Pty"];

    public static readonly string[] Industries =
    [
        "Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Education", "Logistics", "Media",
        "Public Sector", "Telecommunications", "Energy", "Hospitality",
    ];

    public static readonly string[] Topics =
    [
        "billing", "login", "performance", "outage", "integration", "feature_request", "onboarding", "cancellation",
    ];

    public static readonly string[] Channels = ["email", "chat", "phone"];

    public static readonly string[] CustomerNames =
    [
        "Jordan", "Taylor", "Casey", "Morgan", "Avery", "Riley", "Quinn", "Jamie", "Drew", "Skyler", "Rowan", "Harper",
        "Elliot", "Sasha", "Kai", "Noor", "Mateo", "Ines", "Yuki", "Lars",
    ];

    public static readonly string[] AgentNames = ["Sam", "Lena", "Omar", "Grace", "Tomás", "Mei", "Ravi", "Chloe"];

    /// <summary>Opening customer lines by topic and tone (0 = calm, 1 = frustrated, 2 = angry).</summary>
    public static readonly Dictionary<string, string[][]> Openers = new()
    {
        ["billing"] =
        [
            [
                "Hi, could you send us a copy of invoice {invoice}? Our finance team needs it for the quarter close.",
                "We'd like to update the billing contact on our account to our new AP mailbox.",
                "Quick question: does our plan include the extra seats we added last month, or is that billed separately?",
            ],
            [
                "We were charged twice for {month} and nobody has explained why. Can you look into invoice {invoice}?",
                "Our invoice went up by almost 20% with no notice. Please explain the new line items.",
                "The card payment failed again even though the card is valid. This is the second time.",
            ],
            [
                "This is the third billing error in a row. We are being overcharged and I want a refund today.",
                "Unacceptable. You charged us for {seats} seats we never activated. Fix it or we will dispute the charge.",
                "We keep getting dunning emails for an invoice we already paid. Our CFO is asking whether we should renew at all.",
            ],
        ],
        ["login"] =
        [
            [
                "Some of our new hires can't see the SSO option on the login page. Is there a setting we missed?",
                "How do we enforce MFA for all users in our tenant?",
                "Can you help us set up SCIM provisioning with Okta?",
            ],
            [
                "SSO has been failing for half of our users since this morning with an 'invalid assertion' error.",
                "Password resets are not arriving for our team. People have been locked out for two days.",
                "After your update our Azure AD login loops back to the sign-in page.",
            ],
            [
                "Nobody on our team can log in. This has been going on for hours and we're losing a full day of work.",
                "Our users are locked out AGAIN. Third time this month. We pay for enterprise support and get nothing.",
            ],
        ],
        ["performance"] =
        [
            [
                "Reports seem a bit slower than usual this week. Is there anything we should know?",
                "Is there a recommended way to speed up large exports?",
            ],
            [
                "The dashboard takes over a minute to load and the exports keep timing out.",
                "Everything has been really slow since the last release. Our analysts are complaining.",
                "Search is painfully slow on our workspace, sometimes 30 seconds per query.",
            ],
            [
                "The product is basically unusable, pages time out constantly. We are evaluating alternatives.",
                "Performance is terrible and getting worse. Our team has stopped using the reporting module altogether.",
            ],
        ],
        ["outage"] =
        [
            [
                "We saw a short interruption this morning. Was there an incident?",
                "Is there a status page we can subscribe to for maintenance windows?",
            ],
            [
                "The platform has been down for us since 9am. Is there an outage? We can't access anything.",
                "We're getting 503 errors across the app. Please confirm whether this is an incident on your side.",
            ],
            [
                "Your service is down AGAIN during our busiest day. This outage is costing us real money.",
                "Complete outage for three hours and no communication from you. This is not acceptable for what we pay.",
            ],
        ],
        ["integration"] =
        [
            [
                "Where can we find the API documentation for the new webhooks?",
                "We'd like to connect Salesforce. Is there a native integration or should we use the API?",
            ],
            [
                "The Salesforce sync stopped working yesterday and records are out of date.",
                "Our API calls are returning 429 rate limit errors even though we're well under our quota.",
                "The webhook payload changed format without notice and broke our pipeline.",
            ],
            [
                "Your API broke our integration for the second time this month. Our engineers have wasted days on this.",
                "The data sync has been broken for a week. We can't run our business on stale data.",
            ],
        ],
        ["feature_request"] =
        [
            [
                "It would be great to schedule reports to go out every Monday. Is that on the roadmap?",
                "Could you add dark mode? Several of our users have asked.",
                "We'd love a bulk edit option for user permissions.",
            ],
            [
                "We asked for audit log export six months ago and still nothing. When will it ship?",
                "Without custom roles we can't roll this out to the rest of the company.",
            ],
            [
                "You promised the custom reporting feature last quarter. Our leadership is questioning the renewal.",
            ],
        ],
        ["onboarding"] =
        [
            [
                "We're rolling out to a new department next month. Can we schedule a training session?",
                "Do you have onboarding material we can share with new users?",
                "Could we get a walkthrough of the admin console for our new IT lead?",
            ],
            [
                "Our new admin doesn't know how to configure teams and the docs aren't helping.",
                "Adoption has stalled after the first few weeks. We need help getting people to actually use it.",
            ],
            [
                "Honestly nobody on our team uses the product. The onboarding was rushed and we feel abandoned.",
            ],
        ],
        ["cancellation"] =
        [
            [
                "What's the process for reducing our seat count at renewal?",
                "Can you tell us the notice period in our contract?",
            ],
            [
                "We're considering not renewing. The value just isn't there for the price.",
                "Our champion has left the company and the new team wants to review all vendors.",
                "Please send the steps to downgrade our plan at renewal.",
            ],
            [
                "We want to cancel our subscription. Please confirm how to export our data and end the contract.",
                "We've decided to move to a competitor. Please stop the auto-renewal immediately.",
            ],
        ],
    };

    public static readonly string[] AgentAcks =
    [
        "Thanks for reaching out, {name}. I'm looking into this now.",
        "Hi {name}, sorry for the trouble. I've opened a case and I'm checking with the team.",
        "Thanks {name}, I understand how disruptive this is. Let me dig in.",
        "Hello {name}, I appreciate the details. I'm on it.",
    ];

    public static readonly Dictionary<string, string[]> AgentResolutions = new()
    {
        ["billing"] =
        [
            "I've corrected the invoice and issued a credit note; you'll see it on the next statement.",
            "The duplicate charge has been refunded; it takes 5–7 business days to appear.",
            "I've attached the invoice copy and updated the billing contact.",
        ],
        ["login"] =
        [
            "We found a certificate mismatch in your SSO configuration and fixed it. Please ask users to retry.",
            "The reset emails were being blocked by a mail filter on our side; that's resolved now.",
            "I've enabled SCIM for your tenant and sent the setup guide.",
        ],
        ["performance"] =
        [
            "We've moved your workspace to a faster cluster and rebuilt the report indexes.",
            "Engineering shipped a fix for slow exports in tonight's release.",
            "We identified a slow query in your dashboards and optimised it.",
        ],
        ["outage"] =
        [
            "There was a platform incident; it's resolved now and a full post-mortem will be shared.",
            "Service was restored at 12:40 UTC. We're sorry for the disruption and are reviewing what happened.",
        ],
        ["integration"] =
        [
            "The connector had an expired token; we've refreshed it and the sync is catching up.",
            "We've raised your API limits and documented the webhook change.",
            "Here's the link to the API docs and a sample Salesforce mapping.",
        ],
        ["feature_request"] =
        [
            "I've logged this with product and added your vote; it's on the roadmap for next quarter.",
            "Thanks for the feedback. I've shared it with the product team and will update you.",
        ],
        ["onboarding"] =
        [
            "I've booked a training session with our onboarding team and shared the admin guide.",
            "Your CSM will run a workshop for the new department next week.",
        ],
        ["cancellation"] =
        [
            "I've looped in your account manager to discuss options before the renewal.",
            "I've shared the data export guide and passed your feedback to your CSM.",
        ],
    };

    public static readonly string[][] CustomerFollowUps =
    [
        ["Thanks, that fixed it. Appreciate the quick help!", "Great, thank you.", "Perfect, all good now."],
        ["Okay, but this keeps happening. Please make sure it doesn't recur.", "Still waiting on a proper answer here.", "That helps for now, thanks."],
        ["This is not good enough. I'm escalating to our leadership.", "We'll be reviewing the contract at renewal.", "Too little, too late."],
    ];

    public static readonly string[] TaskTitles =
    [
        "QBR prep with {account}", "Call {account} about renewal", "Send usage report to {account}",
        "Check in with {account} champion", "Schedule training for {account}", "Review open tickets for {account}",
    ];
}
