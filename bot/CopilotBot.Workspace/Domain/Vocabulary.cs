using System.Globalization;

namespace CopilotBot.Workspace.Domain;

/// <summary>Text forms of the domain's enums: one place that parses what people and files write.</summary>
public static class Vocabulary
{
    public static bool TryParseTier(string? text, out Tier tier) => TryParseEnum(text, out tier);

    public static bool TryParseRegion(string? text, out Region region)
    {
        switch (Normalize(text))
        {
            case "na" or "northamerica" or "us" or "usa" or "amer" or "americas":
                region = Region.NA;
                return true;
            case "emea" or "europe" or "eu":
                region = Region.EMEA;
                return true;
            case "apac" or "asia" or "asiapacific":
                region = Region.APAC;
                return true;
            case "latam" or "latinamerica" or "southamerica":
                region = Region.LATAM;
                return true;
            default:
                region = default;
                return false;
        }
    }

    public static bool TryParseRole(string? text, out UserRole role) => TryParseEnum(text, out role);

    public static bool TryParseSpeaker(string? text, out Speaker speaker)
    {
        switch (Normalize(text))
        {
            case "customer" or "cust" or "user" or "client":
                speaker = Speaker.Customer;
                return true;
            case "agent" or "rep" or "support" or "csm":
                speaker = Speaker.Agent;
                return true;
            default:
                speaker = default;
                return false;
        }
    }

    public static bool TryParseTaskState(string? text, out TaskState state)
    {
        switch (Normalize(text))
        {
            case "open" or "todo" or "pending" or "":
                state = TaskState.Open;
                return true;
            case "done" or "completed" or "complete" or "closed":
                state = TaskState.Done;
                return true;
            default:
                state = default;
                return false;
        }
    }

    public static bool TryParseAccountStatus(string? text, out AccountStatus status) => TryParseEnum(text, out status);

    /// <summary>Lower-case snake form used in the database and in JSON (PendingApproval → pending_approval).</summary>
    public static string ToSnake<T>(T value)
        where T : struct, Enum
    {
        string name = value.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && !char.IsUpper(name[i - 1]))
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    public static T FromSnake<T>(string text)
        where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Format(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool TryParseEnum<T>(string? text, out T value)
        where T : struct, Enum
    {
        string n = Normalize(text);
        foreach (T candidate in Enum.GetValues<T>())
        {
            if (Normalize(candidate.ToString()) == n)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }
}
