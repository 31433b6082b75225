namespace CopilotBot.Host.Web;

internal static class LocalModeExposure
{
    public static IReadOnlyList<string> NonLoopback(IEnumerable<string> addresses) => [];
}
