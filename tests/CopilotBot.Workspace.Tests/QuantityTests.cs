using CopilotBot.Workspace.Domain;

namespace CopilotBot.Workspace.Tests;

public sealed class QuantityTests
{
    [Theory]
    [InlineData(1, "overdue task", "1 overdue task")]
    [InlineData(2, "overdue task", "2 overdue tasks")]
    [InlineData(0, "account", "0 accounts")]
    [InlineData(1250, "account", "1,250 accounts")]
    [InlineData(2, "company", "2 companies")]
    [InlineData(1, "usage month", "1 usage month")]
    public void Of_AgreesTheNounWithTheCount(long count, string singular, string expected)
    {
        string text = Quantity.Of(count, singular);

        Assert.Equal(expected, text);
    }
}
