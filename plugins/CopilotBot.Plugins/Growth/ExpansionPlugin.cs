using System.ComponentModel;
using System.Globalization;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using CopilotBot.Plugins.Churn;
using CopilotBot.Plugins.Growth.Planning;
using CopilotBot.Workspace.Domain;
using Microsoft.SemanticKernel;

namespace CopilotBot.Plugins.Growth;

/// <summary>
/// Who is ready for an upsell: the expansion model's probability of expanding within 90 days, expected expansion ARR and
/// reasons; accounts at high churn risk are flagged apart, not pitched.
/// </summary>
[Description("Expansion: accounts most likely to expand (seats or plan) in the next 90 days, with expected expansion ARR and reasons.")]
public sealed class ExpansionPlugin(GrowthService growth, IChurnRiskProvider risk)
{
    public const int DefaultTop = 10;

    [KernelFunction("opportunities")]
    [Description("Rank accounts by the probability of expanding (more seats or a higher plan) in the next 90 days, from a model trained on the workspace's past expansions, with expected expansion ARR and the top reasons; accounts at high churn risk are flagged, not pitched.")]
    public async Task<PluginResult> OpportunitiesAsync(
        [FromKernelServices] CallerContext caller,
        [Description("'me' or a CSM user id")] string? owner = null,
        [Description("Platinum | Gold | Silver | Bronze")] string? tier = null,
        [Description("NA | EMEA | APAC | LATAM")] string? region = null,
        [Description("Industry")] string? industry = null,
        [Description("How many to list (default 10)")] int? top = null,
        CancellationToken cancellationToken = default)
    {
        (Tier? t, string? tierError) = Format.ParseTier(tier);
        (Region? r, string? regionError) = Format.ParseRegion(region);
        if ((tierError ?? regionError) is { } error)
        {
            return PluginResult.Refuse(error);
        }

        string? ownerId = owner is null ? null : owner.Equals("me", StringComparison.OrdinalIgnoreCase) ? caller.User.Id : owner;
        if (ownerId is not null && caller.Scope.OwnerIds is { } visible && !visible.Contains(ownerId))
        {
            return PluginResult.Refuse("You can only see your own book and, as a manager, your team's.");
        }

        GrowthData data = await growth.DataAsync(cancellationToken);
        if (data.Subscriptions.Count == 0)
        {
            return PluginResult.Refuse(GrowthInsights.NoSubscriptions);
        }

        ExpansionState state = await growth.ExpansionAsync(cancellationToken);
        var churn = (await risk.ScoreAsync(cancellationToken)).ToDictionary(x => x.Account.Id, x => x.Probability, StringComparer.Ordinal);
        var mine = state.Scores.Where(s => caller.Scope.Allows(s.Account)
            && (ownerId is null || s.Account.OwnerId == ownerId)
            && (t is null || s.Account.Tier == t)
            && (r is null || s.Account.Region == r)
            && (industry is null || s.Account.Industry.Equals(industry, StringComparison.OrdinalIgnoreCase))).ToList();
        string scope = ownerId == caller.User.Id || caller.Scope.OwnerIds is { Count: 1 } ? "in your book"
            : ownerId is not null ? $"in {ownerId}'s book"
            : caller.Scope.OwnerIds is not null ? "in your team" : "across the portfolio";
        scope += string.Concat(new[] { r?.ToString(), industry, t is null ? null : $"{t} tier" }.Where(s => s is not null).Select(s => ", " + s));
        if (mine.Count == 0)
        {
            return new PluginResult($"No active accounts {scope}.") { Data = new { accounts = 0 } };
        }

        int n = Math.Clamp(top ?? DefaultTop, 1, 50);
        bool Held(ExpansionScore s) => churn.TryGetValue(s.Account.Id, out double p) && p >= RetentionSpecialist.HighRisk;
        var pitch = mine.Where(s => !Held(s)).Take(n).ToList();
        var held = mine.Take(Math.Max(n, mine.IndexOf(pitch.LastOrDefault() ?? mine[0]) + 1)).Where(Held).ToList();
        string what = state.FromRule ? "by seat utilisation" : "by probability of expanding within 90 days";
        decimal expected = pitch.Sum(s => s.ExpectedExpansionArr);
        string text = pitch.Count == 0
            ? $"No account {scope} is ready to pitch: the most likely ones are at high churn risk."
            : $"Most likely to expand {scope} ({what}): " +
              string.Join("; ", pitch.Take(3).Select(s => $"{s.Account.Name} ({s.Account.Id}, {Likelihood(s, state)}" +
                  (GrowthInsights.ReasonsForPeople(s) is [var first, ..] ? $": {first.Text}" : string.Empty) + ")")) +
              (state.FromRule ? "." : $". Expected expansion ARR across the {Quantity.Of(pitch.Count, "account")} listed: {Format.Money(expected)}.") +
              (held.Count > 0 ? $" {Quantity.Of(held.Count, "account")} with high churn risk {(held.Count == 1 ? "is" : "are")} held back: retention first." : string.Empty);
        var body = new List<CardElement>
        {
            new CardText(text),
            new CardTable(["Account", state.FromRule ? "Seat use" : "In 90 days", "Expected ARR", "Seats used", "Why", "Churn"], pitch.Select(s => (IReadOnlyList<string>)
            [
                $"{s.Account.Name} ({s.Account.Id})",
                Likelihood(s, state),
                s.ExpectedExpansionArr > 0 && !state.FromRule ? Format.Money(s.ExpectedExpansionArr) : "—",
                s.Features is { ActiveUsers: { } u, Seats: { } seats } ? $"{u} of {seats}" : "—",
                string.Join("; ", GrowthInsights.ReasonsForPeople(s).Take(2).Select(x => x.Text)),
                churn.TryGetValue(s.Account.Id, out double p) ? Format.Risk(p) : "—",
            ]).ToList()),
        };
        if (held.Count > 0)
        {
            body.Add(new CardText("Held back: high churn risk (retention first)", Emphasis: true));
            body.Add(new CardTable(["Account", "Expands in 90 days", "Churn risk"], held.Select(s => (IReadOnlyList<string>)
                [$"{s.Account.Name} ({s.Account.Id})", Likelihood(s, state), Format.Risk(churn[s.Account.Id])]).ToList()));
        }

        body.Add(new CardText(state.FromRule
            ? $"No expansion model: {state.Training.CannotTrainReason} Ranked by seat utilisation instead."
            : string.Create(CultureInfo.InvariantCulture, $"Gradient-boosted trees trained on {Format.Int(state.Training.Info.Rows)} monthly snapshots and {Format.Int(state.Training.Info.Expansions)} past expansions; held-out ROC-AUC {state.Training.Info.HoldoutAuc:0.00}. Expected ARR = probability × the typical expansion for similar accounts."), Subtle: true));
        var actions = pitch.Take(1).Select(s => new CardAction($"Plan for {s.Account.Name}", "account.plan", new Dictionary<string, string> { ["account"] = s.Account.Id })).ToList();
        return new PluginResult(text)
        {
            Cards = [new Card($"Expansion opportunities {scope}", body, actions) { FallbackText = text }],
            AccountsShown = pitch.Select(s => s.Account.Id).ToList(),
            Data = new
            {
                model = state.FromRule ? "seat_utilisation_rule" : "gbdt",
                holdout_auc = state.FromRule ? (double?)null : Math.Round(state.Training.Info.HoldoutAuc, 3),
                accounts = pitch.Select(s => new
                {
                    id = s.Account.Id,
                    name = s.Account.Name,
                    probability = state.FromRule ? (double?)null : Math.Round(s.Probability, 3),
                    expected_arr = state.FromRule ? (decimal?)null : s.ExpectedExpansionArr,
                    seat_utilisation = s.Features.SeatUtilisation is { } u ? Math.Round(u, 3) : (double?)null,
                    reasons = GrowthInsights.ReasonsForPeople(s).Select(x => x.Text),
                }),
                held_back = held.Select(s => s.Account.Id),
            },
        };
    }

    private static string Likelihood(ExpansionScore s, ExpansionState state) =>
        state.FromRule ? (s.Features.SeatUtilisation is { } u ? Format.Percent(u) + " of seats" : "—") : Format.Percent(s.Probability);
}
