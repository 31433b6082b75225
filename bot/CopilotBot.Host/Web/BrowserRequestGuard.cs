namespace CopilotBot.Host.Web;

/// <summary>
/// Refuses state-changing requests that a browser sends on behalf of another site (cross-site request forgery): a
/// <c>Sec-Fetch-Site</c> of <c>cross-site</c> or <c>same-site</c> (another port on this machine is another site's page),
/// or an <c>Origin</c> that is neither this host nor listed in <c>Web:AllowedOrigins</c>. Browsers send these headers
/// and pages cannot forge them; Teams, Slack and other servers send neither, so they are unaffected. What it does not
/// stop: a non-browser client (curl, a local process), which is why anonymous local mode must stay on loopback.
/// </summary>
internal sealed class BrowserRequestGuard(IConfiguration configuration)
{
    private readonly HashSet<string> _allowedOrigins = new(
        (configuration["Web:AllowedOrigins"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/')),
        StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        HttpRequest request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && Refusal(request) is { } reason)
        {
            await Results.Problem(reason, statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private string? Refusal(HttpRequest request)
    {
        string site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
        {
            return "Requests from another site's page are refused.";
        }

        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        // The page's own origin names the host (and port) the request is addressed to. The scheme is not compared: behind a
        // TLS-terminating proxy the page is https while the request reaching the bot is http.
        bool own = Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            && string.Equals(uri.IsDefaultPort ? uri.Host : uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        return own || _allowedOrigins.Contains(origin.TrimEnd('/'))
            ? null
            : "Requests from another origin are refused (Web:AllowedOrigins lists the ones to accept).";
    }
}
