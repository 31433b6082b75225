using System.Globalization;

namespace CopilotBot.Plugins.Growth;

/// <summary>An expansion-model input in the words a CSM would use, with the account's own numbers ("seats 96% used (48 of 50)").</summary>
public static class ExpansionReasonText
{
    public static string Describe(string feature, ExpansionFeatureValues v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return feature switch
        {
            ExpansionFeatures.SeatUtilisation => v.SeatUtilisation is { } u
                ? $"seats {Pct(u)} used ({Count(v.ActiveUsers ?? 0)} of {Count(v.Seats ?? 0)})"
                : "no recent usage to measure seat use",
            ExpansionFeatures.UtilisationChange => v.UtilisationChange3Months is { } c
                ? Math.Abs(c) < 0.005 ? "seat use flat over 3 months" : $"seat use {(c > 0 ? "up" : "down")} {Points(Math.Abs(c))} in 3 months"
                : "no seat-use trend yet (under 3 months of usage)",
            ExpansionFeatures.ActiveUserGrowth => Growth("active users", v.ActiveUserGrowth3Months),
            ExpansionFeatures.LoginGrowth => Growth("logins", v.LoginGrowth3Months),
            ExpansionFeatures.FeaturesInUse => $"uses {Count(v.FeaturesInUse)} feature{Plural(v.FeaturesInUse)}",
            ExpansionFeatures.PlanFeatureShare => v.Plan is { } plan
                ? $"uses {Count(v.PlanFeaturesInUse)} of {Count(v.PlanFeaturesAvailable)} {plan} features"
                : "no plan on record",
            ExpansionFeatures.HigherPlanExists => v.Plan is not { } current ? "no plan on record"
                : v.HigherPlanFeatures > 0 ? $"{Count(v.HigherPlanFeatures)} feature{Plural(v.HigherPlanFeatures)} need a plan above {current}"
                : $"already on the top plan ({current})",
            ExpansionFeatures.Seats => v.Seats is { } s ? $"{Count(s)} seat{Plural(s)}" : "seats unknown",
            ExpansionFeatures.ArrLog10 => $"ARR {Format.Money(v.Arr)}",
            ExpansionFeatures.MeanSentiment => v.MeanSentiment90Days is { } x
                ? $"support sentiment {(x < -0.2 ? "negative" : x > 0.2 ? "positive" : "neutral")} ({x.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)}) in 90 days"
                : "no support conversations with a sentiment in 90 days",
            ExpansionFeatures.Tickets => $"{Count(v.Tickets90Days)} support conversation{Plural(v.Tickets90Days)} in 90 days",
            ExpansionFeatures.DaysSinceExpansion => v.DaysSinceLastExpansion is { } d ? $"last expanded {Count(d)} days ago" : "has never expanded",
            ExpansionFeatures.AccountAge => v.AccountAgeDays is { } age
                ? age >= 730 ? $"customer for {Count(Math.Floor(age / 365.0))} years" : $"customer for {Count(Math.Max(1, Math.Round(age / 30.4)))} months"
                : "customer since an unknown date",
            ExpansionFeatures.PlanName => v.Plan is { } p ? $"on the {p} plan" : "no plan on record",
            ExpansionFeatures.TierName => $"{v.Tier} tier",
            _ => feature.Replace('_', ' '),
        };
    }

    private static string Growth(string what, double? change) => change switch
    {
        null => $"no {what} trend yet (under 3 months of usage)",
        { } c when Math.Abs(c) < 0.005 => $"{what} flat over 3 months",
        { } c when c > 0 => $"{what} up {Pct(c)} in 3 months",
        { } c => $"{what} down {Pct(-c)} in 3 months",
    };

    private static string Pct(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Points(double fraction)
    {
        string n = (fraction * 100).ToString("0", CultureInfo.InvariantCulture);
        return n + (n == "1" ? " point" : " points");
    }

    private static string Count(double x) => x.ToString("0", CultureInfo.InvariantCulture);

    private static string Plural(int n) => n == 1 ? string.Empty : "s";
}
