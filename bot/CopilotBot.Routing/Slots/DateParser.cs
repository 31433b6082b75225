namespace CopilotBot.Routing.Slots;

/// <summary>
/// Reads English date phrases relative to a supplied "now". Conventions (documented for the plugins):
/// weeks run Monday–Sunday; "Friday" is the next Friday after today for due dates and the latest Friday up to
/// today for questions about the past; "next Friday" is the Friday of next week; "last Friday" the latest
/// Friday before today; "this month"/"this quarter" cover the whole calendar period; "last 30 days" is
/// now−30 … now; a quarter or month named without a year is the latest one that has started.
/// </summary>
internal static class DateParser
{
    private static readonly Dictionary<string, int> Months = new(StringComparer.Ordinal)
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4,
        ["apr"] = 4, ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8, ["aug"] = 8,
        ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["october"] = 10, ["oct"] = 10, ["november"] = 11,
        ["nov"] = 11, ["december"] = 12, ["dec"] = 12,
    };

    private static readonly Dictionary<string, DayOfWeek> Weekdays = new(StringComparer.Ordinal)
    {
        ["monday"] = DayOfWeek.Monday, ["tuesday"] = DayOfWeek.Tuesday, ["wednesday"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday, ["friday"] = DayOfWeek.Friday, ["saturday"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday, ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday,
        ["tues"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["thur"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday, ["fri"] = DayOfWeek.Friday,
    };

    private static readonly HashSet<string> AbbreviatedWeekdays = new(StringComparer.Ordinal)
    {
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
    };

    /// <summary>Finds every time phrase in <paramref name="words"/>; <paramref name="taken"/> marks words already used.</summary>
    public static List<TimeExpression> FindAll(IReadOnlyList<string> words, bool[] taken, DateOnly now)
    {
        var found = new List<TimeExpression>();
        for (int i = 0; i < words.Count; i++)
        {
            if (taken[i])
            {
                continue;
            }

            TimeExpression? expression = TryParseAt(words, i, now);
            if (expression is null)
            {
                continue;
            }

            found.Add(expression);
            for (int k = expression.Start; k < expression.End; k++)
            {
                taken[k] = true;
            }

            i = expression.End - 1;
        }

        return found;
    }

    private static TimeExpression? TryParseAt(IReadOnlyList<string> w, int i, DateOnly now)
    {
        string word = w[i];
        string next = At(w, i + 1);
        string next2 = At(w, i + 2);

        if (word == "since" && i + 1 < w.Count)
        {
            TimeExpression? inner = TryParseAt(w, i + 1, now);
            if (inner is not null)
            {
                var range = new DateRange(inner.Past.From, now);
                return new TimeExpression(i, inner.End, range, range, now, null);
            }
        }

        switch (word)
        {
            case "today" or "tonight" or "eod":
                return Point(i, i + 1, now);
            case "yesterday":
                return Point(i, i + 1, now.AddDays(-1));
            case "tomorrow" or "tmrw" or "tmr" or "tomorow" or "tommorow":
                return Point(i, i + 1, now.AddDays(1));
            case "ytd":
                return Range(i, i + 1, new DateRange(new DateOnly(now.Year, 1, 1), now), null);
            case "mtd":
                return Range(i, i + 1, new DateRange(new DateOnly(now.Year, now.Month, 1), now), null);
            case "qtd":
                return Range(i, i + 1, new DateRange(QuarterStart(now), now), null);
            case "eow":
                return Point(i, i + 1, WeekStart(now).AddDays(4));
            case "eom":
                return Point(i, i + 1, MonthEnd(now));
            default:
                break;
        }

        if (word == "day" && next == "after" && next2 == "tomorrow")
        {
            return Point(i, i + 3, now.AddDays(2));
        }

        if (word == "year" && next == "to" && next2 == "date")
        {
            return Range(i, i + 3, new DateRange(new DateOnly(now.Year, 1, 1), now), null);
        }

        if (word == "end" && next == "of")
        {
            int k = next2 == "the" || next2 == "this" ? i + 3 : i + 2;
            switch (At(w, k))
            {
                case "week":
                    return Point(i, k + 1, WeekStart(now).AddDays(4));
                case "month":
                    return Point(i, k + 1, MonthEnd(now));
                case "quarter":
                    return Point(i, k + 1, QuarterStart(now).AddMonths(3).AddDays(-1));
                case "day":
                    return Point(i, k + 1, now);
                default:
                    break;
            }
        }

        if (word is "this" or "next" or "last" or "past" or "previous" or "coming" or "current" or "upcoming" or "prior")
        {
            TimeExpression? relative = Relative(w, i, now);
            if (relative is not null)
            {
                return relative;
            }
        }

        if (word == "in" || word == "within" || word == "over")
        {
            // "in 3 days", "within 2 weeks", "in a week"
            (int count, int used) = ReadCount(w, i + 1);
            if (count > 0 && Unit(At(w, i + 1 + used)) is { } unit)
            {
                DateOnly point = Add(now, count, unit);
                int end = i + 2 + used;
                if (word != "in")
                {
                    var range = new DateRange(now, point);
                    return new TimeExpression(i, end, range, range, point, Horizon((point.DayNumber - now.DayNumber)));
                }

                return Point(i, end, point);
            }
        }

        if (word is "half" && (next == "year" || (next == "a" && next2 == "year")))
        {
            int end = next == "year" ? i + 2 : i + 3;
            var range = new DateRange(now, now.AddMonths(6));
            return new TimeExpression(i, end, range, range, range.To, 180);
        }

        {
            // "a 30 day forecast", "the 90-day outlook": a count with a singular unit reads as a window ahead.
            (int count, int used) = ReadCount(w, i);
            string unitWord = At(w, i + used);
            if (count > 1 && used == 1 && unitWord is "day" or "week" or "month" && Unit(unitWord) is { } unit)
            {
                DateOnly until = Add(now, count, unit);
                var ahead = new DateRange(now, until);
                return new TimeExpression(i, i + 2, ahead, ahead, until, Horizon(until.DayNumber - now.DayNumber));
            }
        }

        {
            // "3 days from now", "two weeks out"
            (int count, int used) = ReadCount(w, i);
            if (count > 0 && Unit(At(w, i + used)) is { } unit && (At(w, i + used + 1) == "from" && At(w, i + used + 2) == "now"))
            {
                return Point(i, i + used + 3, Add(now, count, unit));
            }
        }

        if (word.Length is 2 && word[0] == 'q' && word[1] is >= '1' and <= '4')
        {
            int quarter = word[1] - '0';
            int end = i + 1;
            int year = now.Year;
            if (int.TryParse(next, out int explicitYear) && explicitYear is > 1990 and < 2200)
            {
                year = explicitYear;
                end++;
            }
            else if (new DateOnly(year, ((quarter - 1) * 3) + 1, 1) > now)
            {
                year--;
            }

            var start = new DateOnly(year, ((quarter - 1) * 3) + 1, 1);
            return Range(i, end, new DateRange(start, start.AddMonths(3).AddDays(-1)), null);
        }

        if (Weekdays.TryGetValue(word, out DayOfWeek weekday))
        {
            bool abbreviated = AbbreviatedWeekdays.Contains(word);
            string before = At(w, i - 1);
            if (abbreviated && before is not ("on" or "by" or "before" or "until"))
            {
                return null;
            }

            DateOnly future = NextStrictly(now, weekday);
            DateOnly past = LatestOnOrBefore(now, weekday);
            return new TimeExpression(i, i + 1, DateRange.Day(past), DateRange.Day(future), future, null);
        }

        if (TryIsoOrSlashDate(word, now, out DateOnly literal, out DateOnly literalFuture))
        {
            return new TimeExpression(i, i + 1, DateRange.Day(literal), DateRange.Day(literalFuture), literalFuture, null);
        }

        // "Feb 13", "February 13th", "13 Feb", "13th of February", "October", "in May"
        if (Months.TryGetValue(word, out int month))
        {
            if (TryDay(next, out int day))
            {
                int end = i + 2;
                int? year = TryYear(At(w, end));
                return MonthDay(i, year is null ? end : end + 1, month, day, year, now);
            }

            bool modalMay = word == "may" && At(w, i - 1) is not ("in" or "since" or "during" or "of" or "for" or "through");
            bool shortWordNeedsContext = word is "mar" or "jan" or "jun" or "jul" or "aug" or "sep" or "dec" or "nov" or "oct" or "apr" or "feb"
                && At(w, i - 1) is not ("in" or "since" or "during" or "of" or "for");
            if (modalMay || (word == "march" && At(w, i - 1) is not ("in" or "since" or "during" or "of" or "for" or "through")) || shortWordNeedsContext)
            {
                return null;
            }

            int? monthYear = TryYear(next);
            int resolvedYear = monthYear ?? (month > now.Month ? now.Year - 1 : now.Year);
            var first = new DateOnly(resolvedYear, month, 1);
            var pastRange = new DateRange(first, first.AddMonths(1).AddDays(-1));
            int futureYear = monthYear ?? (month < now.Month ? now.Year + 1 : now.Year);
            var futureFirst = new DateOnly(futureYear, month, 1);
            var futureRange = new DateRange(futureFirst, futureFirst.AddMonths(1).AddDays(-1));
            int endIndex = monthYear is null ? i + 1 : i + 2;
            return new TimeExpression(i, endIndex, pastRange, futureRange, futureRange.From, null);
        }

        if (TryDay(word, out int leadingDay))
        {
            int k = next == "of" ? i + 2 : i + 1;
            if (Months.TryGetValue(At(w, k), out int dayMonth))
            {
                int? year = TryYear(At(w, k + 1));
                return MonthDay(i, year is null ? k + 1 : k + 2, dayMonth, leadingDay, year, now);
            }
        }

        return null;
    }

    private static TimeExpression? Relative(IReadOnlyList<string> w, int i, DateOnly now)
    {
        string word = w[i];
        string next = At(w, i + 1);
        bool forward = word is "next" or "coming" or "upcoming";
        bool backward = word is "last" or "past" or "previous" or "prior";

        // "next 30 days", "last 2 weeks", "past few days"
        (int count, int used) = ReadCount(w, i + 1);
        if ((forward || backward) && count > 0 && Unit(At(w, i + 1 + used)) is { } countedUnit)
        {
            int end = i + 2 + used;
            if (forward)
            {
                DateOnly until = Add(now, count, countedUnit);
                var ahead = new DateRange(now, until);
                return new TimeExpression(i, end, ahead, ahead, until, Horizon(until.DayNumber - now.DayNumber));
            }

            var behind = new DateRange(Add(now, -count, countedUnit), now);
            return new TimeExpression(i, end, behind, behind, now, null);
        }

        if (Weekdays.TryGetValue(next, out DayOfWeek weekday))
        {
            DateOnly day = word switch
            {
                "next" or "coming" or "upcoming" => WeekStart(now).AddDays(7 + DayIndex(weekday)),
                "last" or "past" or "previous" or "prior" => LatestStrictlyBefore(now, weekday),
                _ => WeekStart(now).AddDays(DayIndex(weekday)),
            };
            if (word == "this" && day < now)
            {
                day = day.AddDays(7);
            }

            return new TimeExpression(i, i + 2, DateRange.Day(day), DateRange.Day(day), day, null);
        }

        int shift = forward ? 1 : backward ? -1 : 0;
        switch (next)
        {
            case "week" or "wk":
            {
                DateOnly start = WeekStart(now).AddDays(7 * shift);
                var range = new DateRange(start, start.AddDays(6));
                DateOnly due = shift == 0 ? Max(start.AddDays(4), now) : shift > 0 ? start : range.To;
                return new TimeExpression(i, i + 2, range, range, due, shift >= 0 ? 7 : null);
            }

            case "month" or "mo":
            {
                var start = new DateOnly(now.Year, now.Month, 1).AddMonths(shift);
                var range = new DateRange(start, start.AddMonths(1).AddDays(-1));
                DateOnly due = shift > 0 ? start : range.To;
                return new TimeExpression(i, i + 2, range, range, due, shift >= 0 ? 30 : null);
            }

            case "quarter" or "qtr":
            {
                DateOnly start = QuarterStart(now).AddMonths(3 * shift);
                var range = new DateRange(start, start.AddMonths(3).AddDays(-1));
                DateOnly due = shift > 0 ? start : range.To;
                return new TimeExpression(i, i + 2, range, range, due, shift >= 0 ? 90 : null);
            }

            case "year" or "yr":
            {
                var start = new DateOnly(now.Year + shift, 1, 1);
                var range = new DateRange(start, start.AddYears(1).AddDays(-1));
                return new TimeExpression(i, i + 2, range, range, range.To, null);
            }

            case "half" when At(w, i + 2) == "year":
            {
                var range = new DateRange(now, now.AddMonths(6));
                return new TimeExpression(i, i + 3, range, range, range.To, 180);
            }

            default:
                return null;
        }
    }

    private static TimeExpression Point(int start, int end, DateOnly day) =>
        new(start, end, DateRange.Day(day), DateRange.Day(day), day, null);

    private static TimeExpression Range(int start, int end, DateRange range, int? horizon) =>
        new(start, end, range, range, range.To, horizon);

    private static TimeExpression? MonthDay(int start, int end, int month, int day, int? year, DateOnly now)
    {
        if (day > DateTime.DaysInMonth(year ?? 2024, month))
        {
            return null;
        }

        if (year is { } y)
        {
            var exact = new DateOnly(y, month, Math.Min(day, DateTime.DaysInMonth(y, month)));
            return Point(start, end, exact);
        }

        DateOnly thisYear = SafeDate(now.Year, month, day);
        DateOnly past = thisYear <= now ? thisYear : SafeDate(now.Year - 1, month, day);
        DateOnly future = thisYear >= now ? thisYear : SafeDate(now.Year + 1, month, day);
        return new TimeExpression(start, end, DateRange.Day(past), DateRange.Day(future), future, null);
    }

    private static DateOnly SafeDate(int year, int month, int day) =>
        new(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));

    private static bool TryIsoOrSlashDate(string word, DateOnly now, out DateOnly past, out DateOnly future)
    {
        past = future = default;
        if (word.Length == 10 && word[4] == '-' && word[7] == '-' &&
            DateOnly.TryParseExact(word, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out DateOnly iso))
        {
            past = future = iso;
            return true;
        }

        string[] parts = word.Split('/');
        if (parts.Length is 2 or 3 && int.TryParse(parts[0], out int month) && int.TryParse(parts[1], out int day) &&
            month is >= 1 and <= 12 && day >= 1 && day <= 31)
        {
            if (parts.Length == 3 && int.TryParse(parts[2], out int year))
            {
                year = year < 100 ? 2000 + year : year;
                if (year is < 1900 or > 2200)
                {
                    return false;
                }

                past = future = SafeDate(year, month, day);
                return true;
            }

            DateOnly thisYear = SafeDate(now.Year, month, day);
            past = thisYear <= now ? thisYear : SafeDate(now.Year - 1, month, day);
            future = thisYear >= now ? thisYear : SafeDate(now.Year + 1, month, day);
            return true;
        }

        return false;
    }

    private static bool TryDay(string word, out int day)
    {
        ReadOnlySpan<char> digits = word.AsSpan();
        if (digits.EndsWith("st") || digits.EndsWith("nd") || digits.EndsWith("rd") || digits.EndsWith("th"))
        {
            digits = digits[..^2];
        }

        return int.TryParse(digits, out day) && day is >= 1 and <= 31 && digits.Length <= 2;
    }

    private static int? TryYear(string word) =>
        word.Length == 4 && int.TryParse(word, out int year) && year is > 1990 and < 2200 ? year : null;

    private static (int Count, int Used) ReadCount(IReadOnlyList<string> w, int i)
    {
        string word = At(w, i);
        if (word is "a" or "an" or "one")
        {
            return (1, 1);
        }

        if (word == "few" || (word == "a" && At(w, i + 1) == "few"))
        {
            return (3, word == "few" ? 1 : 2);
        }

        if (word == "couple" || (word == "a" && At(w, i + 1) == "couple"))
        {
            return (2, word == "couple" ? (At(w, i + 1) == "of" ? 2 : 1) : (At(w, i + 2) == "of" ? 3 : 2));
        }

        int? number = NumberWords.Parse(word);
        return number is > 0 and <= 400 ? (number.Value, 1) : (0, 0);
    }

    private static string? Unit(string word) => word switch
    {
        "day" or "days" => "d",
        "week" or "weeks" or "wk" or "wks" => "w",
        "month" or "months" or "mo" or "mos" => "m",
        "year" or "years" => "y",
        _ => null,
    };

    private static DateOnly Add(DateOnly now, int count, string unit) => unit switch
    {
        "d" => now.AddDays(count),
        "w" => now.AddDays(7 * count),
        "m" => now.AddMonths(count),
        _ => now.AddYears(count),
    };

    /// <summary>Forecast horizons come in fixed sizes; a phrase is rounded up to the next one.</summary>
    private static int Horizon(int days) => days switch
    {
        <= 7 => 7,
        <= 31 => 30,
        <= 92 => 90,
        _ => 180,
    };

    private static string At(IReadOnlyList<string> w, int i) => i >= 0 && i < w.Count ? w[i] : string.Empty;

    private static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    private static DateOnly WeekStart(DateOnly day) => day.AddDays(-DayIndex(day.DayOfWeek));

    private static DateOnly MonthEnd(DateOnly day) => new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1);

    private static DateOnly QuarterStart(DateOnly day) => new(day.Year, (((day.Month - 1) / 3) * 3) + 1, 1);

    private static DateOnly NextStrictly(DateOnly now, DayOfWeek day)
    {
        int delta = ((int)day - (int)now.DayOfWeek + 7) % 7;
        return now.AddDays(delta == 0 ? 7 : delta);
    }

    private static DateOnly LatestOnOrBefore(DateOnly now, DayOfWeek day) =>
        now.AddDays(-(((int)now.DayOfWeek - (int)day + 7) % 7));

    private static DateOnly LatestStrictlyBefore(DateOnly now, DayOfWeek day)
    {
        int delta = ((int)now.DayOfWeek - (int)day + 7) % 7;
        return now.AddDays(-(delta == 0 ? 7 : delta));
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
