namespace CopilotBot.Memory.Bench.Support;

/// <summary>Weighted reciprocal-rank fusion of two rankings (what <see cref="HybridSearch"/> does with its weights).</summary>
internal static class Fusion
{
    public static IEnumerable<string> Rank(IReadOnlyList<string> semantic, IReadOnlyList<string> keyword, double keywordWeight)
    {
        var score = new Dictionary<string, double>();
        for (int r = 0; r < semantic.Count; r++)
        {
            score[semantic[r]] = score.GetValueOrDefault(semantic[r]) + (1.0 / (HybridSearch.RrfK + r + 1));
        }

        for (int r = 0; r < keyword.Count && keywordWeight > 0; r++)
        {
            score[keyword[r]] = score.GetValueOrDefault(keyword[r]) + (keywordWeight / (HybridSearch.RrfK + r + 1));
        }

        return score.OrderByDescending(s => s.Value).Select(s => s.Key);
    }
}
