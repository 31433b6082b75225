using CopilotBot.Bench.Router;
using CopilotBot.Routing.Accounts;

// Verbs: (none) or "bench" = latency/throughput; "train" = retrain the embedded model; "verify" = retrain in memory and
// check the embedded model is exactly what its inputs produce (needs the CLINC150 data beside the repository);
// "eval" = accuracy report on the held-out set and CLINC150 (add --failures to list misses);
// "try" = route stdin lines as one conversation (debugging); "names" = print the demo accounts.
string verb = args.Length > 0 ? args[0] : "bench";
return verb switch
{
    "train" => TrainCommand.Run(),
    "verify" => VerifyCommand.Run(),
    "eval" => EvalCommand.Run([.. args.Skip(1)]),
    "try" => TryCommand.Run(),
    "bench" => BenchCommand.Run(),
    "names" => PrintNames(),
    _ => Usage(),
};

static int PrintNames()
{
    foreach (var account in DemoAccounts.Generate())
    {
        Console.WriteLine($"{account.Id}\t{account.Name}");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/CopilotBot.Bench.Router -- [bench|train|verify|eval [--failures]|try|names]");
    return 2;
}
