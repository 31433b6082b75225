using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CopilotBot.Conversation.Cards;

namespace CopilotBot.Plugins.Interventions;

/// <summary>
/// Editing a draft before it goes out: the form (a subject and a body, prefilled), the checks on what comes back, and the
/// audit record of what changed. A stored email draft is its text as written, <c>Subject: …</c> on its first line; a call
/// script has no subject. The text is the person's (and quotes customers): it is kept as typed, apart from line endings and
/// control characters, and every channel shows it as plain text.
/// </summary>
public static class DraftEdits
{
    public const string SubjectId = "subject";
    public const string BodyId = "body";
    public const int MaxSubjectLength = 200;

    /// <summary>The most a body takes: what every channel's text box holds (Slack's is the smallest).</summary>
    public const int MaxBodyLength = CardInput.DefaultMaxLength;

    private const string SubjectPrefix = "Subject: ";

    /// <summary>A stored draft as the form shows it: the subject line (emails) and the rest.</summary>
    public static (string? Subject, string Body) Split(string kind, string text)
    {
        string normal = text.ReplaceLineEndings("\n");
        if (kind == "call" || !normal.StartsWith(SubjectPrefix, StringComparison.Ordinal))
        {
            return (kind == "call" ? null : string.Empty, normal.Trim('\n'));
        }

        int end = normal.IndexOf('\n', StringComparison.Ordinal);
        return end < 0
            ? (normal[SubjectPrefix.Length..].Trim(), string.Empty)
            : (normal[SubjectPrefix.Length..end].Trim(), normal[(end + 1)..].Trim('\n'));
    }

    /// <summary>The draft as stored: <c>Subject: …</c>, a blank line and the body for an email; the body for a call.</summary>
    public static string Join(string kind, string? subject, string body) =>
        kind == "call" || string.IsNullOrEmpty(subject) ? body : SubjectPrefix + subject + "\n\n" + body;

    /// <summary>
    /// The form: the note, the fields (a subject for an email), <paramref name="submit"/> and Cancel. Cancel sends nothing
    /// back, so it works whatever is typed.
    /// </summary>
    public static Card Form(string title, string kind, string? subject, string body, string note, CardAction submit)
    {
        var fields = new List<CardElement> { new CardText(note, Subtle: true) };
        if (kind != "call")
        {
            fields.Add(new CardInput(SubjectId, "Subject", subject ?? string.Empty, MaxLength: MaxSubjectLength) { Required = true });
        }

        fields.Add(new CardInput(BodyId, kind == "call" ? "Call script" : "Message", body, Multiline: true, MaxLength: MaxBodyLength) { Required = true });
        return new Card(title, fields, [submit, new CardAction("Cancel", "cancel", new Dictionary<string, string>(), "destructive") { SendsInputs = false }])
        {
            FallbackText = title,
        };
    }

    /// <summary>
    /// The typed subject and body, tidied (line endings, control characters; a subject is one line), or the reason they
    /// cannot be used: a plain sentence that says what to change. Nothing is cut: text over a limit is refused, not shortened.
    /// </summary>
    public static (string? Subject, string Body, string? Error) Check(string kind, string? subject, string body)
    {
        string cleanBody = Clean(body, multiline: true).Trim();
        string? cleanSubject = kind == "call" ? null : Clean(subject ?? string.Empty, multiline: false).Trim();
        string? error = null;
        if (cleanBody.Length == 0)
        {
            error = $"The {(kind == "call" ? "call script" : "message")} is empty, so nothing was sent. Write it in the form and press the button again, or press Cancel.";
        }
        else if (cleanBody.Length > MaxBodyLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The {(kind == "call" ? "call script" : "message")} is {cleanBody.Length:N0} characters; the most I can send is {MaxBodyLength:N0}. Nothing was sent: shorten it and press the button again.");
        }
        else if (cleanSubject is { Length: 0 })
        {
            error = "The email needs a subject; nothing was sent. Add one and press the button again.";
        }
        else if (cleanSubject is { Length: > MaxSubjectLength })
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The subject is {cleanSubject.Length:N0} characters; the most is {MaxSubjectLength:N0}. Nothing was sent: shorten it and press the button again.");
        }

        return (cleanSubject, cleanBody, error);
    }

    /// <summary>
    /// The audit details of an edit, readable as they stand: the request or draft it belongs to, the length and SHA-256 of
    /// the text before and after, how many lines were taken out and put in, and the new text itself (the old one can be
    /// written again from the same facts; its hash proves which it was).
    /// </summary>
    public static string AuditDetails(string id, string kind, string before, string after)
    {
        (int removed, int added) = LineChanges(before, after);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["intervention"] = id,
            ["channel"] = kind,
            ["before_chars"] = before.Length,
            ["after_chars"] = after.Length,
            ["before_sha256"] = Hash(before),
            ["after_sha256"] = Hash(after),
            ["lines_removed"] = removed,
            ["lines_added"] = added,
            ["text"] = after,
        });
    }

    /// <summary>Lines of <paramref name="before"/> not kept, and lines of <paramref name="after"/> that are new (a line diff).</summary>
    public static (int Removed, int Added) LineChanges(string before, string after)
    {
        string[] a = before.ReplaceLineEndings("\n").Trim('\n').Split('\n');
        string[] b = after.ReplaceLineEndings("\n").Trim('\n').Split('\n');
        // Longest common subsequence of lines; drafts are a few dozen lines, so the table is small.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int kept = lcs[0, 0];
        return (a.Length - kept, b.Length - kept);
    }

    /// <summary>Whether two texts are the same draft: line endings and the blank space around them aside.</summary>
    public static bool Same(string a, string b) => a.ReplaceLineEndings("\n").Trim() == b.ReplaceLineEndings("\n").Trim();

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Clean(string text, bool multiline)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ReplaceLineEndings("\n"))
        {
            sb.Append(c switch
            {
                '\n' when multiline => '\n',
                '\t' when multiline => '\t',
                _ when char.IsControl(c) => ' ',
                _ => c,
            });
        }

        return sb.ToString();
    }
}
