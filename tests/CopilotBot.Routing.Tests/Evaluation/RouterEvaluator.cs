using System.Globalization;
using System.Text;
using System.Text.Json;
using CopilotBot.Routing.Classification;

namespace CopilotBot.Routing.Tests.Evaluation;

/// <summary>Per-intent tallies for the in-scope questions.</summary>
public sealed class IntentTally
{
    public int Total { get; set; }

    public int Routed { get; set; }

    public int Clarified { get; set; }

    public int GuessedRight { get; set; }
}

/// <summary>Accuracy figures for a router over the evaluation set and CLINC150.</summary>
public sealed class EvalReport
{
    public SortedDictionary<string, IntentTally> PerIntent { get; } = new(StringComparer.Ordinal);

    public int InScope { get; set; }

    public int InScopeRoutedCorrectly { get; set; }

    public int InScopeClarified { get; set; }

    public int ExpectedArguments { get; set; }

    public int CorrectArguments { get; set; }

    public int ExactArgumentCases { get; set; }

    public int OutOfScope { get; set; }

    public int OutOfScopeNull { get; set; }

    public int ConversationTurns { get; set; }

    public int ConversationTurnsCorrect { get; set; }

    public List<string> Failures { get; } = [];

    public double ToolAccuracy => Ratio(InScopeRoutedCorrectly, InScope);

    public double ClarificationRate => Ratio(InScopeClarified, InScope);

    public double ArgumentAccuracy => Ratio(CorrectArguments, ExpectedArguments);

    public double OutOfScopeNullRate => Ratio(OutOfScopeNull, OutOfScope);

    public double ConversationAccuracy => Ratio(ConversationTurnsCorrect, ConversationTurns);

    public static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"intent",-30} {"n",4} {"routed ok",10} {"top-1 ok",9} {"clarify",8}");
        foreach ((string intent, IntentTally tally) in PerIntent)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{intent,-30} {tally.Total,4} {Ratio(tally.Routed, tally.Total),10:P1} {Ratio(tally.GuessedRight, tally.Total),9:P1} {tally.Clarified,8}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"in-scope tool accuracy (routed, right tool): {ToolAccuracy:P2} ({InScopeRoutedCorrectly}/{InScope})");
        text.AppendLine(CultureInfo.InvariantCulture, $"in-scope sent to clarification: {ClarificationRate:P2} ({InScopeClarified}/{InScope})");
        text.AppendLine(CultureInfo.InvariantCulture, $"key arguments correct: {ArgumentAccuracy:P2} ({CorrectArguments}/{ExpectedArguments}); questions with all key arguments right: {ExactArgumentCases}/{InScope}");
        text.AppendLine(CultureInfo.InvariantCulture, $"hand-written out-of-scope answered null: {OutOfScopeNullRate:P2} ({OutOfScopeNull}/{OutOfScope})");
        text.AppendLine(CultureInfo.InvariantCulture, $"conversation turns right (tool, kind, key arguments): {ConversationAccuracy:P2} ({ConversationTurnsCorrect}/{ConversationTurns})");
        return text.ToString();
    }
}

/// <summary>Runs a router over evaluation cases and CLINC150 splits.</summary>
public static class RouterEvaluator
{
    public static EvalReport Evaluate(IntentRouter router, IAccountDirectory accounts, IEnumerable<EvalCase> cases)
    {
        var report = new EvalReport();
        foreach (EvalCase evalCase in cases)
        {
            if (evalCase.IsConversation)
            {
                EvaluateConversation(router, accounts, evalCase, report);
                continue;
            }

            EvalTurn turn = evalCase.Turns[0];
            RouteResult result = router.Route(turn.Text, new RoutingContext(EvalSet.Now, accounts, null));
            if (turn.Tool is null)
            {
                report.OutOfScope++;
                bool isNull = result.Kind is RouteKind.OutOfScope or RouteKind.Invalid;
                report.OutOfScopeNull += isNull ? 1 : 0;
                if (!isNull)
                {
                    report.Failures.Add($"line {evalCase.Line}: '{turn.Text}' expected null, got {result.Kind} {result.Intent}");
                }

                continue;
            }

            report.InScope++;
            if (!report.PerIntent.TryGetValue(turn.Tool, out IntentTally? tally))
            {
                report.PerIntent[turn.Tool] = tally = new IntentTally();
            }

            tally.Total++;
            bool routedRight = result.Kind == RouteKind.Routed && result.Intent == turn.Tool;
            bool clarified = result.Kind == RouteKind.Clarify;
            string? guess = result.Intent ?? (clarified && result.Alternatives.Count > 0 ? result.Alternatives[0].Intent : null);
            tally.Routed += routedRight ? 1 : 0;
            tally.Clarified += clarified ? 1 : 0;
            tally.GuessedRight += guess == turn.Tool ? 1 : 0;
            report.InScopeRoutedCorrectly += routedRight ? 1 : 0;
            report.InScopeClarified += clarified ? 1 : 0;

            (int expected, int correct, List<string> wrong) = CompareArguments(turn.Arguments, result.Slots);
            report.ExpectedArguments += expected;
            report.CorrectArguments += routedRight ? correct : 0;
            report.ExactArgumentCases += routedRight && correct == expected ? 1 : 0;
            if (!routedRight || correct != expected)
            {
                report.Failures.Add($"line {evalCase.Line}: '{turn.Text}' expected {turn.Tool} {Show(turn.Arguments)}, got {result.Kind} {result.Intent} {JsonSerializer.Serialize(result.Slots)} {string.Join(' ', wrong)} {result.Reason}");
            }
        }

        return report;
    }

