using System.Globalization;

namespace CopilotBot.Host.Tests;

public sealed class ChurnCommandTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("copilot-churn-cli");

    public void Dispose() => _scratch.Dispose();

    private static string TelcoPath() => Fixtures.Path("telco-churn-sample.csv");

    [Fact]
    public async Task TrainThenScore_WritesMetricsModelAndPredictionsWithDrivers_OnTelco()
    {
        string model = Path.Combine(_scratch.Path, "model.json"), predictions = Path.Combine(_scratch.Path, "predictions.csv");
        string sample = Path.Combine(_scratch.Path, "sample.csv");
        await File.WriteAllLinesAsync(sample, File.ReadLines(TelcoPath()).Take(101));

        (int trainExit, string trainOut, _) = await Cli.RunAsync("", "churn", "train", "--data", TelcoPath(), "--label", "Churn", "--id", "customerID", "--out", model, "--workspace", Path.Combine(_scratch.Path, "ws"));
        (int scoreExit, string scoreOut, _) = await Cli.RunAsync("", "churn", "score", "--model", model, "--data", sample, "--out", predictions);

        Assert.Equal(0, trainExit);
        string cvLine = trainOut.Split('\n').First(l => l.StartsWith("5-fold CV", StringComparison.Ordinal));
        double auc = double.Parse(cvLine.Split("ROC-AUC ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(auc >= 0.845, cvLine);
        Assert.Contains("PR-AUC", cvLine, StringComparison.Ordinal);
        Assert.Contains("Brier", cvLine, StringComparison.Ordinal);
        Assert.Contains("ECE", trainOut, StringComparison.Ordinal);
        Assert.Equal(0, scoreExit);
        Assert.Contains("Scored 100 rows", scoreOut, StringComparison.Ordinal);
        string[] rows = await File.ReadAllLinesAsync(predictions);
        Assert.Equal("id,probability,driver_1,driver_2,driver_3", rows[0]);
        Assert.Equal(101, rows.Length);
        Assert.StartsWith(File.ReadLines(TelcoPath()).Skip(1).First().Split(",")[0] + ",", rows[1], StringComparison.Ordinal);
        Assert.Contains(" pts)", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_RefusesAFileWithoutAFeatureColumn_AndWarnsOnUnknownCategories()
    {
        string model = Path.Combine(_scratch.Path, "model.json");
        string train = Path.Combine(_scratch.Path, "train.csv");
        await File.WriteAllLinesAsync(train, File.ReadLines(TelcoPath()).Take(1500));
        await Cli.RunAsync("", "churn", "train", "--data", train, "--label", "Churn", "--id", "customerID", "--out", model, "--folds", "2", "--workspace", Path.Combine(_scratch.Path, "ws"));
        string[] lines = File.ReadLines(TelcoPath()).Take(21).ToArray();
        string missing = Path.Combine(_scratch.Path, "missing.csv");
        await File.WriteAllLinesAsync(missing, lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 5))));
        string unknown = Path.Combine(_scratch.Path, "unknown.csv");
        await File.WriteAllLinesAsync(unknown, lines.Select(l => l.Replace("Month-to-month", "Weekly", StringComparison.Ordinal)));

        (int missingExit, _, string missingErr) = await Cli.RunAsync("", "churn", "score", "--model", model, "--data", missing, "--out", Path.Combine(_scratch.Path, "p1.csv"));
        (int unknownExit, _, string unknownErr) = await Cli.RunAsync("", "churn", "score", "--model", model, "--data", unknown, "--out", Path.Combine(_scratch.Path, "p2.csv"));

        Assert.Equal(2, missingExit);
        Assert.Contains("tenure", missingErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "p1.csv")));
        Assert.Equal(0, unknownExit);
        Assert.Contains("Weekly", unknownErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkspaceModel_IsVersioned_AndCanBeRolledBack()
    {
        string ws = Path.Combine(_scratch.Path, "ws");

        (int trainExit, string trainOut, _) = await Cli.RunAsync("", "churn", "train", "--workspace", ws, "--now", "2026-11-21");
        (_, string listed, _) = await Cli.RunAsync("", "churn", "models", "--workspace", ws);
        (int useExit, _, _) = await Cli.RunAsync("", "churn", "use", "v1", "--workspace", ws);
        (_, string afterUse, _) = await Cli.RunAsync("", "churn", "models", "--workspace", ws);
        (int badExit, _, string badErr) = await Cli.RunAsync("", "churn", "use", "9", "--workspace", ws);

        Assert.Equal(0, trainExit);
        Assert.Contains("v2 trained and active", trainOut, StringComparison.Ordinal);
        Assert.Contains("* v2", listed, StringComparison.Ordinal);
        Assert.Equal(0, useExit);
        Assert.Contains("* v1", afterUse, StringComparison.Ordinal);
        Assert.Contains("  v2", afterUse, StringComparison.Ordinal);
        Assert.Equal(2, badExit);
        Assert.Contains("no churn model version 9", badErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkspaceModelFiles_AreImportedOnceOnOpen_KeepingTheirNumbersAndTheActiveVersion()
    {
        string ws = Path.Combine(_scratch.Path, "legacy");
        (int firstExit, _, _) = await Cli.RunAsync("", "churn", "models", "--workspace", ws, "--now", "2026-11-21");
        // Turn it into a workspace from before versions moved into the database: the model as files, no rows, and the
        // active version pointing at one of the files.
        string document = Sql(ws, "SELECT document FROM models WHERE kind = 'churn' AND version = 1");
        Directory.CreateDirectory(Path.Combine(ws, "models"));
        await File.WriteAllTextAsync(Path.Combine(ws, "models", "churn-v1.json"), document);
        await File.WriteAllTextAsync(Path.Combine(ws, "models", "churn-v4.json"), document.Replace("\"version\":1,", "\"version\":4,", StringComparison.Ordinal));
        Sql(ws, "DELETE FROM models; UPDATE meta SET value = '4' WHERE key = 'churn.active_version'");

        (int listExit, string listed, _) = await Cli.RunAsync("", "churn", "models", "--workspace", ws, "--now", "2026-11-21");
        (_, string again, _) = await Cli.RunAsync("", "churn", "models", "--workspace", ws, "--now", "2026-11-21");

        Assert.Equal(0, firstExit);
        Assert.Equal(0, listExit);
        Assert.Contains("  v1  trained", listed, StringComparison.Ordinal);
        Assert.Contains("* v4  trained", listed, StringComparison.Ordinal);
        Assert.Equal(2, listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("  v", StringComparison.Ordinal) || l.StartsWith("* v", StringComparison.Ordinal)));
        Assert.Equal(listed, again);
        Assert.Equal("2", Sql(ws, "SELECT count(*) FROM models"));
        Assert.Equal(document, Sql(ws, "SELECT document FROM models WHERE version = 1"));
    }

    private static string Sql(string workspace, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(workspace, "copilot.db")};Pooling=False");
        connection.Open();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
