using CopilotBot.Routing;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Classification;

namespace CopilotBot.Bench.Router;

/// <summary>
/// Checks, with the full CLINC150 training data beside the repository, that the committed model is exactly what its
/// committed inputs produce: the recorded CLINC digest matches the dataset, and a model retrained now gives the embedded
/// model's probabilities on every evaluation question and every CLINC validation item. The unit tests check the same
/// model against the recorded digest without the dataset (tests never need ../shared).
/// </summary>
internal static class VerifyCommand
{
    public static int Run()
    {
        string? root = TrainingData.FindRepoRoot(AppContext.BaseDirectory) ?? TrainingData.FindRepoRoot(Directory.GetCurrentDirectory());
        string? clinc = root is null ? null : TrainingData.FindSharedFile(root, "data/clinc150/clinc150-train-val.json");
        if (root is null || clinc is null)
        {
            Console.Error.WriteLine("verify needs ../shared/data/clinc150/clinc150-train-val.json beside the repository (or COPILOT_SHARED_DIR); it is not there, so nothing was checked.");
            return 1;
        }

        string digest = TrainingData.ClincTrainingDigest(clinc);
        if (digest != TrainingData.ReadClincDigestResource())
        {
            Console.Error.WriteLine($"The CLINC data beside the repository ({digest[..16]}…) is not what the model was trained on ({TrainingData.ReadClincDigestResource()[..16]}…).");
            return 1;
        }

        IntentRouter embedded = IntentRouter.CreateDefault();
        byte[] utterances = TrainingData.ReadUtterancesResource();
        RouterModel retrained = RouterTrainer.Train(TrainingData.Build(utterances, clinc), TrainingData.ComputeInputHash(utterances, digest));
        var directory = new InMemoryAccountDirectory(DemoAccounts.Generate());
        int checkedItems = 0, differing = 0;
        IEnumerable<string> probes = TrainingData.ReadClinc(clinc, "val").Concat(TrainingData.ReadClinc(clinc, "oos_val")).Select(v => v.Text)
            .Concat(File.ReadLines(Path.Combine(root, "tests", "CopilotBot.Routing.Tests", "Data", "eval.jsonl")).Where(l => l.Length > 0)
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Where(e => e.TryGetProperty("text", out _)).Select(e => e.GetProperty("text").GetString()!));
        foreach (string text in probes)
        {
            IReadOnlyList<string> words = RouterTrainer.MaskForTraining(text, directory);
            checkedItems++;
            if (!embedded.Model.Predict(words).SequenceEqual(retrained.Predict(words)))
            {
                differing++;
            }
        }

        bool same = retrained.InputHash == embedded.Model.InputHash && embedded.Model.Labels.SequenceEqual(retrained.Labels) && differing == 0;
        Console.WriteLine($"Input hash {(retrained.InputHash == embedded.Model.InputHash ? "matches" : "differs")}; {checkedItems} questions scored, {differing} differ. {(same ? "The embedded model is reproducible." : "The embedded model is NOT what its inputs produce: retrain.")}");
        return same ? 0 : 1;
    }
}
