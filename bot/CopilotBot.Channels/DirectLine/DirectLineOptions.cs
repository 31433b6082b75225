namespace CopilotBot.Channels.DirectLine;

/// <summary>
/// Settings under <c>DirectLine:</c> for the local Direct Line 3.0 endpoint that Microsoft's Web Chat talks to. Every default
/// suits a laptop; nothing needs to be set.
/// </summary>
public sealed class DirectLineOptions
{
    public const string Section = "DirectLine";

    /// <summary>
    /// Signs tokens (HMAC-SHA256) and, sent as <c>Authorization: Bearer</c>, lets a backend call <c>/tokens/generate</c> or
    /// start conversations directly. Empty: a random secret is made at start-up (tokens then die with the process).
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long a conversation token lives (Direct Line's own: 30 minutes; Web Chat refreshes every 15).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the token inside a <c>streamUrl</c> may wait before the socket is opened.</summary>
    public TimeSpan StreamTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A conversation nobody touched (no request, no open stream) for this long is forgotten.</summary>
    public TimeSpan ConversationIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// At most this many conversations are kept. Starting one more forgets the least recently used idle one (see
    /// <see cref="ConversationInUseWindow"/>); when every one is in use, the new one is refused (429), never one in use forgotten.
    /// </summary>
    public int MaxConversations { get; set; } = 200;

    /// <summary>At most this many conversations per user: a user's next one replaces their own least recently used idle one, or is refused.</summary>
    public int MaxConversationsPerUser { get; set; } = 10;

    /// <summary>A conversation with an open stream, or a request within this long, is in use and is never evicted to make room.</summary>
    public TimeSpan ConversationInUseWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>History kept per conversation: the oldest activities go first past either limit.</summary>
    public int MaxActivitiesPerConversation { get; set; } = 500;

    public int MaxBytesPerConversation { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest posted activity (Web Chat's messages are a few hundred bytes).</summary>
    public int MaxActivityBytes { get; set; } = 64 * 1024;

    /// <summary>Open websockets per conversation (a page opens one; a reconnect briefly two).</summary>
    public int MaxStreamsPerConversation { get; set; } = 4;

    /// <summary>While the agent works, a typing activity goes out at once and then this often (Web Chat shows one for 5 s).</summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What the agent is asked when a conversation starts (its answer is the welcome); empty for no welcome.</summary>
    public string WelcomeText { get; set; } = "help";

    /// <summary>
    /// <c>POST /api/directline/token</c> mints a token for any user the page names, so by default it answers only requests
    /// made to and from this machine (loopback address and a <c>localhost</c>/loopback Host header). Set only behind your own
    /// authentication.
    /// </summary>
    public bool AllowRemoteTokenRequests { get; set; }

    public string BotId { get; set; } = "copilotbot";

    public string BotName { get; set; } = "CopilotBot";

    /// <summary>The problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Secret is { Length: > 0 and < 16 })
        {
            problems.Add("DirectLine:Secret must be at least 16 characters (or empty for a random one).");
        }

        if (TokenLifetime <= TimeSpan.Zero || StreamTokenLifetime <= TimeSpan.Zero || ConversationIdleTimeout <= TimeSpan.Zero || TypingInterval <= TimeSpan.Zero)
        {
            problems.Add("DirectLine lifetimes, the idle timeout and the typing interval must be positive.");
        }

        if (MaxConversations < 1 || MaxConversationsPerUser < 1 || ConversationInUseWindow < TimeSpan.Zero || MaxActivitiesPerConversation < 1 || MaxBytesPerConversation < 1024 || MaxActivityBytes < 1024 || MaxStreamsPerConversation < 1)
        {
            problems.Add("DirectLine limits must be positive (byte limits at least 1024).");
        }

        if (string.IsNullOrWhiteSpace(BotId))
        {
            problems.Add("DirectLine:BotId must not be empty.");
        }

        return problems;
    }
}
