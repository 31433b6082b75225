using System.Globalization;
using CopilotBot.ML;
using CopilotBot.Plugins.Churn;
using CopilotBot.Storage.Tests.Infrastructure;
using CopilotBot.Workspace.Storage;

namespace CopilotBot.Storage.Tests.Contracts;

/// <summary>
/// Model versions in the workspace database: numbers allocated by the database (unique across instances), documents
/// returned as stored, activation, legacy imports under their own numbers, and creation on first use happening once.
/// </summary>
public abstract class ModelStoreContract(StoreProvider provider) : StoreContract(provider)
{
    private const string Kind = "churn";

    [StoreFact]
    public async Task AddAsync_GivesEveryVersionItsOwnNumber_WhenTwoInstancesAddAtOnce()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        ModelVersion[] added = await RaceAsync([Stores, other], 24, (s, i) =>
            s.Models.AddAsync(Kind, new NewModel(Samples.Noon.AddMinutes(i), "call " + i, v => Document(v, i)), activate: false));
        IReadOnlyList<ModelVersion> listed = await other.Models.ListAsync(Kind);

        Assert.Equal(Enumerable.Range(1, 24), added.Select(a => a.Version).Order());
        Assert.Equal(Enumerable.Range(1, 24), listed.Select(m => m.Version));
        for (int i = 0; i < added.Length; i++)
        {
            // Each call's own document under the number it was told, whichever instance reads it.
            StoredModel stored = (await Stores.Models.GetAsync(Kind, added[i].Version))!;
            Assert.Equal(Document(added[i].Version, i), stored.Document);
            Assert.Equal("call " + i, stored.Info.Summary);
        }
    }

    [StoreFact]
    public async Task GetAsync_ReturnsExactlyWhatWasAdded_AndAddAsyncActivatesOnlyWhenAsked()
    {
        string big = string.Concat(Enumerable.Repeat("{\"w\":[0.125,-3e-7,\"Zoë 🚀 \\\"q\\\"\"]}", 40_000));
        var createdAt = new DateTimeOffset(2026, 11, 21, 9, 30, 15, 750, TimeSpan.FromHours(1));

        ModelVersion first = await Stores.Models.AddAsync(Kind, new NewModel(createdAt, "{\"auc\":0.81}", v => "v" + v + big), activate: true);
        ModelVersion second = await Stores.Models.AddAsync(Kind, new NewModel(Samples.Noon, "{\"auc\":0.79}", v => "v" + v), activate: false);
        IWorkspaceStores other = await OpenInstanceAsync();
        StoredModel? read = await other.Models.GetAsync(Kind, 1);
        IReadOnlyList<ModelVersion> listed = await other.Models.ListAsync(Kind);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.NotNull(read);
        Assert.Equal("v1" + big, read.Document);
        Assert.Equal(new ModelVersion(Kind, 1, new DateTimeOffset(2026, 11, 21, 8, 30, 15, TimeSpan.Zero), "{\"auc\":0.81}"), read.Info);
        Assert.Equal(read.Info, first);
        Assert.Equal([first, second], listed);
        Assert.Equal(1, await other.Models.GetActiveVersionAsync(Kind));
        Assert.Equal("1", await other.Meta.GetAsync("churn.active_version"));
        Assert.Null(await other.Models.GetAsync(Kind, 3));
        Assert.Empty(await other.Models.ListAsync("router"));
    }

    [StoreFact]
    public async Task ActivateAsync_IsSeenByAnotherInstance_AndRefusesAVersionThatIsNotStored()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        await Stores.Models.AddAsync(Kind, new NewModel(Samples.Noon, "{}", v => Document(v, 0)), activate: true);
        await Stores.Models.AddAsync(Kind, new NewModel(Samples.Noon, "{}", v => Document(v, 1)), activate: true);

        bool rolledBack = await other.Models.ActivateAsync(Kind, 1);
        int? seen = await Stores.Models.GetActiveVersionAsync(Kind);
        bool missing = await other.Models.ActivateAsync(Kind, 7);

        Assert.True(rolledBack);
        Assert.Equal(1, seen);
        Assert.False(missing);
        Assert.Equal(1, await Stores.Models.GetActiveVersionAsync(Kind));
    }

    [StoreFact]
    public async Task ImportAsync_KeepsTheFilesNumber_AndChangesNothingTheSecondTime()
    {
        IWorkspaceStores other = await OpenInstanceAsync();

        bool[] first = await RaceAsync([Stores, other], 4, (s, i) => s.Models.ImportAsync(Kind, 3, Samples.Noon, "{}", "from instance " + (i % 2)));
        bool again = await Stores.Models.ImportAsync(Kind, 3, Samples.Noon, "{}", "something else");
        bool older = await other.Models.ImportAsync(Kind, 1, Samples.Noon, "{}", "v1 file");
        ModelVersion next = await Stores.Models.AddAsync(Kind, new NewModel(Samples.Noon, "{}", v => Document(v, 9)), activate: false);

        Assert.Single(first, imported => imported);
        Assert.False(again);
        Assert.True(older);
        Assert.StartsWith("from instance ", (await other.Models.GetAsync(Kind, 3))!.Document, StringComparison.Ordinal);
        Assert.Equal([1, 3, 4], (await other.Models.ListAsync(Kind)).Select(m => m.Version));
        Assert.Equal(4, next.Version);
    }

    [StoreFact]
    public async Task EnsureActiveAsync_CreatesOnce_WhenSixCallersOnTwoInstancesFindNoModel()
    {
        IWorkspaceStores other = await OpenInstanceAsync();
        int creations = 0;
        async Task<NewModel> Create(CancellationToken ct)
        {
            Interlocked.Increment(ref creations);
            await Task.Delay(400, ct); // Long enough for every other caller to find no model and queue for the lock.
            return new NewModel(Samples.Noon, "{}", v => Document(v, 0));
        }

        int[] versions = await RaceAsync([Stores, other], 6, (s, _) => s.Models.EnsureActiveAsync(Kind, Create));
        int again = await other.Models.EnsureActiveAsync(Kind, Create);

        Assert.Equal(1, creations);
        Assert.All(versions, v => Assert.Equal(1, v));
        Assert.Equal(1, again);
        Assert.Single(await Stores.Models.ListAsync(Kind));
        Assert.Equal(1, await Stores.Models.GetActiveVersionAsync(Kind));
    }

    [StoreFact]
    public async Task EnsureActiveAsync_CreatesTheNextVersion_WhenTheRecordedActiveVersionIsNotStored()
    {
        await Stores.Models.ImportAsync(Kind, 2, Samples.Noon, "{}", "v2 file");
        await Stores.Meta.SetAsync("churn.active_version", "5"); // A legacy pointer to a file no instance had.

        int version = await Stores.Models.EnsureActiveAsync(Kind, _ => Task.FromResult(new NewModel(Samples.Noon, "{}", v => Document(v, 0))));

        Assert.Equal(3, version);
        Assert.Equal(3, await Stores.Models.GetActiveVersionAsync(Kind));
    }

    [StoreFact]
    public async Task ChurnModelStore_ImportsLegacyFilesOnce_KeepingTheirNumbersAndTheActivePointer()
    {
        string folder = Path.Combine(Path.GetTempPath(), "copilot-legacy-" + Guid.NewGuid().ToString("N")[..10]);
        string otherFolder = Path.Combine(Path.GetTempPath(), "copilot-legacy-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "models"));
            Directory.CreateDirectory(Path.Combine(otherFolder, "models"));
            string v1 = TinyBundle(1, 0.71).ToJson(), v3 = TinyBundle(3, 0.83).ToJson();
            await File.WriteAllTextAsync(Path.Combine(folder, "models", "churn-v1.json"), v1);
            await File.WriteAllTextAsync(Path.Combine(folder, "models", "churn-v3.json"), v3);
            await File.WriteAllTextAsync(Path.Combine(folder, "models", "churn-v4.json.tmp"), "{half");
            await File.WriteAllTextAsync(Path.Combine(folder, "models", "churn-v5.json"), "{\"format\":\"something else\"}");
            // Another instance's folder (no shared folder) with its own v3: the first import wins, the other changes nothing.
            await File.WriteAllTextAsync(Path.Combine(otherFolder, "models", "churn-v3.json"), TinyBundle(3, 0.5).ToJson());
            await Stores.Meta.SetAsync(ChurnModelStore.ActiveKey, "3");
            IWorkspaceStores other = await OpenInstanceAsync();

            int imported = await new ChurnModelStore(Stores.Models, folder).ImportLegacyFilesAsync(CancellationToken.None);
            int importedAgain = await new ChurnModelStore(Stores.Models, folder).ImportLegacyFilesAsync(CancellationToken.None);
            var elsewhere = new ChurnModelStore(other.Models, otherFolder);
            IReadOnlyList<ChurnModelInfo> listed = await elsewhere.ListAsync(CancellationToken.None);
            ChurnModelBundle? active = await elsewhere.LoadActiveAsync(CancellationToken.None);
            ChurnModelBundle saved = await elsewhere.SaveAsync(TinyBundle(0, 0.9), CancellationToken.None);

            Assert.Equal(2, imported);
            Assert.Equal(0, importedAgain);
            Assert.Equal([1, 3], listed.Select(m => m.Version));
            Assert.Equal(0.83, listed[1].Metrics.HoldoutAuc90);
            Assert.Equal(new DateOnly(2026, 11, 21), listed[1].AsOf);
            Assert.Equal(v3, (await Stores.Models.GetAsync("churn", 3))!.Document);
            Assert.NotNull(active);
            Assert.Equal((3, 0.83), (active.Version, active.Metrics.HoldoutAuc90));
            Assert.Equal(4, saved.Version);
            Assert.Equal(4, await new ChurnModelStore(Stores.Models, folder).ActiveVersionAsync(CancellationToken.None));
        }
        finally
        {
            foreach (string f in new[] { folder, otherFolder })
            {
                try
                {
                    Directory.Delete(f, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: the OS cleans temp folders.
                }
            }
        }
    }

    private static string Document(int version, int call) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"version\":{version},\"call\":{call},\"text\":\"Zoë 🚀\"}}");

    /// <summary>A real (parseable) churn bundle from a few rows: the import reads trained-at and metrics from it.</summary>
    private static ChurnModelBundle TinyBundle(int version, double auc)
    {
        var csv = new System.Text.StringBuilder("id,logins,label\n");
        for (int i = 0; i < 60; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"a{i},{i},{(i % 3 == 0 ? "Yes" : "No")}\n");
        }

        TabularData table = CsvTabularReader.Load(new StringReader(csv.ToString()), "tiny", "label", "id");
        GbdtModel model = new GradientBoostingTrainer(new GbdtOptions { NumRounds = 3, MinSamplesLeaf = 5, EarlyStoppingRounds = 0 }).Train(table);
        return new ChurnModelBundle(
            version,
            new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero),
            new DateOnly(2026, 11, 21),
            new Dictionary<int, GbdtModel> { [7] = model, [30] = model, [90] = model },
            new ChurnModelMetrics(new Dictionary<string, int> { ["90"] = 60 }, new Dictionary<string, int> { ["90"] = 20 }, auc, 0.12, 12));
    }
}
