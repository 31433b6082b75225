namespace CopilotBot.Plugins.Support;

/// <summary>The retrieval index is being built in the background; the question is answered by keywords meanwhile.</summary>
public sealed class IndexBuildingException(string progress) : Exception($"The support search index is being built ({progress}).")
{
    /// <summary>How far the build is, e.g. "2,048 of 11,204 conversations".</summary>
    public string Progress { get; } = progress;
}
