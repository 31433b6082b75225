using CopilotBot.Conversation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CopilotBot.Channels.DirectLine;

/// <summary>Maps the Direct Line endpoint and the page's token route onto a web application.</summary>
public static class DirectLineRoutes
{
    public const string Prefix = "/v3/directline";

    /// <summary>Where the local web chat page gets a token for the user it picked.</summary>
    public const string PageTokenPath = "/api/directline/token";

    /// <summary>
    /// Maps <c>/v3/directline/*</c> and <c>POST /api/directline/token</c>, and adds the WebSockets middleware the stream
    /// needs. Needs <see cref="DirectLineServiceCollectionExtensions.AddCopilotDirectLine"/> (part of <c>AddCopilotChannels</c>).
    /// </summary>
    public static RouteGroupBuilder MapCopilotDirectLine(this WebApplication app, Func<TurnRequest, CancellationToken, Task<TurnReply>> agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        app.UseWebSockets();
        app.MapPost(PageTokenPath, (HttpContext context, DirectLineEndpoint endpoint) => endpoint.IssuePageTokenAsync(context));

        RouteGroupBuilder group = app.MapGroup(Prefix);
        group.MapPost("/tokens/generate", (HttpContext context, DirectLineEndpoint endpoint) => endpoint.GenerateTokenAsync(context));
        group.MapPost("/tokens/refresh", (HttpContext context, DirectLineEndpoint endpoint) => endpoint.RefreshTokenAsync(context));
        group.MapPost("/conversations", (HttpContext context, DirectLineEndpoint endpoint) => endpoint.StartConversationAsync(context, agent));
        group.MapGet("/conversations/{conversationId}", (HttpContext context, string conversationId, DirectLineEndpoint endpoint) => endpoint.ReconnectAsync(context, conversationId));
        group.MapPost("/conversations/{conversationId}/activities", (HttpContext context, string conversationId, DirectLineEndpoint endpoint) => endpoint.PostActivityAsync(context, conversationId, agent));
        group.MapGet("/conversations/{conversationId}/activities", (HttpContext context, string conversationId, DirectLineEndpoint endpoint) => endpoint.GetActivitiesAsync(context, conversationId));
        group.MapGet("/conversations/{conversationId}/stream", (HttpContext context, string conversationId, DirectLineStream stream) => stream.HandleAsync(context, conversationId));
        group.MapPost("/conversations/{conversationId}/upload", (HttpContext context, DirectLineEndpoint endpoint) => endpoint.UploadAsync(context));
        return group;
    }
}
