using System.Net;
using System.Net.Sockets;
using System.Text;
using CopilotBot.Conversation;
using CopilotBot.Plugins.Support;
using Microsoft.Extensions.Configuration;

namespace CopilotBot.Host.Tests;

/// <summary>
/// support.ask with the vector store configured as Qdrant and Qdrant not answering: closed port, 503 on every call, or a
/// server that accepts and never replies. The answer still comes, ranked by keywords, and says the index is unavailable;
/// the next turn does not wait through the timeouts again.
/// </summary>
[Collection(SeededWorkspaceCollection.Name)]
public sealed class QdrantDownTests(SeededWorkspaceFixture fixture)
{
    private const string Question = "what are customers saying about invoices in the last 90 days?";

    /// <summary>A TCP server that answers every request with 503, or reads it and never answers.</summary>
    private sealed class BadQdrant : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TcpClient> _held = [];
        private readonly Task _loop;

        public BadQdrant(bool hang)
        {
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    Interlocked.Increment(ref _requests);
                    lock (_held)
                    {
                        _held.Add(client);
                    }

                    if (!hang)
                    {
                        _ = Task.Run(async () =>
                        {
                            NetworkStream stream = client.GetStream();
                            var buffer = new byte[8192];
                            _ = await stream.ReadAsync(buffer);
                            byte[] reply = Encoding.ASCII.GetBytes(
                                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 33\r\nConnection: close\r\n\r\n{\"status\":{\"error\":\"overloaded\"}}");
                            await stream.WriteAsync(reply);
                            client.Close();
                        });
                    }
                }
            });
        }

        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public string Url => "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            lock (_held)
            {
                _held.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }
    }

    private static string ClosedPortUrl()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return "http://127.0.0.1:" + port;
    }

    private CopilotRuntime Runtime(string qdrantUrl) => CopilotRuntime.Open(
        HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null),
        configuration: new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Memory:Provider"] = "Qdrant",
            ["Memory:Qdrant:Endpoint"] = qdrantUrl,
            ["Memory:Qdrant:Timeout"] = "00:00:00.500",
            ["Memory:Qdrant:MaxRetries"] = "1",
            ["Memory:Qdrant:RetryDelay"] = "00:00:00.050",
        }).Build());

    [Theory]
    [InlineData("closed")]
    [InlineData("503")]
    [InlineData("hang")]
    public async Task Support_ask_answers_by_keywords_and_says_the_index_is_down(string fault)
    {
        await using var server = fault == "closed" ? null : new BadQdrant(hang: fault == "hang");
        CopilotRuntime runtime = Runtime(server?.Url ?? ClosedPortUrl());
        CopilotRuntime embedded = CopilotRuntime.Open(HostSettings.Resolve(fixture.Directory, SeededWorkspaceFixture.Today, null, null));

        TurnReply reply = await runtime.Agent.HandleAsync(new TurnRequest("test", "qdrant-1", "mei.lin", Question));
        int afterFirst = server?.Requests ?? 0;
        TurnReply again = await runtime.Agent.HandleAsync(new TurnRequest("test", "qdrant-2", "mei.lin", Question));
        TurnReply normal = await embedded.Agent.HandleAsync(new TurnRequest("test", "qdrant-3", "mei.lin", Question));

        Assert.Equal("support.ask", reply.Tool);
        Assert.EndsWith(SupportPlugin.IndexDownMatchingNote, reply.Text, StringComparison.Ordinal);
        Assert.NotEmpty(reply.Evidence);
        // Keywords stand in for matching, and say so: the count is of conversations that mention the words, the same each turn.
        Assert.Matches(@"^\d+ conversations from \d+ accounts .* mention invoices", reply.Text.Split(". ")[0]);
        Assert.Equal(reply.Text.Split(". ")[0], again.Text.Split(". ")[0]);
        // With the embedded index the same question is matched by meaning (or, while that index is still being built, by
        // keywords with that said instead).
        Assert.DoesNotContain(SupportPlugin.IndexDownMatchingNote, normal.Text, StringComparison.Ordinal);
        Assert.True(normal.Text.Contains("by meaning", StringComparison.Ordinal) || normal.Text.Contains("still being built", StringComparison.Ordinal), normal.Text);
        Assert.EndsWith(SupportPlugin.IndexDownMatchingNote, again.Text, StringComparison.Ordinal);
        if (server is not null)
        {
            // Tried (with its one retry) on the first turn; the second turn does not wait for it again.
            Assert.InRange(afterFirst, 1, 2);
            Assert.Equal(afterFirst, server.Requests);
        }
    }

    [Fact]
    public async Task The_index_is_tried_again_after_the_back_off()
    {
        await using var server = new BadQdrant(hang: false);
        CopilotRuntime runtime = Runtime(server.Url);
        // Long enough that the second search falls inside it even on a loaded 2-core runner (300 ms did not).
        runtime.SupportMemory.RetryAfterFailure = TimeSpan.FromSeconds(3);
        var query = new CopilotBot.Memory.MemoryQuery("invoice");

        await Assert.ThrowsAsync<CopilotBot.Memory.VectorStoreException>(() => runtime.SupportMemory.SearchAsync(query, CancellationToken.None));
        int afterFirst = server.Requests;
        var skipped = await Assert.ThrowsAsync<CopilotBot.Memory.VectorStoreException>(() => runtime.SupportMemory.SearchAsync(query, CancellationToken.None));
        int afterSkipped = server.Requests;
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await Assert.ThrowsAsync<CopilotBot.Memory.VectorStoreException>(() => runtime.SupportMemory.SearchAsync(query, CancellationToken.None));

        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, afterSkipped);
        Assert.Contains("trying it again in", skipped.Message, StringComparison.Ordinal);
        Assert.True(server.Requests > afterSkipped, "after the back-off the index was not tried again");
    }
}
