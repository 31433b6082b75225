using CopilotBot.Plugins.Churn;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Plugins.Tests;

/// <summary>
/// Scores older than a minute are refreshed off the request path: questions keep being answered from the copy in hand
/// while the book is reloaded and rescored (a load held open here proves they do not wait), unchanged data keeps its
/// scores and past-date scores, changed data shows once the refresh is done, and an invalidation (an import) during a
/// refresh is not undone by the refresh storing what it read before.
/// </summary>
public sealed class ChurnRiskRefreshTests(DemoWorkspaceFixture fixture) : IClassFixture<DemoWorkspaceFixture>
{
    /// <summary>The real account store, whose full listing can be held open and whose accounts can be changed on the way out.</summary>
    private sealed class HeldAccounts(IAccountStore inner) : IAccountStore
    {
        private TaskCompletionSource _release = Completed();

        public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<Account, Account> Change { get; set; } = a => a;

        public int Listings;

        public void Hold()
        {
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Release() => _release.TrySetResult();

        public async Task<IReadOnlyList<Account>> ListAsync(AccountQuery query, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Listings);
            Entered.TrySetResult();
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return (await inner.ListAsync(query, cancellationToken)).Select(Change).ToList();
        }

        public Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<int> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public Task<int> UpsertAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken = default) => throw new NotSupportedException("read-only fixture");

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private (ChurnRiskService Risk, HeldAccounts Accounts, ManualClock Clock) Create(bool versioned = false)
    {
        var accounts = new HeldAccounts(fixture.Workspace.Accounts);
        var clock = new ManualClock(fixture.Clock.GetUtcNow());
        var loader = new AccountHistoryLoader(accounts, fixture.Workspace.Activity, fixture.Workspace.Conversations, versioned ? fixture.Workspace.Stores.DataVersions : null);
        return (new ChurnRiskService(loader, fixture.Models, clock), accounts, clock);
    }

    [Fact]
    public async Task A_question_after_a_minute_is_answered_from_the_copy_in_hand_while_the_book_is_rescored()
    {
        (ChurnRiskService risk, HeldAccounts accounts, ManualClock clock) = Create();
        IReadOnlyList<AccountRisk> first = await risk.ScoreAsync(CancellationToken.None);
        AccountRisk top = first[0];
        clock.Advance(TimeSpan.FromSeconds(61));
        accounts.Hold();
        // The top account's ARR is doubled in the data the refresh will read.
        accounts.Change = a => a.Id == top.Account.Id ? a with { Arr = a.Arr * 2 } : a;

        Task<IReadOnlyList<AccountRisk>> asked = risk.ScoreAsync(CancellationToken.None);
        await accounts.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The refresh is inside its load, held open; the question has its answer anyway: the copy in hand.
        Assert.True(asked.IsCompleted, "the question waited for the refresh");
        Assert.Same(first, await asked);
        Assert.Same(first, await risk.ScoreAsync(CancellationToken.None));
        Assert.Equal(2, accounts.Listings);

        accounts.Release();
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        IReadOnlyList<AccountRisk> fresh = await risk.ScoreAsync(CancellationToken.None);
        Assert.NotSame(first, fresh);
        Assert.Equal(top.Account.Arr * 2, fresh.Single(r => r.Account.Id == top.Account.Id).Account.Arr);
        Assert.Equal(clock.GetUtcNow(), risk.ScoredAt);
        Assert.Equal(2, accounts.Listings); // one refresh, however many questions came meanwhile
    }

    [Fact]
    public async Task Unchanged_data_keeps_its_scores_and_past_scores_across_a_refresh()
    {
        (ChurnRiskService risk, HeldAccounts accounts, ManualClock clock) = Create();
        IReadOnlyList<AccountRisk> now = await risk.ScoreAsync(CancellationToken.None);
        IReadOnlyList<AccountRisk> monthAgo = await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));

        await risk.ScoreAsync(CancellationToken.None);
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, accounts.Listings);
        Assert.Equal(clock.GetUtcNow(), risk.ScoredAt);
        Assert.Same(now, await risk.ScoreAsync(CancellationToken.None));
        Assert.Same(monthAgo, await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None));
    }

    [Fact]
    public async Task With_table_versions_a_refresh_reads_nothing_until_a_write_and_then_reads_again()
    {
        (ChurnRiskService risk, HeldAccounts accounts, ManualClock clock) = Create(versioned: true);
        IReadOnlyList<AccountRisk> now = await risk.ScoreAsync(CancellationToken.None);
        IReadOnlyList<AccountRisk> monthAgo = await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));

        await risk.ScoreAsync(CancellationToken.None);
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        int listingsUnchanged = accounts.Listings;
        DateTimeOffset? scoredAt = risk.ScoredAt;
        IReadOnlyList<AccountRisk> kept = await risk.ScoreAsync(CancellationToken.None);

        // Any committed write to a history table, even one that changes no value, makes the next refresh read again.
        UsageMonth month = (await fixture.Workspace.Activity.GetUsageAsync(now[0].Account.Id))[^1];
        await fixture.Workspace.Stores.WriteAsync(new WorkspaceBatch { Usage = [month] });
        clock.Advance(TimeSpan.FromMinutes(2));
        await risk.ScoreAsync(CancellationToken.None);
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, listingsUnchanged); // the first load only: the refresh compared versions and read no history
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromMinutes(2), scoredAt);
        Assert.Same(now, kept);
        Assert.Same(monthAgo, await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None));
        Assert.Equal(2, accounts.Listings);
        Assert.Equal(clock.GetUtcNow(), risk.ScoredAt);
        Assert.Same(now, await risk.ScoreAsync(CancellationToken.None)); // same data read again: the same scores are kept
    }

    [Fact]
    public async Task Changed_data_has_the_past_dates_scored_again_before_the_swap()
    {
        (ChurnRiskService risk, HeldAccounts accounts, ManualClock clock) = Create();
        await risk.ScoreAsync(CancellationToken.None);
        IReadOnlyList<AccountRisk> monthAgo = await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None);
        string id = monthAgo[0].Account.Id;
        accounts.Change = a => a.Id == id ? a with { Name = a.Name + " (renamed)" } : a;
        clock.Advance(TimeSpan.FromMinutes(2));

        await risk.ScoreAsync(CancellationToken.None);
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        // Scored from the new data by the refresh itself: the question after it finds the date ready, with the new name.
        IReadOnlyList<AccountRisk> again = await risk.ScoreAsOfAsync(risk.Today.AddDays(-30), CancellationToken.None);
        Assert.NotSame(monthAgo, again);
        Assert.EndsWith("(renamed)", again.Single(r => r.Account.Id == id).Account.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalidation_during_a_refresh_is_not_undone_by_it()
    {
        (ChurnRiskService risk, HeldAccounts accounts, ManualClock clock) = Create();
        await risk.ScoreAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(61));
        accounts.Hold();
        await risk.ScoreAsync(CancellationToken.None);
        await accounts.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // An import lands while the refresh is reading: the refresh's data is already old.
        risk.Invalidate();
        accounts.Change = a => a with { Industry = "Imported" };
        accounts.Release();
        await risk.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(risk.ScoredAt);
        IReadOnlyList<AccountRisk> after = await risk.ScoreAsync(CancellationToken.None);
        Assert.Equal(3, accounts.Listings);
        Assert.All(after, r => Assert.Equal("Imported", r.Account.Industry));
    }
}
