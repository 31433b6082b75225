using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

public abstract class InterventionStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private static readonly DateTimeOffset Now = Samples.Noon;

    [StoreFact]
    public async Task UpsertAsync_UpdatesOutcomeFieldsOnly_AndRoundTripsDecisions()
    {
        Intervention original = Samples.Intervention("I1", "P1", Now) with { DecidedBy = "dana", DecidedAt = Now.AddMinutes(5) };
        Intervention sparse = new("I2", "P2", "call", InterventionStatus.Saved, null, Now, "csm.one", null, null, null);
        int first = await Stores.Interventions.UpsertAsync([original, sparse]);

        int second = await Stores.Interventions.UpsertAsync(
        [
            original with { AccountId = "P9", Status = InterventionStatus.Saved, OutcomeAt = Now.AddDays(3), OutcomeBy = "csm.one", Draft = "Edited ✉️" },
        ]);

        Assert.Equal(2, first);
        Assert.Equal(0, second);
        Assert.Equal(
            original with { Status = InterventionStatus.Saved, OutcomeAt = Now.AddDays(3), OutcomeBy = "csm.one", Draft = "Edited ✉️" },
            await Stores.Interventions.GetAsync("I1"));
        Assert.Equal(sparse, await Stores.Interventions.GetAsync("I2"));
        Assert.Null(await Stores.Interventions.GetAsync("I3"));
    }

    [StoreFact]
    public async Task ListAsync_FiltersByAccount_OrderedByCreationThenId()
    {
        await Stores.Interventions.UpsertAsync(
        [
            Samples.Intervention("I3", "P1", Now),
            Samples.Intervention("I1", "P2", Now.AddHours(1)),
            Samples.Intervention("I2", "P1", Now),
            Samples.Intervention("I0", "P1", Now.AddHours(-1)),
        ]);

        Assert.Equal(["I0", "I2", "I3", "I1"], (await Stores.Interventions.ListAsync(null)).Select(i => i.Id));
        Assert.Equal(["I0", "I2", "I3"], (await Stores.Interventions.ListAsync("P1")).Select(i => i.Id));
    }

    [StoreFact]
    public async Task TryCreateAsync_RefusesADuplicate_WithinTheDedupeWindowOnly()
    {
        await Stores.Interventions.UpsertAsync([Samples.Intervention("I1", "P1", Now.AddDays(-10)), Samples.Intervention("I2", "P2", Now.AddDays(-20))]);

        GuardedCreate duplicate = await Stores.Interventions.TryCreateAsync(Samples.Intervention("I3", "P1", Now), 50, 14);
        GuardedCreate outside = await Stores.Interventions.TryCreateAsync(Samples.Intervention("I4", "P2", Now), 50, 14);

        Assert.Equal(GuardedCreate.Duplicate, duplicate);
        Assert.Equal(GuardedCreate.Created, outside);
        Assert.Null(await Stores.Interventions.GetAsync("I3"));
        Assert.Equal(Samples.Intervention("I4", "P2", Now), await Stores.Interventions.GetAsync("I4"));
    }

    [StoreFact]
    public async Task TryCreateAsync_RateLimits_CountingTheCreatorsActionsSinceAnHourBefore()
    {
        await Stores.Interventions.UpsertAsync(
        [
            Samples.Intervention("I1", "P1", Now.AddMinutes(-59)),
            Samples.Intervention("I2", "P2", Now.AddMinutes(30)), // stamped later by a run whose clock was ahead: counts
            Samples.Intervention("I3", "P3", Now.AddMinutes(-61)), // more than an hour before: does not count
            Samples.Intervention("I4", "P4", Now, InterventionStatus.PendingApproval), // approval requests are not actions
            Samples.Intervention("I4r", "P4", Now.AddMinutes(-5), InterventionStatus.Rejected), // nor are rejected ones: nothing went out
            Samples.Intervention("I5", "P5", Now, createdBy: "someone.else"),
        ]);

        GuardedCreate third = await Stores.Interventions.TryCreateAsync(Samples.Intervention("I6", "P6", Now), 3, 14);
        GuardedCreate fourth = await Stores.Interventions.TryCreateAsync(Samples.Intervention("I7", "P7", Now), 3, 14);
        GuardedCreate approval = await Stores.Interventions.TryCreateAsync(Samples.Intervention("I8", "P8", Now, InterventionStatus.PendingApproval), 3, 14);

        Assert.Equal(GuardedCreate.Created, third);
        Assert.Equal(GuardedCreate.RateLimited, fourth);
        Assert.Equal(GuardedCreate.RateLimited, approval); // the caller passes int.MaxValue for approval requests
    }

    [StoreFact]
    public async Task TryCreateAsync_CreatesExactlyTheCap_WhenTwoInstancesRaceOver200EligibleAccounts()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        string[] accounts = [.. Enumerable.Range(0, 200).Select(i => "A" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture))];

        // Each instance runs four workers over all 200 accounts (the second instance in reverse order), so the same
        // accounts and the same hourly budget are fought over from both sides.
        GuardedCreate[][] results = await RaceAsync([Stores, other], 8, async (s, worker) =>
        {
            IEnumerable<string> mine = accounts.Where((_, i) => i % 4 == worker / 2);
            var outcomes = new List<GuardedCreate>();
            foreach (string account in worker % 2 == 0 ? mine : mine.Reverse())
            {
                outcomes.Add(await s.Interventions.TryCreateAsync(
                    Samples.Intervention("I" + worker + "-" + account, account, Now.AddSeconds(worker % 2)), 50, 14));
            }

            return outcomes.ToArray();
        });
        IReadOnlyList<Intervention> stored = await Stores.Interventions.ListAsync(null);

        Assert.Equal(50, results.Sum(r => r.Count(o => o == GuardedCreate.Created)));
        Assert.Equal(50, stored.Count);
        Assert.Equal(50, stored.Select(i => i.AccountId).Distinct().Count());
        Assert.Equal(400 - 50, results.Sum(r => r.Count(o => o is GuardedCreate.RateLimited or GuardedCreate.Duplicate)));
    }

    [StoreFact]
    public async Task DecideAsync_AppliesOnce_ThenSaysWhy()
    {
        await Stores.Interventions.UpsertAsync(
        [
            Samples.Intervention("I1", "P1", Now, InterventionStatus.PendingApproval),
            Samples.Intervention("I2", "P2", Now.AddHours(-80), InterventionStatus.PendingApproval),
            Samples.Intervention("I3", "P3", Now, InterventionStatus.PendingApproval),
        ]);
        DateTimeOffset at = Now.AddHours(1), expiry = Now.AddHours(-72);

        ApprovalDecision approved = await Stores.Interventions.DecideAsync("I1", true, "dana", at, expiry);
        ApprovalDecision again = await Stores.Interventions.DecideAsync("I1", false, "sam", at, expiry);
        ApprovalDecision expired = await Stores.Interventions.DecideAsync("I2", true, "dana", at, expiry);
        ApprovalDecision rejected = await Stores.Interventions.DecideAsync("I3", false, "sam", at, expiry);
        ApprovalDecision missing = await Stores.Interventions.DecideAsync("I9", true, "dana", at, expiry);

        Assert.Equal(
            [ApprovalDecision.Applied, ApprovalDecision.AlreadyDecided, ApprovalDecision.Expired, ApprovalDecision.Applied, ApprovalDecision.NotFound],
            new[] { approved, again, expired, rejected, missing });
        Intervention i1 = (await Stores.Interventions.GetAsync("I1"))!;
        Assert.Equal((InterventionStatus.Pending, "dana", (DateTimeOffset?)at), (i1.Status, i1.DecidedBy, i1.DecidedAt));
        Assert.Equal(InterventionStatus.Rejected, (await Stores.Interventions.GetAsync("I3"))!.Status);
        Assert.Equal(InterventionStatus.PendingApproval, (await Stores.Interventions.GetAsync("I2"))!.Status);
    }

    [StoreFact]
    public async Task DecideAsync_AppliesExactlyOnce_WhenTwoInstancesClickAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        await Stores.Interventions.UpsertAsync([Samples.Intervention("I1", "P1", Now, InterventionStatus.PendingApproval)]);

        ApprovalDecision[] decisions = await RaceAsync([Stores, other], 20, (s, i) =>
            s.Interventions.DecideAsync("I1", i % 3 != 0, "approver" + i, Now.AddMinutes(1), Now.AddHours(-72)));
        Intervention decided = (await other.Interventions.GetAsync("I1"))!;

        Assert.Single(decisions, d => d == ApprovalDecision.Applied);
        Assert.Equal(19, decisions.Count(d => d == ApprovalDecision.AlreadyDecided));
        int winner = Array.IndexOf(decisions, ApprovalDecision.Applied);
        Assert.Equal("approver" + winner, decided.DecidedBy);
        Assert.Equal(winner % 3 != 0 ? InterventionStatus.Pending : InterventionStatus.Rejected, decided.Status);
    }
}
