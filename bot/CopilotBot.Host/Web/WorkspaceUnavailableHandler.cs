using CopilotBot.Workspace;
using Microsoft.AspNetCore.Diagnostics;

namespace CopilotBot.Host.Web;

/// <summary>
/// A request that failed because the workspace's store went away (outside a turn, which answers in words itself) gets
/// 503 with Retry-After and the same plain sentence, not a 500 with a stack trace.
/// </summary>
internal sealed class WorkspaceUnavailableHandler(ILogger<WorkspaceUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!WorkspaceUnavailable.Is(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogError(exception, "The workspace store failed during {Path}", httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "60";
        await httpContext.Response.WriteAsJsonAsync(
            new { title = "Workspace unavailable", status = 503, detail = WorkspaceUnavailable.Reply },
            cancellationToken);
        return true;
    }
}
