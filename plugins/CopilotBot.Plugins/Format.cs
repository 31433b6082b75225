using System.Globalization;
using CopilotBot.Workspace.Domain;

namespace CopilotBot.Plugins;

/// <summary>How numbers, money and dates read in replies.</summary>
internal static class Format
{
    public static string Money(decimal amount) => Money((double)amount);

    public static string Money(double amount) => Math.Abs(amount) switch
    {
        >= 1_000_000 => "$" + (amount / 1_000_000).ToString("0.0#", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => "$" + (amount / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k",
        >= 1_000 => "$" + (amount / 1_000).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => "$" + amount.ToString("0", CultureInfo.InvariantCulture),
    };

    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// A churn probability as people read it: whole percent, but never "0%" or "100%" (no model is that sure; a
    /// probability that rounds there reads "<1%" or ">99%").
    /// </summary>
    public static string Risk(double probability) => probability switch
    {
        < 0.005 => "<1%",
        >= 0.995 => ">99%",
        _ => Percent(probability),
    };

    /// <summary>
    /// A money interval that never reads as one number ("$16k–$16k"): more digits until the ends differ, and a
    /// single figure only when they are truly equal.
    /// </summary>
    public static string MoneyRange(double low, double high)
    {
        if (Math.Abs(high - low) < 0.5)
        {
            return $"{Money(low)} (no spread)";
        }

        string a = Money(low), b = Money(high);
        if (a != b)
        {
            return $"{a}–{b}";
        }

        double scale = Math.Max(Math.Abs(low), Math.Abs(high)) >= 1_000_000 ? 1_000_000 : 1_000;
        string unit = scale == 1_000_000 ? "M" : "k";
        for (int digits = 1; digits <= 4; digits++)
        {
            string format = "0." + new string('0', digits);
            a = "$" + (low / scale).ToString(format, CultureInfo.InvariantCulture) + unit;
            b = "$" + (high / scale).ToString(format, CultureInfo.InvariantCulture) + unit;
            if (a != b)
            {
                return $"{a}–{b}";
            }
        }

        return $"${low.ToString("N0", CultureInfo.InvariantCulture)}–${high.ToString("N0", CultureInfo.InvariantCulture)}";
    }

    public static string Date(DateOnly date) => date.ToString("ddd d MMM", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Int(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO date argument; null when absent, an error message when malformed.</summary>
    public static (DateOnly? Date, string? Error) ParseDate(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d)
            ? (d, null)
            : (null, $"'{text}' is not a date I can use for {name}; say e.g. \"next Friday\" or 2026-12-04.");
    }

    /// <summary>Parses a tier argument; null when absent, an error message when it names no tier.</summary>
    public static (Tier? Tier, string? Error) ParseTier(string? text) =>
        text is null ? (null, null)
        : Vocabulary.TryParseTier(text, out Tier t) ? (t, null)
        : (null, $"'{text}' is not a tier; use Platinum, Gold, Silver or Bronze.");

    /// <summary>Parses a region argument; null when absent, an error message when it names no region.</summary>
    public static (Region? Region, string? Error) ParseRegion(string? text) =>
        text is null ? (null, null)
        : Vocabulary.TryParseRegion(text, out Region r) ? (r, null)
        : (null, $"'{text}' is not a region; use NA, EMEA, APAC or LATAM.");
}
