namespace CopilotBot.Workspace.Import;

/// <summary>What a file holds.</summary>
public enum ImportKind
{
    Accounts,
    Users,
    Usage,
    Payments,
    Conversations,
    Tasks,
    Features,
    Subscriptions,
}

/// <summary>A rejected row: its 1-based line in the file (the header is line 1 in a CSV) and what is wrong.</summary>
public sealed record ImportRowError(int Line, string Message);

/// <summary>How far an import has got: rows read so far and the fraction of the file consumed.</summary>
public sealed record ImportProgress(int RowsRead, double Fraction);

/// <summary>The outcome of one import: counts and every rejected row.</summary>
public sealed record ImportReport(
    ImportKind Kind,
    string File,
    int RowsRead,
    int Inserted,
    int Updated,
    IReadOnlyList<ImportRowError> Errors,
    TimeSpan Elapsed)
{
    public int Rejected => Errors.Select(e => e.Line).Distinct().Count();
}
