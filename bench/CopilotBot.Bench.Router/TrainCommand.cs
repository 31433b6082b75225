using System.Diagnostics;
using CopilotBot.Routing.Classification;

namespace CopilotBot.Bench.Router;

/// <summary>Retrains the router model from Data/utterances.tsv and CLINC150 and writes Model/router-model.bin.</summary>
internal static class TrainCommand
{
    public static int Run()
    {
        string? root = TrainingData.FindRepoRoot(AppContext.BaseDirectory) ?? TrainingData.FindRepoRoot(Directory.GetCurrentDirectory());
        string? clinc = root is null ? null : TrainingData.FindSharedFile(root, "data/clinc150/clinc150-train-val.json");
        if (root is null || clinc is null)
        {
            Console.Error.WriteLine("Could not find the repo root (CopilotBot.sln) and ../shared/data/clinc150/clinc150-train-val.json.");
            return 1;
        }

        string project = Path.Combine(root, "bot", "CopilotBot.Routing");
        byte[] utterances = File.ReadAllBytes(Path.Combine(project, "Data", "utterances.tsv"));
        var watch = Stopwatch.StartNew();
        string clincDigest = TrainingData.ClincTrainingDigest(clinc);
        string hash = TrainingData.ComputeInputHash(utterances, clincDigest);
        List<LabelledUtterance> examples = TrainingData.Build(utterances, clinc);
        RouterModel model = RouterTrainer.Train(examples, hash);
        string output = Path.Combine(project, "Model", "router-model.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using (FileStream file = File.Create(output))
        {
            model.Save(file);
        }

        File.WriteAllText(Path.Combine(project, TrainingData.ClincDigestFile), clincDigest + "\n");
        Console.WriteLine($"Trained on {examples.Count} examples in {watch.Elapsed.TotalSeconds:F1} s; input hash {hash[..16]}…");
        Console.WriteLine($"Wrote {output} ({new FileInfo(output).Length / 1024} KiB, vocabulary {model.VocabularySize}). Rebuild to embed it.");
        return 0;
    }
}
