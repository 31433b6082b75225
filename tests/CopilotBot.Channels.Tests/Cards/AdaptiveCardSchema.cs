using System.Text.Json.Nodes;
using NJsonSchema;

namespace CopilotBot.Channels.Tests.Cards;

/// <summary>
/// Validates rendered cards against the saved Adaptive Cards 1.5 JSON schema (tests/Fixtures/adaptive-card.schema.json,
/// draft-06) with NJsonSchema. The schema's root has <c>additionalProperties: false</c> and does not know Teams' host
/// extension <c>msteams</c> (<c>{"width":"Full"}</c>, documented by Teams and in protocols.md 2); that one property is removed
/// before validating, everything else must pass as is.
/// </summary>
public static class AdaptiveCardSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(File.ReadAllText(Locate())).GetAwaiter().GetResult());

    public static IReadOnlyList<string> Validate(JsonObject card)
    {
        var copy = (JsonObject)card.DeepClone();
        copy.Remove("msteams");
        return Schema.Value.Validate(copy.ToJsonString()).Select(Describe).ToList();
    }

    public static void AssertValid(JsonObject card)
    {
        IReadOnlyList<string> errors = Validate(card);
        Assert.True(errors.Count == 0, "Card does not validate against the 1.5 schema:\n" + string.Join("\n", errors) + "\n" + card.ToJsonString());
    }

    /// <summary>The schema is vendored in the repository (tests/Fixtures, MIT, from microsoft/AdaptiveCards).</summary>
    public static string Locate() => Fixtures.Path("adaptive-card.schema.json");

    private static string Describe(NJsonSchema.Validation.ValidationError error) => error switch
    {
        NJsonSchema.Validation.ChildSchemaValidationError child =>
            $"{error.Path}: {error.Kind} [" + string.Join("; ", child.Errors.SelectMany(e => e.Value).Select(Describe)) + "]",
        _ => $"{error.Path}: {error.Kind} ({error.Property})",
    };
}