    /// <summary>Share of the given CLINC items the router answers with no intent (out of scope or invalid).</summary>
    public static (int Total, int Null, int Help, Dictionary<string, int> Wrong) EvaluateClinc(
        IntentRouter router, IAccountDirectory accounts, IEnumerable<(string Text, string Intent)> items, bool expectHelpForGreetings)
    {
        int total = 0;
        int nulls = 0;
        int help = 0;
        var wrong = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string text, string intent) in items)
        {
            total++;
            RouteResult result = router.Route(text, new RoutingContext(EvalSet.Now, accounts, null));
            bool expectsHelp = expectHelpForGreetings && TrainingData.MapClincLabel(intent) == IntentCatalog.Help;
            if (expectsHelp)
            {
                help += result.Intent == IntentCatalog.Help && result.Kind == RouteKind.Routed ? 1 : 0;
                continue;
            }

            bool isNull = result.Kind is RouteKind.OutOfScope or RouteKind.Invalid;
            nulls += isNull ? 1 : 0;
            if (!isNull)
            {
                string key = $"{result.Kind}:{result.Intent ?? result.Alternatives.FirstOrDefault()?.Intent}";
                wrong[key] = wrong.GetValueOrDefault(key) + 1;
            }
        }

        return (total, nulls, help, wrong);
    }

    private static void EvaluateConversation(IntentRouter router, IAccountDirectory accounts, EvalCase evalCase, EvalReport report)
    {
        ConversationMemory? memory = null;
        foreach (EvalTurn turn in evalCase.Turns)
        {
            RouteResult result = router.Route(turn.Text, new RoutingContext(EvalSet.Now, accounts, memory));
            string expectedKind = turn.Kind ?? nameof(RouteKind.Routed);
            (int expected, int correct, List<string> wrong) = CompareArguments(turn.Arguments, result.Slots);
            bool right = result.Kind.ToString() == expectedKind && result.Intent == turn.Tool && correct == expected;
            report.ConversationTurns++;
            report.ConversationTurnsCorrect += right ? 1 : 0;
            if (!right)
            {
                report.Failures.Add($"line {evalCase.Line} (conversation): '{turn.Text}' expected {expectedKind} {turn.Tool} {Show(turn.Arguments)}, got {result.Kind} {result.Intent} {JsonSerializer.Serialize(result.Slots)} {string.Join(' ', wrong)} {result.Reason}");
            }

            memory = result.Memory;
            if (turn.Shown.Count > 0)
            {
                memory = memory.WithShownAccounts([.. turn.Shown.Select(id => accounts.FindById(id) ?? new AccountRef(id, id))]);
            }
        }
    }

    private static (int Expected, int Correct, List<string> Wrong) CompareArguments(
        IReadOnlyDictionary<string, JsonElement> expected, IReadOnlyDictionary<string, object> actual)
    {
        int correct = 0;
        var wrong = new List<string>();
        foreach ((string key, JsonElement value) in expected)
        {
            if (actual.TryGetValue(key, out object? got) && Matches(value, got))
            {
                correct++;
            }
            else
            {
                wrong.Add($"[{key}: want {value.GetRawText()} got {(got is null ? "none" : JsonSerializer.Serialize(got))}]");
            }
        }

        return (expected.Count, correct, wrong);
    }

    private static bool Matches(JsonElement expected, object actual) => expected.ValueKind switch
    {
        JsonValueKind.String => actual is string s && string.Equals(s, expected.GetString(), StringComparison.OrdinalIgnoreCase),
        JsonValueKind.Number => actual switch
        {
            int i => expected.GetDouble() == i,
            double d => Math.Abs(expected.GetDouble() - d) < 1e-9,
            _ => false,
        },
        JsonValueKind.True => actual is true,
        JsonValueKind.False => actual is false,
        _ => false,
    };

    private static string Show(IReadOnlyDictionary<string, JsonElement> arguments) =>
        "{" + string.Join(", ", arguments.Select(static a => $"{a.Key}={a.Value.GetRawText()}")) + "}";
}
