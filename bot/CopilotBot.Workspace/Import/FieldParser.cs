using System.Globalization;
using System.Text.RegularExpressions;

namespace CopilotBot.Workspace.Import;

/// <summary>
/// Parses one row's fields, collecting every problem instead of stopping at the first,
/// so a person fixing the file sees all of a row's mistakes at once.
/// </summary>
internal sealed partial class FieldParser(SourceRow row, DateOrder dateOrder = DateOrder.Unstated)
{
    // Day/month-only dates (03/04/2027) are not here: NumericDate reads them, refusing the ones that read two ways.
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ssK", "d MMM yyyy", "MMM d yyyy", "MMM d, yyyy"];

    public List<string> Problems { get; } = [];

    public bool Ok => Problems.Count == 0;

    public int Line => row.Line;

    public string? Optional(params string[] names) => row.Get(names);

    /// <summary>Whether the file has any of these columns (a JSONL object: these keys), blank or not.</summary>
    public bool Has(params string[] names) => names.Any(row.Fields.ContainsKey);

    public string Required(string label, params string[] names)
    {
        string? v = row.Get(names);
        if (v is null)
        {
            Problems.Add($"'{label}' is required");
            return string.Empty;
        }

        return v;
    }

    public T Enum<T>(string label, string? text, TryParse<T> parse, string allowed, T fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        if (parse(text, out T value))
        {
            return value;
        }

        Problems.Add($"'{label}' is '{text}'; expected one of {allowed}");
        return fallback;
    }

    public delegate bool TryParse<T>(string? text, out T value);

    public decimal? Money(string label, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                Problems.Add($"'{label}' is required");
            }

            return null;
        }

        string cleaned = text.Replace("$", string.Empty, StringComparison.Ordinal).Replace("€", string.Empty, StringComparison.Ordinal)
            .Replace("£", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal).Trim();
        if (decimal.TryParse(cleaned, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) && value >= 0)
        {
            return value;
        }

        Problems.Add($"'{label}' is '{text}'; expected a non-negative number");
        return null;
    }

    public int? Int(string label, string? text, bool required, int min = 0)
    {
        if (text is null)
        {
            if (required)
            {
                Problems.Add($"'{label}' is required");
            }

            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min)
        {
            return value;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && d >= min && d <= int.MaxValue)
        {
            return (int)d;
        }

        Problems.Add($"'{label}' is '{text}'; expected a whole number ≥ {min}");
        return null;
    }

    /// <summary>A fraction 0..1, also accepting a percentage written with % (e.g. 45%).</summary>
    public double? Fraction(string label, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                Problems.Add($"'{label}' is required");
            }

            return null;
        }

        bool percent = text.EndsWith('%');
        string number = percent ? text[..^1].Trim() : text;
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            value = percent ? value / 100 : value;
            if (value is >= 0 and <= 1)
            {
                return value;
            }
        }

        Problems.Add($"'{label}' is '{text}'; expected a fraction between 0 and 1 (or a percentage like 45%)");
        return null;
    }

    public double? Real(string label, string? text, double min, double max)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max)
        {
            return value;
        }

        Problems.Add($"'{label}' is '{text}'; expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    public DateOnly? Date(string label, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                Problems.Add($"'{label}' is required");
            }

            return null;
        }

        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d))
        {
            return d;
        }

        if (!TryIsoDate(label, ref text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset dt))
        {
            return DateOnly.FromDateTime(dt.UtcDateTime);
        }

        Problems.Add($"'{label}' is '{text}'; expected a date like 2026-11-21");
        return null;
    }

    /// <summary>A month given as 2026-10, 2026-10-01 or any date in it; returns the month's first day.</summary>
    public DateOnly? Month(string label, string? text)
    {
        if (text is null)
        {
            Problems.Add($"'{label}' is required");
            return null;
        }

        if (DateOnly.TryParseExact(text, ["yyyy-MM", "yyyy/MM", "MMM yyyy", "MMMM yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly m))
        {
            return new DateOnly(m.Year, m.Month, 1);
        }

        int before = Problems.Count;
        DateOnly? d = Date(label, text, true);
        if (d is { } day)
        {
            return new DateOnly(day.Year, day.Month, 1);
        }

        Problems[before] = $"'{label}' is '{text}'; expected a month like 2026-10";
        return null;
    }

    public DateTimeOffset? Instant(string label, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                Problems.Add($"'{label}' is required");
            }

            return null;
        }

        if (!TryIsoDate(label, ref text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at))
        {
            return at;
        }

        Problems.Add($"'{label}' is '{text}'; expected a timestamp like 2026-11-21T14:02:00Z");
        return null;
    }

    /// <summary>
    /// Rewrites a date written with numbers only (03/04/2027, 3.4.27, optionally followed by a time) as ISO, in the
    /// order the import stated; without one, a date that reads two ways is a problem (never a guess). Anything else is
    /// left as it is. False when it added a problem.
    /// </summary>
    private bool TryIsoDate(string label, ref string text)
    {
        Match m = NumericDate().Match(text);
        if (!m.Success)
        {
            return true;
        }

        int a = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), b = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        int year = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        year = year < 100 ? 2000 + year : year;
        (int day, int month) = dateOrder switch
        {
            DateOrder.DayFirst => (a, b),
            DateOrder.MonthFirst => (b, a),
            _ when a > 12 && b <= 12 => (a, b),
            _ when b > 12 && a <= 12 => (b, a),
            _ when a == b => (a, b),
            _ => (0, 0),
        };
        if (day == 0)
        {
            string dayFirst = new DateTime(year, b, a, 0, 0, 0, DateTimeKind.Unspecified).ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
            string monthFirst = new DateTime(year, a, b, 0, 0, 0, DateTimeKind.Unspecified).ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
            Problems.Add($"'{label}' is '{text}', which reads as {dayFirst} or {monthFirst}; write dates as {year:0000}-{b:00}-{a:00} " +
                "(year-month-day), or say how the file writes them: --date-format dd/MM/yyyy (day first) or --date-format MM/dd/yyyy (month first)");
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            Problems.Add($"'{label}' is '{text}', which is not a date" + (dateOrder == DateOrder.Unstated ? string.Empty : $" in the stated format ({(dateOrder == DateOrder.DayFirst ? "day" : "month")} first)"));
            return false;
        }

        text = $"{year:0000}-{month:00}-{day:00}{m.Groups[4].Value}";
        return true;
    }

    [GeneratedRegex(@"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d])(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex NumericDate();
}

/// <summary>How an import's numeric dates are written (its <c>--date-format</c>); unstated means ambiguous ones are refused.</summary>
public enum DateOrder
{
    Unstated,
    DayFirst,
    MonthFirst,
}
