using CopilotBot.Routing;
using CopilotBot.Routing.Accounts;
using CopilotBot.Routing.Classification;
using CopilotBot.Routing.Tests.Evaluation;

namespace CopilotBot.Bench.Router;

/// <summary>Prints accuracy on the held-out set and CLINC150 val / oos_val.</summary>
internal static class EvalCommand
{
    public static int Run(string[] args)
    {
        string? root = TrainingData.FindRepoRoot(AppContext.BaseDirectory) ?? TrainingData.FindRepoRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("Run from inside the repo.");
            return 1;
        }

        IntentRouter router = IntentRouter.CreateDefault();
        var accounts = new InMemoryAccountDirectory(DemoAccounts.Generate());
        int setIndex = Array.IndexOf(args, "--set");
        string set = setIndex >= 0 && setIndex + 1 < args.Length ? args[setIndex + 1] : "eval.jsonl";
        List<EvalCase> cases = EvalSet.Load(Path.Combine(root, "tests", "CopilotBot.Routing.Tests", "Data", set));
        EvalReport report = RouterEvaluator.Evaluate(router, accounts, cases);
        Console.Write(report.Format());
        if (args.Contains("--failures"))
        {
            report.Failures.ForEach(Console.WriteLine);
        }

        string? clinc = TrainingData.FindSharedFile(root, "data/clinc150/clinc150-train-val.json");
        if (clinc is not null)
        {
            PrintClinc(router, accounts, clinc, args.Contains("--failures"));
        }
        else
        {
            Console.WriteLine("CLINC150 figures skipped: ../shared/data/clinc150/clinc150-train-val.json is not beside the repository.");
        }

        return 0;
    }

    private static void PrintClinc(IntentRouter router, IAccountDirectory accounts, string clinc, bool verbose)
    {
        var oos = RouterEvaluator.EvaluateClinc(router, accounts, TrainingData.ReadClinc(clinc, "oos_val"), expectHelpForGreetings: false);
        Console.WriteLine($"CLINC oos_val answered null: {EvalReport.Ratio(oos.Null, oos.Total):P1} ({oos.Null}/{oos.Total})");
        List<(string Text, string Intent)> val = TrainingData.ReadClinc(clinc, "val");
        var kept = val.Where(v => !TrainingData.IsExcludedClinc(v.Intent)).ToList();
        var excluded = val.Where(v => TrainingData.IsExcludedClinc(v.Intent)).ToList();
        var all = RouterEvaluator.EvaluateClinc(router, accounts, val, expectHelpForGreetings: false);
        var mapped = RouterEvaluator.EvaluateClinc(router, accounts, kept, expectHelpForGreetings: true);
        var clash = RouterEvaluator.EvaluateClinc(router, accounts, excluded, expectHelpForGreetings: false);
        int helpItems = kept.Count(v => TrainingData.MapClincLabel(v.Intent) == IntentCatalog.Help);
        Console.WriteLine($"CLINC val, all {all.Total} items answered null: {EvalReport.Ratio(all.Null, all.Total):P1} ({all.Null}/{all.Total})");
        Console.WriteLine($"CLINC val, {mapped.Total - helpItems} items expected out of scope answered null: {EvalReport.Ratio(mapped.Null, mapped.Total - helpItems):P1}; greeting/what_can_i_ask_you routed to help: {mapped.Help}/{helpItems}");
        Console.WriteLine($"CLINC val, clashing reminder/todo intents ({clash.Total}): null {clash.Null}; others: {string.Join(", ", clash.Wrong.OrderByDescending(w => w.Value).Select(w => $"{w.Key}={w.Value}"))}");
        if (verbose)
        {
            Console.WriteLine("CLINC val misroutes: " + string.Join(", ", mapped.Wrong.OrderByDescending(w => w.Value).Select(w => $"{w.Key}={w.Value}")));
            foreach ((string text, string intent) in kept.Concat(TrainingData.ReadClinc(clinc, "oos_val")))
            {
                RouteResult result = router.Route(text, new RoutingContext(EvalSet.Now, accounts, null));
                bool expectsHelp = TrainingData.MapClincLabel(intent) == IntentCatalog.Help;
                if (!expectsHelp && result.Kind is not (RouteKind.OutOfScope or RouteKind.Invalid))
                {
                    Console.WriteLine($"  CLINC {intent}: '{text}' -> {result.Kind} {result.Intent ?? result.Alternatives.FirstOrDefault()?.Intent} {result.Confidence}");
                }
            }
        }
    }
}
