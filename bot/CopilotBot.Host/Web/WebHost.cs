using CopilotBot.Plugins.Growth;
using System.Text.Json.Nodes;
using CopilotBot.Conversation;
using CopilotBot.Host.Cli;
using CopilotBot.Host.Proactive;
using CopilotBot.Channels;
using CopilotBot.Channels.BotFramework;
using CopilotBot.Channels.Common;
using CopilotBot.Channels.DirectLine;
using CopilotBot.Channels.Slack;
using CopilotBot.Llm;
using CopilotBot.Workspace;
using Microsoft.AspNetCore.Http.Json;

namespace CopilotBot.Host.Web;

/// <summary>The bot's web host: the local chat page, its API and health endpoints.</summary>
public static class WebHost
{
    public const string DefaultUrl = "http://localhost:3978";
    public const int MaxBodyBytes = 256 * 1024;

    public static async Task<int> RunAsync(HostSettings cliSettings, string[] args)
    {
        WebApplication app = Build(cliSettings, args);
        // The default address applies to serving only, never inside Build: an in-process test host (WebApplicationFactory
        // with Kestrel on port 0) builds the same app and must not also bind 3978, which a running bot may hold.
        bool urlsGiven = !string.IsNullOrEmpty(app.Configuration["urls"]) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        await app.RunAsync(urlsGiven ? null : DefaultUrl);
        return 0;
    }

