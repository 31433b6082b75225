using System.Diagnostics;
using System.Reflection;
using CopilotBot.Workspace;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CopilotBot.Host.Web;

/// <summary>
/// The web host's OpenTelemetry wiring: the product's <c>CopilotBot</c> spans and metrics (see
/// <see cref="CopilotTelemetry"/>) plus ASP.NET Core and HttpClient instrumentation, under a <c>service.name</c> /
/// <c>service.version</c> resource. Nothing is exported, and no span is sampled, unless an OTLP endpoint is configured
/// (<c>OpenTelemetry:OtlpEndpoint</c>, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); then traces, metrics and
/// logs go there. Health probes are not traced. Request-start log lines are off: their URLs can carry a Direct Line token
/// (<c>?t=</c>) or a question (<c>/?q=</c>), which must not reach logs.
/// </summary>
public static class Observability
{
    public const string OtlpEndpointKey = "OpenTelemetry:OtlpEndpoint";
    public const string OtlpProtocolKey = "OpenTelemetry:OtlpProtocol";
    public const string ServiceNameKey = "OpenTelemetry:ServiceName";
    public const string SampleRatioKey = "OpenTelemetry:SampleRatio";
    public const string DefaultServiceName = "copilotbot";

    public static void AddCopilotObservability(this WebApplicationBuilder builder)
    {
        IConfiguration config = builder.Configuration;
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        string? configured = config[OtlpEndpointKey];
        string? fromEnvironment = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        Uri? endpoint = Uri.TryCreate(configured, UriKind.Absolute, out Uri? c) ? c : null;
        if (!string.IsNullOrWhiteSpace(configured) && endpoint is null)
        {
            throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute URL such as http://localhost:4317 (gRPC) or http://localhost:4318 (with {OtlpProtocolKey}=http/protobuf).");
        }

        bool export = endpoint is not null || Uri.TryCreate(fromEnvironment, UriKind.Absolute, out _);
        string serviceName = config[ServiceNameKey] ?? Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? DefaultServiceName;
        string version = typeof(Observability).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(Observability).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        double ratio = double.TryParse(config[SampleRatioKey], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double r)
            ? Math.Clamp(r, 0, 1)
            : 1.0;

        IOpenTelemetryBuilder otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version))
            .WithTracing(tracing => tracing
                .AddSource(CopilotTelemetry.Name, "Microsoft.SemanticKernel*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = RedactCapabilityUrl)
                // Unsampled spans cost almost nothing; with no exporter there is nobody to sample for.
                .SetSampler(export ? new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)) : new AlwaysOffSampler()))
            .WithMetrics(metrics => metrics
                .AddMeter(CopilotTelemetry.Name, "Microsoft.SemanticKernel*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (export)
        {
            otel.WithLogging();
            if (endpoint is not null)
            {
                otel.UseOtlpExporter(Protocol(config[OtlpProtocolKey] ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL")), endpoint);
            }
            else
            {
                otel.UseOtlpExporter(); // reads OTEL_EXPORTER_OTLP_* itself
            }
        }
    }

    /// <summary>Whether the request is a health probe (not traced: load balancers call them every few seconds).</summary>
    public static bool IsProbe(PathString path) =>
        path.Equals("/healthz", StringComparison.OrdinalIgnoreCase) || path.Equals("/readyz", StringComparison.OrdinalIgnoreCase);

    private static OtlpExportProtocol Protocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{OtlpProtocolKey} '{value}' is not known; use grpc or http/protobuf."),
    };

    /// <summary>A URL fit for a log line: scheme, host, port and path, without user:password@, query or fragment.</summary>
    public static string SafeUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out Uri? uri)
            ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString()
            : "(not a URL)";

    /// <summary>A Slack <c>response_url</c> is a bearer capability in its path: the span keeps only its host.</summary>
    private static void RedactCapabilityUrl(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is { } uri && uri.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase))
        {
            activity.SetTag("url.full", $"{uri.Scheme}://{uri.Host}/REDACTED");
            activity.SetTag("url.path", "/REDACTED");
        }
    }
}
