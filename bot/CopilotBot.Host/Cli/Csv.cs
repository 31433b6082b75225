namespace CopilotBot.Host.Cli;

/// <summary>RFC 4180 quoting for the CSV files and exports the command line writes.</summary>
internal static class Csv
{
    public static string Quote(string value) =>
        value.Contains(',') || value.Contains('"') || value.Contains('\n') ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
