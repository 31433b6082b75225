using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>
/// Imports on each provider: a re-import whose file has fewer columns than what is stored changes only the columns the
/// file has, for every import kind (issue 17, item 6: owner, industry, renewal, signup and seats were emptied).
/// </summary>
public abstract class ImportContract(StoreProvider provider) : StoreContract(provider), IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly string _folder = Directory.CreateTempSubdirectory("copilot-import-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ImportAsync_ChangesOnlyTheColumnsTheFileHas_WhenReimportingEveryKindWithFewerColumns()
    {
        CopilotWorkspace workspace = CopilotWorkspace.Open(_folder, Stores);
        var importer = new WorkspaceImporter(workspace, Today);
        await Import(importer, ImportKind.Users, "users.csv", """
            id,name,role,email,manager
            mia.mgr,Mia Manager,manager,mia@example.com,
            jo.csm,Jo Csm,csm,jo@example.com,mia.mgr
            """);
        await Import(importer, ImportKind.Accounts, "accounts.csv", """
            id,name,tier,arr,region,industry,owner,renewal_date,signup_date,seats
            A1,Contoso,Platinum,450000,EMEA,Retail,jo.csm,2027-03-01,2022-05-10,120
            """);
        await Import(importer, ImportKind.Usage, "usage.csv", """
            account_id,month,active_users,logins,feature_adoption
            A1,2026-10,50,400,0.5
            """);
        await Import(importer, ImportKind.Payments, "payments.csv", """
            id,account_id,due_date,amount,paid_date,status
            INV1,A1,2026-09-01,1000,2026-09-20,failed
            """);
        await Import(importer, ImportKind.Tasks, "tasks.csv", """
            id,title,account_id,due_date,assignee,status
            T1,Call Contoso,A1,2026-12-01,jo.csm,open
            """);
        await Import(importer, ImportKind.Conversations, "conversations.csv", """
            conversation_id,account_id,timestamp,speaker,text,topic,sentiment,channel,subject
            C1,A1,2026-10-01T10:00:00Z,customer,We were charged twice,billing,-0.6,email,Invoice 1
            """);

        await Import(importer, ImportKind.Users, "users-2.csv", "id,name,role\njo.csm,Jo Renamed,csm\n");
        await Import(importer, ImportKind.Accounts, "accounts-2.csv", "id,name,tier,arr,region\nA1,Contoso Renamed,Gold,500000,EMEA\n");
        await Import(importer, ImportKind.Usage, "usage-2.csv", "account_id,month,active_users\nA1,2026-10,77\n");
        await Import(importer, ImportKind.Payments, "payments-2.csv", "id,account_id,due_date,amount\nINV1,A1,2026-09-01,1200\n");
        await Import(importer, ImportKind.Tasks, "tasks-2.csv", "id,title\nT1,Call Contoso again\n");
        await Import(importer, ImportKind.Conversations, "conversations-2.csv", "conversation_id,speaker,text\nC1,customer,Still charged twice\n");

        User jo = (await workspace.Users.GetAsync("jo.csm"))!;
        Assert.Equal(("Jo Renamed", "jo@example.com", "mia.mgr"), (jo.Name, jo.Email, jo.ManagerId));
        Account a1 = (await workspace.Accounts.GetAsync("A1"))!;
        Assert.Equal(
            ("Contoso Renamed", Tier.Gold, 500000m, "Retail", "jo.csm", new DateOnly(2027, 3, 1), new DateOnly(2022, 5, 10), 120),
            (a1.Name, a1.Tier, a1.Arr, a1.Industry, a1.OwnerId, a1.RenewalDate!.Value, a1.SignupDate!.Value, a1.Seats!.Value));
        UsageMonth usage = Assert.Single(await workspace.Activity.GetUsageAsync("A1"));
        Assert.Equal((77, 400, 0.5), (usage.ActiveUsers, usage.Logins, usage.FeatureAdoption));
        Payment payment = Assert.Single(await workspace.Activity.GetPaymentsAsync("A1"));
        Assert.Equal((1200m, new DateOnly(2026, 9, 20), PaymentStatus.Failed), (payment.Amount, payment.PaidDate!.Value, payment.Status));
        CrmTask task = (await workspace.Tasks.GetAsync("T1"))!;
        Assert.Equal(("Call Contoso again", "A1", new DateOnly(2026, 12, 1), "jo.csm"), (task.Title, task.AccountId, task.DueDate!.Value, task.AssigneeId));
        SupportConversation conversation = (await workspace.Conversations.GetAsync("C1"))!;
        Assert.Equal(("A1", "billing", -0.6, "email", "Invoice 1"), (conversation.AccountId, conversation.Topic, conversation.Sentiment!.Value, conversation.Channel, conversation.Subject));
        Assert.Equal(["Still charged twice"], (await workspace.Conversations.GetTurnsAsync("C1")).Select(t => t.Text));
    }

    private async Task Import(WorkspaceImporter importer, ImportKind kind, string name, string csv)
    {
        string path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, csv);
        ImportReport report = await importer.ImportAsync(kind, path);
        Assert.True(report.Errors.Count == 0, string.Join("; ", report.Errors.Select(e => $"{name} line {e.Line}: {e.Message}")));
    }
}
