namespace CopilotBot.Host.Cli;

/// <summary>
/// Progress on standard error: a redrawn bar on a terminal, a line every 10% otherwise (CI logs, pipes),
/// so standard output stays clean for results such as `ask --json`.
/// </summary>
internal sealed class ConsoleProgress(string label, TextWriter? writer = null) : IProgress<double>
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly bool _interactive = writer is null && !Console.IsErrorRedirected;
    private int _lastStep = -1;

    public void Report(double value)
    {
        int percent = (int)Math.Clamp(value * 100, 0, 100);
        if (_interactive)
        {
            int filled = percent / 5;
            _writer.Write($"\r{label} [{new string('#', filled)}{new string('.', 20 - filled)}] {percent,3}%");
            if (percent == 100)
            {
                _writer.WriteLine();
            }

            return;
        }

        int step = percent / 10;
        if (step != _lastStep)
        {
            _lastStep = step;
            _writer.WriteLine($"{label}: {percent}%");
        }
    }
}