    public static WebApplication Build(HostSettings cliSettings, string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<WorkspaceUnavailableHandler>();
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.Services.AddSingleton(sp =>
        {
            // Configuration (appsettings, environment, test factories) may override what the command line said;
            // it is read here, once the host's configuration is complete.
            IConfiguration config = sp.GetRequiredService<IConfiguration>();
            HostSettings settings = cliSettings with
            {
                WorkspaceDirectory = config["Copilot:Workspace"] ?? cliSettings.WorkspaceDirectory,
                Now = config["Copilot:Now"] is { } now ? HostSettings.Resolve(null, now, null, null).Now : cliSettings.Now,
            };
            ILogger logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("CopilotBot");
            bool empty = string.Equals(config[HostSettings.EmptyWorkspaceKey], "true", StringComparison.OrdinalIgnoreCase);
            bool fresh = WorkspaceFactory.IsNew(settings.WorkspaceDirectory, config) && !empty;
            if (fresh)
            {
                logger.LogInformation("Creating workspace in {Workspace} with the demo portfolio", Path.GetFullPath(settings.WorkspaceDirectory));
            }

            LlmOptions llm = config.GetSection(LlmOptions.SectionName).Get<LlmOptions>() ?? new LlmOptions();
            if (LlmOptions.IsConfigured(llm))
            {
                logger.LogInformation("Language model routing on: {Model} at {Endpoint}", llm.ChatModel, Observability.SafeUrl(llm.Endpoint));
            }

            return CopilotRuntime.Open(
                settings, fresh ? new ConsoleProgress("Seeding demo portfolio") : null, new ConsoleProgress("Training churn model"),
                config, sp.GetRequiredService<ILoggerFactory>(),
                (workspace, clock) => new ApprovalNotifier(
                    new ProactiveMessenger(workspace.ConversationReferences, sp.GetServices<IProactiveChannel>(), logger),
                    workspace.Users, workspace.ConversationState, workspace.Audit, clock),
                sp.GetRequiredService<AlertDispatcher>());
        });

        // Channels: the Bot Framework (Teams) and Slack protocols; channel identities map to workspace users.
        builder.Services.AddSingleton<IChannelUserResolver, WorkspaceUserResolver>();
        builder.Services.AddSingleton<IConversationReferenceSink, WorkspaceReferenceSink>();
        builder.Services.AddHostedService<AgentScheduler>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        // Channel retries are deduplicated in the workspace database (SQLite or PostgreSQL), so a retry is handled once
        // whichever instance it reaches and also after a restart.
        builder.Services.AddSingleton<IInboundDeduplicator>(sp =>
            new WorkspaceInboundDeduplicator(() => sp.GetRequiredService<CopilotRuntime>().Workspace.InboundEvents, TimeProvider.System));
        // ... and keep chart images in it, so Slack's fetch of an image URL succeeds on whichever instance it reaches.
        if (WorkspaceFactory.IsShared(builder.Configuration))
        {
            builder.Services.AddSingleton<ISharedChartImages>(sp => new WorkspaceChartImages(() => sp.GetRequiredService<CopilotRuntime>().Workspace.ChartImages, TimeProvider.System));
        }

        builder.Services.AddCopilotChannels(builder.Configuration);
        // Observability: OpenTelemetry (exported only when OpenTelemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT is set) and /readyz.
        builder.AddCopilotObservability();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddCopilotHardening(builder.Configuration);
        // Anonymous local mode serves loopback host names only (DNS rebinding), and browsers' cross-site posts are refused (CSRF).
        builder.Services.AddLocalModeHostFiltering(builder.Configuration);
        builder.Services.AddSingleton<BrowserRequestGuard>();

        WebApplication app = builder.Build();
        if (app.Services.GetRequiredService<BotOptions>().IsAnonymous)
        {
            app.Logger.LogWarning(
                "UNAUTHENTICATED: Bot:MicrosoftAppId is not set, so /api/messages accepts requests without a token (local mode: Agents Playground, Emulator; loopback service URLs only). Set Bot:MicrosoftAppId and Bot:MicrosoftAppPassword for a real tenant");
        }

        LocalModeExposure.WarnWhenExposed(app);
        app.UseExceptionHandler();
        BrowserRequestGuard guard = app.Services.GetRequiredService<BrowserRequestGuard>();
        app.Use(guard.InvokeAsync);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        Map(app);

        // Open (and seed) the workspace before the first request, so the first visitor does not wait.
        // Then build the growth analyses (the adoption analysis, the expansion model: a few seconds) in the background, so the
        // first "who is ready for an upsell?" does not wait for a training run either.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            CopilotRuntime runtime = app.Services.GetRequiredService<CopilotRuntime>();
            _ = Task.Run(async () =>
            {
                try
                {
                    await runtime.Growth.AdoptionAsync(app.Lifetime.ApplicationStopping);
                    await runtime.Growth.ExpansionAsync(app.Lifetime.ApplicationStopping);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    app.Logger.LogWarning(ex, "Building the growth analyses ahead of time failed; the first growth question builds them");
                }
            });
        });
        return app;
    }

    private static void Map(WebApplication app)
    {
        TurnRateLimiter limiter = app.Services.GetRequiredService<TurnRateLimiter>();
        Func<TurnRequest, CancellationToken, Task<TurnReply>> agent = limiter.Wrap((request, ct) => app.Services.GetRequiredService<CopilotRuntime>().Agent.HandleAsync(request, ct));
        app.MapMethods("/api/messages", ["POST", "HEAD"], (HttpContext context, BotFrameworkEndpoint endpoint) => endpoint.HandleAsync(context, agent));
        app.MapPost("/api/slack/events", (HttpContext context, SlackEndpoint endpoint) => endpoint.HandleEventsAsync(context, agent));
        app.MapPost("/api/slack/interactivity", (HttpContext context, SlackEndpoint endpoint) => endpoint.HandleInteractivityAsync(context, agent));
        app.MapCopilotDirectLine(agent); // the page's Web Chat: /v3/directline/* and POST /api/directline/token
        app.MapPost("/api/events", EventsEndpoint.HandleAsync);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        // Chart images for channels that show an image by URL (Slack), by their SHA-256: PNGs this process rendered or, on a
        // shared PostgreSQL workspace, any instance rendered.
        ChartImageCache charts = app.Services.GetRequiredService<ChartImageCache>(); // resolved now: a bad Bot:PublicBaseUrl fails at start-up
        app.MapGet(ChartImageCache.RoutePrefix + "{file}", async (string file, HttpResponse response, CancellationToken ct) =>
        {
            if (await charts.GetAsync(file, ct) is not { } png)
            {
                return Results.NotFound();
            }

            response.Headers.CacheControl = "public, max-age=86400, immutable";
            return Results.Bytes(png, "image/png");
        });
        app.MapGet("/readyz", async (Readiness readiness, CancellationToken ct) =>
        {
            (bool ready, JsonObject body) = await readiness.CheckAsync(ct);
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/api/info", async (CopilotRuntime runtime, CancellationToken ct) => Results.Ok(new
        {
            demo = await runtime.Workspace.IsDemoAsync(ct),
            today = runtime.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            users = (await runtime.Workspace.Users.ListAsync(ct)).Select(u => new { u.Id, u.Name, role = u.Role.ToString().ToLowerInvariant() }),
        }));
        app.MapPost("/api/ask", async (HttpRequest http, CopilotRuntime runtime, CancellationToken ct) =>
        {
            using System.Diagnostics.Activity? span = ChannelTelemetry.StartTurn("web", "ask");
            AskBody ask;
            try
            {
                if (AskBodies.Read(await http.ReadFromJsonAsync<JsonNode>(AskBodies.Json, ct)) is not { } read)
                {
                    return AskBodies.WrongShape();
                }

                ask = read;
            }
            catch (Exception ex) when (AskBodies.Refusal(http, ex) is { } refusal)
            {
                return refusal;
            }

            if (ask.Question is null && ask.Value is null)
            {
                return Results.Problem("Missing 'question' (a string) or 'value' (a card action's data).", statusCode: 400);
            }

            string question = ask.Question ?? string.Empty;
            JsonObject? value = ask.Value;
            string userId = ask.User ?? string.Empty;

            var user = string.IsNullOrWhiteSpace(userId)
                ? await runtime.ActingUserAsync(ct)
                : await runtime.Workspace.Users.GetAsync(userId, ct);
            if (user is null)
            {
                return Results.Problem($"Unknown user '{userId}'.", statusCode: 400);
            }

            string conversation = ask.Conversation ?? "web-" + user.Id;
            TurnReply reply = await agent(new TurnRequest("web", conversation, user.Id, question, (JsonObject?)value?.DeepClone()), ct);
            return Results.Json(AskOutput.ToJson(question, reply));
        });
    }
}
