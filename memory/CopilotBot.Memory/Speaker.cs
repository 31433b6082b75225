namespace CopilotBot.Memory;

/// <summary>Who wrote a turn of a support conversation.</summary>
public enum Speaker
{
    Customer,
    Agent,
}
