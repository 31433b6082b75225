using CopilotBot.Memory.Embedded;
using CopilotBot.Memory.Tests.Evaluation;
using CopilotBot.Memory.Tests.TestDoubles;
using Xunit.Abstractions;

namespace CopilotBot.Memory.Tests;

/// <summary>
/// Retrieval quality on real airline support conversations (TwACS, CC BY-NC-SA: read from ../shared/data, never
/// copied). All 407 labelled conversations plus a sample of unlabelled ones go through the real indexer.
/// </summary>
public sealed class TwacsRetrievalTests(ITestOutputHelper output) : IDisposable
{
    private const int UnlabelledSample = 2_600;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task SearchAsync_HybridBeatsRandomAndMatchesBm25_WhenRetrievingSameIntentConversations()
    {
        List<SupportConversation> all = [.. Twacs.Load()];
        List<SupportConversation> labelled = [.. all.Where(c => c.Topic is not null)];
        List<SupportConversation> sample = [.. labelled, .. all.Where(c => c.Topic is null).Take(UnlabelledSample)];
        using var store = new EmbeddedVectorStore(Path.Combine(_folder.Path, "vectors"));
        using MemoryIndexer indexer = await MemoryIndexer.OpenAsync(_folder.Path, new HashingEmbedder(), store);
        IndexReport report = await indexer.IndexAsync(sample);

        RetrievalScores scores = await RetrievalEvaluator.EvaluateAsync(indexer.CreateSearch(), labelled);

        output.WriteLine($"Indexed {report.Embedded} conversations ({report.ChunksEmbedded} chunks) in {report.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine($"precision@5 over {scores.Queries} labelled queries: hybrid {scores.Hybrid:0.000}, vector {scores.Vector:0.000}, " +
            $"bm25 {scores.Keyword:0.000}, random {scores.Random:0.000}");
        Assert.Equal(407, labelled.Count);
        Assert.True(scores.Hybrid >= scores.Random + 0.1, $"hybrid {scores.Hybrid:0.000} vs random {scores.Random:0.000}");
        Assert.True(scores.Hybrid >= scores.Keyword - 0.02, $"hybrid {scores.Hybrid:0.000} vs bm25 {scores.Keyword:0.000}");
    }
}
