using CopilotBot.Workspace;

namespace CopilotBot.Conversation;

/// <summary>
/// Handles one turn: decides which catalog function answers, calls it, and shapes the reply.
/// Every channel (CLI, web chat, Teams, Slack) goes through here.
/// </summary>
public sealed class CopilotAgent(CopilotWorkspace workspace, TimeProvider clock)
{
    public const int MaxQuestionLength = 4000;

    public async Task<TurnReply> HandleAsync(TurnRequest request, CancellationToken cancellationToken = default)
    {
        _ = clock;
        bool demo = await workspace.IsDemoAsync(cancellationToken);
        string text = Sanitize(request.Text);
        if (text.Length == 0)
        {
            return TurnReply.Plain("Ask me something, for example: \"which Platinum accounts are most likely to churn?\"", tool: null, confidence: 0);
        }

        return new TurnReply(HelpText.Text(demo), "help", new Dictionary<string, object?>(), [HelpText.Card(demo)], [], 1.0);
    }

    /// <summary>Drops control characters and trims very long input, so nothing downstream sees either.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(Math.Min(text.Length, MaxQuestionLength));
        foreach (char c in text)
        {
            if (sb.Length >= MaxQuestionLength)
            {
                break;
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString().Trim();
    }
}
