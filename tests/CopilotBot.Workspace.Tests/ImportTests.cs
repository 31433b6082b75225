using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Workspace.Tests;

public sealed class ImportTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly TempWorkspace _temp = new();

    public ImportTests()
    {
        _temp.Workspace.Users.UpsertAsync([new User("jo.csm", "Jo Csm", "jo@example.com", UserRole.Csm, null)]).GetAwaiter().GetResult();
    }

    private WorkspaceImporter Importer => new(_temp.Workspace, Today);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ImportAsync_UpsertsWithoutDuplicates_WhenSameFileImportedTwice()
    {
        string file = _temp.File("accounts.csv", """
            id,name,tier,arr,region,industry,owner,renewal_date
            A1,Contoso Ltd,Platinum,450000,EMEA,Retail,jo.csm,2027-03-01
            A2,"Fabrikam, Inc",gold,"120,000",na,Software,jo@example.com,2027-01-15
            A3,Northwind,Bronze,9000,APAC,Logistics,,
            """);

        ImportReport first = await Importer.ImportAsync(ImportKind.Accounts, file);
        ImportReport second = await Importer.ImportAsync(ImportKind.Accounts, file);

        Assert.Equal((3, 0, 0), (first.Inserted, first.Updated, first.Rejected));
        Assert.Equal((0, 3, 0), (second.Inserted, second.Updated, second.Rejected));
        Assert.Equal(3, await _temp.Workspace.Accounts.CountAsync());
        Account? fabrikam = await _temp.Workspace.Accounts.GetAsync("A2");
        Assert.Equal(("Fabrikam, Inc", Tier.Gold, 120_000m, Region.NA, "jo.csm"), (fabrikam!.Name, fabrikam.Tier, fabrikam.Arr, fabrikam.Region, fabrikam.OwnerId));
    }

    [Fact]
    public async Task ImportAsync_ReportsBadRowsByLine_AndKeepsGoodRowsAndExistingData()
    {
        await _temp.Workspace.Accounts.UpsertAsync([new Account("OLD", "Existing Co", Tier.Silver, 30000m, Region.NA, "Retail", null, null, null, null)]);
        string file = _temp.File("accounts.csv", """
            id,name,tier,arr,region
            A1,Good One,Gold,100000,EMEA
            A2,Bad Tier,Diamond,100000,EMEA
            A3,Good Two,Silver,25000,LATAM
            A4,Bad Money,Gold,lots,Mars
            ,No Id,Gold,1,NA
            A6,Good Three,Bronze,5000,APAC
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Accounts, file);

        Assert.Equal(6, report.RowsRead);
        Assert.Equal(3, report.Inserted);
        Assert.Equal(3, report.Rejected);
        Assert.Contains(report.Errors, e => e.Line == 3 && e.Message.Contains("Diamond", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("arr", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("Mars", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 6 && e.Message.Contains("'id' is required", StringComparison.Ordinal));
        Assert.Equal(4, await _temp.Workspace.Accounts.CountAsync());
        Assert.NotNull(await _temp.Workspace.Accounts.GetAsync("OLD"));
        Assert.Null(await _temp.Workspace.Accounts.GetAsync("A2"));
    }

    [Fact]
    public async Task ImportAsync_RefusesWholeFile_WhenARequiredColumnIsMissing()
    {
        string file = _temp.File("accounts.csv", "id,name,tier\nA1,X,Gold\n");

        var ex = await Assert.ThrowsAsync<WorkspaceException>(() => Importer.ImportAsync(ImportKind.Accounts, file));

        Assert.Contains("arr", ex.Message, StringComparison.Ordinal);
        Assert.Contains("region", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _temp.Workspace.Accounts.CountAsync());
    }

    [Fact]
    public async Task ImportAsync_RejectsUsageForUnknownAccount_WithActionableMessage()
    {
        await _temp.Workspace.Accounts.UpsertAsync([new Account("A1", "Known", Tier.Gold, 1m, Region.NA, "Retail", null, null, null, null)]);
        string file = _temp.File("usage.csv", """
            account_id,month,active_users,logins,feature_adoption
            A1,2026-10,120,1500,0.62
            A1,2026-11-01,100,1200,55%
            ZZ9,2026-10,5,10,0.1
            A1,2026-09,many,10,1.7
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Usage, file);

        Assert.Equal(2, report.Inserted);
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Message.Contains("import accounts first", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("active_users", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Message.Contains("feature_adoption", StringComparison.Ordinal));
        IReadOnlyList<UsageMonth> usage = await _temp.Workspace.Activity.GetUsageAsync("A1");
        Assert.Equal([new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)], usage.Select(u => u.Month));
        Assert.Equal(0.55, usage[1].FeatureAdoption, 6);
    }

    [Fact]
    public async Task ImportAsync_GroupsTurnRowsByConversation_AndKeepsLineNumbersAcrossQuotedNewlines()
    {
        string file = _temp.File("turns.csv", """
            conversation_id,timestamp,speaker,text,topic
            c1,2026-10-01T10:05:00Z,agent,"Thanks, we're on it.",billing
            c2,2026-10-02T09:00:00Z,customer,"Line one
            line two of the same message",login
            c1,2026-10-01T10:00:00Z,customer,We were charged twice,billing
            c3,2026-10-03T09:00:00Z,robot,hello,outage
            c3,2026-10-03T09:01:00Z,agent,hi,outage
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Conversations, file);

        Assert.Equal(2, report.Inserted);
        Assert.Contains(report.Errors, e => e.Line == 6 && e.Message.Contains("robot", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Line == 7 && e.Message.Contains("c3", StringComparison.Ordinal));
        var turns = await _temp.Workspace.Conversations.GetTurnsAsync("c1");
        Assert.Equal(["We were charged twice", "Thanks, we're on it."], turns.Select(t => t.Text));
        Assert.Equal(Speaker.Customer, turns[0].Speaker);
        Assert.Equal("Line one\nline two of the same message", (await _temp.Workspace.Conversations.GetTurnsAsync("c2"))[0].Text);
        Assert.Null(await _temp.Workspace.Conversations.GetAsync("c3"));
    }

    [Fact]
    public async Task ImportAsync_ReadsRealTwacsConversations_AndReportsMalformedJsonLines()
    {
        string[] sample = File.ReadLines(Fixtures.Path("twacs-sample.jsonl")).Take(300).ToArray();
        string file = _temp.File("twacs.jsonl", string.Join('\n', sample.Take(150)) + "\n{not json\n\n" + string.Join('\n', sample.Skip(150)) + "\n");

        ImportReport report = await Importer.ImportAsync(ImportKind.Conversations, file);
        ImportReport again = await Importer.ImportAsync(ImportKind.Conversations, file);

        Assert.Equal(300, report.Inserted);
        Assert.Single(report.Errors);
        Assert.Equal(151, report.Errors[0].Line);
        Assert.Equal((0, 300), (again.Inserted, again.Updated));
        Assert.Equal(300, await _temp.Workspace.Conversations.CountAsync());
        string firstId = System.Text.Json.JsonDocument.Parse(sample[0]).RootElement.GetProperty("conversation_id").GetString()!;
        var turns = await _temp.Workspace.Conversations.GetTurnsAsync(firstId);
        Assert.True(turns.Count >= 2);
        Assert.Equal(Speaker.Customer, turns[0].Speaker);
    }

    [Fact]
    public async Task ImportAsync_GivesTasksWithoutIdsAStableId_SoReimportUpdates()
    {
        string file = _temp.File("tasks.csv", """
            title,due_date,assignee,status
            Call Contoso,2026-11-28,jo.csm,open
            Send QBR deck,2026-12-02,Jo Csm,done
            Nobody's task,2026-12-02,ghost,open
            """);

        ImportReport first = await Importer.ImportAsync(ImportKind.Tasks, file);
        ImportReport second = await Importer.ImportAsync(ImportKind.Tasks, file);

        Assert.Equal((2, 0), (first.Inserted, first.Updated));
        Assert.Equal((0, 2), (second.Inserted, second.Updated));
        Assert.Contains(first.Errors, e => e.Line == 4 && e.Message.Contains("ghost", StringComparison.Ordinal));
        var tasks = await _temp.Workspace.Tasks.ListAsync("jo.csm", null, null);
        Assert.Equal(2, tasks.Count);
        Assert.Contains(tasks, t => t.Title == "Send QBR deck" && t.Status == TaskState.Done);
    }

    [Fact]
    public async Task ImportAsync_Throws_WhenFileDoesNotExist()
    {
        var ex = await Assert.ThrowsAsync<WorkspaceException>(() => Importer.ImportAsync(ImportKind.Accounts, "/nonexistent/file.csv"));

        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_RefusesARowWithInvalidUtf8ByLine_AndStoresNoReplacementCharacters()
    {
        string path = Path.Combine(_temp.Directory, "accounts-latin1.csv");
        byte[] bad = [.. "id,name,tier,arr,region\nA1,Good Co,Gold,1000,EMEA\nA2,Caf"u8, 0xE9, .. " Latin-1,Gold,2000,EMEA\nA3,Also Good,Silver,3000,NA\n"u8];
        await File.WriteAllBytesAsync(path, bad);

        ImportReport report = await Importer.ImportAsync(ImportKind.Accounts, path);

        ImportRowError error = Assert.Single(report.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Null(await _temp.Workspace.Accounts.GetAsync("A2"));
        Assert.Equal(2, await _temp.Workspace.Accounts.CountAsync());
    }

    [Fact]
    public async Task ImportAsync_RefusesAJsonLineWithInvalidUtf8ByLine()
    {
        string path = Path.Combine(_temp.Directory, "conversations.jsonl");
        byte[] bad = [.. "{\"conversation_id\":\"c1\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"fine\"}]}\n{\"conversation_id\":\"c2\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"caf"u8, 0xE9, .. "\"}]}\n"u8];
        await File.WriteAllBytesAsync(path, bad);

        ImportReport report = await Importer.ImportAsync(ImportKind.Conversations, path);

        ImportRowError error = Assert.Single(report.Errors);
        Assert.Equal((2, true), (error.Line, error.Message.Contains("UTF-8", StringComparison.Ordinal)));
        Assert.Null(await _temp.Workspace.Conversations.GetAsync("c2"));
        Assert.NotNull(await _temp.Workspace.Conversations.GetAsync("c1"));
    }

    [Fact]
    public async Task ImportAsync_SkipsAConversationWhole_WhenOneOfItsRowsCannotBeReadAtAll()
    {
        string file = _temp.File("turns.csv", """
            conversation_id,speaker,text
            c1,customer,We were charged twice
            c1,agent,Sorry about that,extra,fields
            c1,customer,Thanks
            c2,customer,Fine here
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Conversations, file);

        Assert.Null(await _temp.Workspace.Conversations.GetAsync("c1"));
        Assert.NotNull(await _temp.Workspace.Conversations.GetAsync("c2"));
        Assert.Equal([2, 3, 4], report.Errors.Select(e => e.Line).Distinct());
        Assert.Equal(1, report.Inserted);
    }

    [Fact]
    public async Task ImportAsync_SkipsAConversationWhole_WhenOneOfItsJsonLinesIsMalformed()
    {
        string file = _temp.File("turns.jsonl", """
            {"conversation_id":"c1","turn":1,"speaker":"customer","text":"We were charged twice"}
            {"conversation_id":"c1","turn":2,"speaker":"agent","text":"Sorry about that"
            {"conversation_id":"c2","turn":1,"speaker":"customer","text":"Fine here"}
            """);

        ImportReport report = await Importer.ImportAsync(ImportKind.Conversations, file);

        Assert.Null(await _temp.Workspace.Conversations.GetAsync("c1"));
        Assert.NotNull(await _temp.Workspace.Conversations.GetAsync("c2"));
        Assert.Equal([1, 2], report.Errors.Select(e => e.Line).Distinct().Order());
    }

    [Fact]
    public async Task ImportAsync_RefusesAmbiguousDates_UnlessTheImportStatesItsDateFormat()
    {
        string file = _temp.File("accounts.csv", """
            id,name,tier,arr,region,renewal_date
            A1,Contoso,Gold,1000,EMEA,03/04/2027
            A2,Fabrikam,Gold,1000,EMEA,25/04/2027
            A3,Northwind,Gold,1000,EMEA,2027-04-03
            """);

        ImportReport guessed = await Importer.ImportAsync(ImportKind.Accounts, file);
        ImportReport dayFirst = await new WorkspaceImporter(_temp.Workspace, Today) { DateFormat = "dd/MM/yyyy" }
            .ImportAsync(ImportKind.Accounts, file);

        ImportRowError error = Assert.Single(guessed.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("03/04/2027", error.Message, StringComparison.Ordinal);
        Assert.Contains("--date-format", error.Message, StringComparison.Ordinal);
        Assert.Empty(dayFirst.Errors);
        Assert.Equal(new DateOnly(2027, 4, 3), (await _temp.Workspace.Accounts.GetAsync("A1"))!.RenewalDate);
        Assert.Equal(new DateOnly(2027, 4, 25), (await _temp.Workspace.Accounts.GetAsync("A2"))!.RenewalDate);
    }

    [Fact]
    public async Task ImportAsync_ReadsMonthFirstDates_WhenTheImportSaysSo()
    {
        string file = _temp.File("payments-accounts.csv", "id,name,tier,arr,region,renewal_date\nA1,Contoso,Gold,1000,EMEA,03/04/2027\n");

        ImportReport report = await new WorkspaceImporter(_temp.Workspace, Today) { DateFormat = "MM/dd/yyyy" }
            .ImportAsync(ImportKind.Accounts, file);

        Assert.Empty(report.Errors);
        Assert.Equal(new DateOnly(2027, 3, 4), (await _temp.Workspace.Accounts.GetAsync("A1"))!.RenewalDate);
    }
}
