namespace CopilotBot.Memory.Embedded;

/// <summary>What searches did, summed over queries: which path ran, how many points pass one kept and pass two re-scored.</summary>
internal sealed class SearchStats
{
    public string Path { get; private set; } = "";

    public int Queries { get; private set; }

    public long Candidates { get; private set; }

    public long Rescored { get; private set; }

    /// <summary>IVF queries that gave up on their lists and searched exactly.</summary>
    public int FallBacks { get; private set; }

    public double MeanRescored => Queries == 0 ? 0 : (double)Rescored / Queries;

    public void Record(string path, long candidates, long rescored, bool fellBack = false)
    {
        Path = Queries == 0 || Path == path ? path : "mixed";
        FallBacks += fellBack ? 1 : 0;
        Queries++;
        Candidates += candidates;
        Rescored += rescored;
    }
}
