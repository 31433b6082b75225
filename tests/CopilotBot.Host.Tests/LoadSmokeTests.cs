using CopilotBot.Bench.Load;
using CopilotBot.Host.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CopilotBot.Host.Tests;

/// <summary>
/// The load bench's driver (bench/CopilotBot.Bench.Load) for about a hundred turns at low concurrency: a correctness
/// smoke of the path it measures, not a timing check. A real host on loopback in anonymous local mode, virtual Teams
/// users mapped to CSMs and managers (and some unmapped, acting as the admin), replies received by a Bot Connector on
/// loopback.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class LoadSmokeTests(SeededWorkspaceFixture fixture)
{
    [Fact]
    public async Task AHundredTurnsOfTheQuestionMix_EachGetsItsReply_WithoutErrors()
    {
        string directory = SeededWorkspaceFixture.Copy(fixture.Directory);
        // As the load bench does (and `copilot support index`): the support index is built before the turns, so a one-off
        // sentence-model build of the whole history does not compete with them (on a loaded 2-core runner it kept the
        // first support questions past the turn budget).
        await CopilotRuntime.Open(HostSettings.Resolve(directory, SeededWorkspaceFixture.Today, null, null)).SupportMemory.EnsureIndexedAsync(null, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        (IReadOnlyList<LoadUser> users, IReadOnlyList<string> mappings) = await LoadUsers.CreateAsync(Workspace.CopilotWorkspace.Open(directory), 20);
        await using LoopbackConnector connector = await LoopbackConnector.StartAsync();
        WebApplication bot = WebHost.Build(
            HostSettings.Resolve(directory, SeededWorkspaceFixture.Today, null, null),
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. mappings]);
        await bot.StartAsync();
        try
        {
            string url = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            LoadResult result = await new LoadDriver(http, connector, users).RunClosedAsync(concurrency: 4, TimeSpan.FromMinutes(2), maxTurns: 100);

            Assert.Equal(100, result.Samples.Count);
            Assert.True(result.Errors == 0, result.Table());
            Assert.Equal(0, connector.Unexpected);
            // The mix reached well beyond one kind of question: lists, follow-ups, support, portfolio, help.
            Assert.True(result.Samples.Select(s => s.Kind).Distinct().Count() >= 8, result.Table());
        }
        finally
        {
            await bot.StopAsync();
            await bot.DisposeAsync();
        }
    }

    [Fact]
    public void ReplyErrors_AreTheApology_ARefusal_OrNothing()
    {
        Assert.Null(LoadDriver.ReplyError("""{"type":"message","text":"3 accounts at risk","attachments":[]}"""));
        Assert.Equal("error reply", LoadDriver.ReplyError("""{"type":"message","text":"Sorry, something went wrong. Please try again."}"""));
        Assert.Equal("refused", LoadDriver.ReplyError("""{"type":"message","text":"You don't have access to that account."}"""));
        Assert.Equal("empty reply", LoadDriver.ReplyError("""{"type":"message"}"""));
        Assert.Equal("reply not JSON", LoadDriver.ReplyError("{"));
    }
}
