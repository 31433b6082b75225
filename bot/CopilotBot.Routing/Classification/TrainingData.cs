using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Text;

namespace CopilotBot.Routing.Classification;

/// <summary>
/// Where the training examples come from: the embedded Data/utterances.tsv (in-scope intents, written for
/// this bot) and CLINC150's `train` and `oos_train` splits as out-of-scope negatives. CLINC's `val` and
/// `oos_val` are never read here; they are for evaluation only.
/// </summary>
/// <remarks>
/// CLINC intents that clash with this bot's functions are handled, not blindly used as negatives:
/// <list type="bullet">
/// <item><c>greeting</c> and <c>what_can_i_ask_you</c> become <c>help</c> ("hi", "what can you help me with").</item>
/// <item><c>reminder</c>, <c>reminder_update</c>, <c>todo_list</c> and <c>todo_list_update</c> are left out:
/// here a reminder or to-do is a CRM task, so "remind me to call my mother" is neither clearly in scope nor
/// clearly out; teaching either would be wrong for half of them. They are reported separately in evaluation.</item>
/// <item><c>calendar</c>, <c>calendar_update</c> and <c>meeting_schedule</c> stay out of scope: the bot has no calendar.</item>
/// </list>
/// </remarks>
public static class TrainingData
{
    /// <summary>Bump when preprocessing or training changes in a way the inputs do not show.</summary>
    public const string PipelineVersion = "router-v1";

    public static readonly DateOnly TrainingNow = new(2026, 2, 5);

    private static readonly HashSet<string> ExcludedClinc = new(StringComparer.Ordinal)
    {
        "reminder", "reminder_update", "todo_list", "todo_list_update",
    };

    public static string? MapClincLabel(string clincIntent) => clincIntent switch
    {
        "greeting" or "what_can_i_ask_you" => IntentCatalog.Help,
        _ when ExcludedClinc.Contains(clincIntent) => null,
        _ => IntentCatalog.OutOfScopeLabel,
    };

    public static bool IsExcludedClinc(string clincIntent) => ExcludedClinc.Contains(clincIntent);

    public static byte[] ReadUtterancesResource()
    {
        using Stream stream = CommonWords.OpenResource("utterances.tsv");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    public static List<LabelledUtterance> ParseUtterances(byte[] tsv)
    {
        var examples = new List<LabelledUtterance>();
        using var reader = new StringReader(Encoding.UTF8.GetString(tsv));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                throw new InvalidDataException($"utterances.tsv: expected 'intent<TAB>text' but got '{line}'.");
            }

            string label = line[..tab];
            if (!IntentCatalog.IsIntent(label) && label != IntentCatalog.OutOfScopeLabel)
            {
                throw new InvalidDataException($"utterances.tsv: unknown intent '{label}'.");
            }

            examples.Add(new LabelledUtterance(label, line[(tab + 1)..]));
        }

        return examples;
    }

    /// <summary>CLINC items as (text, clinc intent) for one split ("train", "oos_train", "val", "oos_val").</summary>
    public static List<(string Text, string Intent)> ReadClinc(string path, string split)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream);
        var items = new List<(string, string)>();
        foreach (JsonElement item in document.RootElement.GetProperty(split).EnumerateArray())
        {
            items.Add((item[0].GetString() ?? string.Empty, item[1].GetString() ?? string.Empty));
        }

        return items;
    }

    /// <summary>The full training set: the bot's utterances then the mapped CLINC negatives, in file order.</summary>
    public static List<LabelledUtterance> Build(byte[] utterancesTsv, string clincPath)
    {
        List<LabelledUtterance> examples = ParseUtterances(utterancesTsv);
        foreach (string split in new[] { "train", "oos_train" })
        {
            foreach ((string text, string intent) in ReadClinc(clincPath, split))
            {
                if (MapClincLabel(intent) is { } label)
                {
                    examples.Add(new LabelledUtterance(label, text));
                }
            }
        }

        return examples;
    }

    /// <summary>
    /// SHA-256 of the CLINC training splits as the trainer reads them (split, intent and text of every item). The trainer
    /// records it beside the model (<see cref="ClincDigestFile"/>), so whether the embedded model matches the bot's own
    /// training inputs can be checked without the dataset.
    /// </summary>
    public static string ClincTrainingDigest(string clincPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string split in new[] { "train", "oos_train" })
        {
            foreach ((string text, string intent) in ReadClinc(clincPath, split))
            {
                sha.AppendData(Encoding.UTF8.GetBytes(split + "\t" + intent + "\t" + text + "\n"));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Where the trainer records <see cref="ClincTrainingDigest"/>, relative to the routing project.</summary>
    public const string ClincDigestFile = "Model/clinc-training.sha256";

    /// <summary>The recorded digest of the CLINC training splits the embedded model was trained on.</summary>
    public static string ReadClincDigestResource()
    {
        using Stream stream = typeof(TrainingData).Assembly.GetManifestResourceStream("CopilotBot.Routing.Model.clinc-training.sha256")
            ?? throw new InvalidOperationException("The recorded CLINC digest is not embedded; retrain with the router bench's train command.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }

    /// <summary>SHA-256 over every training input: the pipeline version, the utterances, the CLINC training
    /// splits (by their digest, <see cref="ClincTrainingDigest"/>), the common-word list and the demo accounts used to
    /// mask names.</summary>
    public static string ComputeInputHash(byte[] utterancesTsv, string clincTrainingDigest)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(PipelineVersion + "\n" + RouterTrainer.Describe() + "\n"));
        sha.AppendData(utterancesTsv);
        sha.AppendData(Encoding.UTF8.GetBytes("clinc " + clincTrainingDigest + "\n"));

        using (Stream words = CommonWords.OpenResource("common-words.txt"))
        using (var memory = new MemoryStream())
        {
            words.CopyTo(memory);
            sha.AppendData(memory.ToArray());
        }

        foreach (AccountRef account in DemoAccounts.Generate())
        {
            sha.AppendData(Encoding.UTF8.GetBytes(account.Id + "\t" + account.Name + "\n"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Finds a file under the shared folder by walking up from <paramref name="start"/> to the
    /// folder holding CopilotBot.sln and looking in ../shared.</summary>
    public static string? FindSharedFile(string start, string relativePath)
    {
        // A git worktree has no ../shared beside it: COPILOT_SHARED_DIR names the folder instead.
        if (Environment.GetEnvironmentVariable("COPILOT_SHARED_DIR") is { Length: > 0 } shared &&
            File.Exists(Path.Combine(shared, relativePath)))
        {
            return Path.GetFullPath(Path.Combine(shared, relativePath));
        }

        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CopilotBot.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relativePath));
                return File.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }

    /// <summary>The folder holding CopilotBot.sln, found by walking up from <paramref name="start"/>.</summary>
    public static string? FindRepoRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CopilotBot.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
