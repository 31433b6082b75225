using FsCheck;
using FsCheck.Fluent;

namespace CopilotBot.ML.Tests;

/// <summary>
/// FsCheck drives the seeds (FsCheck.Xunit is not on our package feed, so properties run inside [Fact]s);
/// each case builds its random data from the seed, so a failure report's seed reproduces it exactly.
/// </summary>
internal static class PropertyCheck
{
    public static void ForAllSeeds(int maxTest, Action<int> body)
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), body);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), property);
    }
}
