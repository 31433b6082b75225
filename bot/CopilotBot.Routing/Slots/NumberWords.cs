namespace CopilotBot.Routing.Slots;

/// <summary>Reads "10", "1,000" and small spelled-out numbers ("ten", "twenty five" is not supported).</summary>
internal static class NumberWords
{
    private static readonly Dictionary<string, int> Words = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["fifteen"] = 15,
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["ninety"] = 90,
        ["hundred"] = 100, ["dozen"] = 12,
    };

    public static int? Parse(string word)
    {
        if (word.Length is > 0 and <= 6 && word.All(char.IsAsciiDigit))
        {
            return int.Parse(word, System.Globalization.CultureInfo.InvariantCulture);
        }

        return Words.TryGetValue(word, out int value) ? value : null;
    }

    public static double? ParseDecimal(string word) =>
        double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            ? value
            : Parse(word);
}
