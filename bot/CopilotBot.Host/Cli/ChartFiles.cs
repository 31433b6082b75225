using CopilotBot.Conversation.Cards;

namespace CopilotBot.Host.Cli;

/// <summary>
/// Where the command line puts chart images: <c>{workspace}/charts/{sha256}.png</c>. Content-addressed, so asking again
/// reuses the file; written to a temporary name and moved into place, so a reader never sees half a PNG.
/// </summary>
internal sealed class ChartFiles(string workspaceDirectory)
{
    public string Directory { get; } = Path.Combine(Path.GetFullPath(workspaceDirectory), "charts");

    /// <summary>The chart's file (written when missing), or null when the chart cannot be drawn.</summary>
    public string? Save(CardChart chart)
    {
        byte[] png;
        string hash;
        try
        {
            (png, hash) = (chart.Png, chart.Hash);
        }
        catch (ArgumentException)
        {
            return null;
        }

        string path = Path.Combine(Directory, hash + ".png");
        if (!File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Directory);
            string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllBytes(temp, png);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    }

    /// <summary>The chart's file as a <c>file://</c> URL, for the Image element of <c>ask --json</c>.</summary>
    public string? FileUrl(CardChart chart) => Save(chart) is { } path ? new Uri(path).AbsoluteUri : null;
}
