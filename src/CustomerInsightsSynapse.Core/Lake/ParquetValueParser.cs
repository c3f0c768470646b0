using System.Globalization;
using System.Numerics;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// The one place CSV text becomes a typed value for Parquet, by the rules the CSV views convert with
/// (<see cref="Sql.SqlTypeMap"/> and the TRY_CONVERT of <see cref="Sql.ServerlessSqlGenerator"/>): spaces around a
/// value are ignored and a value of spaces only is empty (NULL), as NULLIF(text, '') and T-SQL's padded comparison
/// make it; integers, floats and decimals in invariant notation (no thousands separators, no NaN or infinity;
/// decimals rounded half away from zero to their scale, as CONVERT does, and refused beyond their precision);
/// booleans True/False (any case), 1 and 0; GUIDs with or without braces; dates and times in ISO 8601
/// (<c>yyyy-MM-dd</c>, then <c>T</c> or a space and <c>HH:mm[:ss[.fffffff]]</c>, then <c>Z</c>, <c>±hh:mm</c> or nothing,
/// which is UTC), as styles 126 and 127 read them. Each method returns false for a value that does not convert.
/// </summary>
public static class ParquetValueParser
{
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingSign;
    private const NumberStyles FloatStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>ISO 8601 shapes: date, then 'T' or space and the time to minutes, seconds or up to 7 fractional digits, then 'K' (Z, offset or none).</summary>
    private static readonly string[] Iso8601Formats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-ddK",
    ];

    private static readonly long[] PowersOfTen = [.. Enumerable.Range(0, 19).Select(n => (long)Math.Pow(10, n))];

    private static readonly string[] TimeFormats = ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"];

    /// <summary>The text without the spaces around it; empty when the value is NULL for a typed column.</summary>
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text) => text.Trim(' ');

    public static bool TryParseInt64(ReadOnlySpan<char> text, long min, long max, out long value) =>
        long.TryParse(Trim(text), IntegerStyle, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(Trim(text), FloatStyle, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool TryParseSingle(ReadOnlySpan<char> text, out float value) =>
        float.TryParse(Trim(text), FloatStyle, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool value)
    {
        var t = Trim(text);
        if (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("1"))
        {
            value = true;
            return true;
        }

        value = false;
        return t.Equals("false", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("0");
    }

    /// <summary>A GUID as 32 hexadecimal digits in 8-4-4-4-12 groups, optionally in braces; written back in that form, lower case.</summary>
    public static bool TryParseGuid(ReadOnlySpan<char> text, out Guid value)
    {
        var t = Trim(text);
        return Guid.TryParseExact(t, "D", out value) || Guid.TryParseExact(t, "B", out value);
    }

    /// <summary>
    /// A decimal of <paramref name="precision"/> digits, <paramref name="scale"/> after the point, as its unscaled
    /// integer (the value times 10^scale), exact for every precision up to 38.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, int precision, int scale, out BigInteger unscaled)
    {
        unscaled = BigInteger.Zero;
        var t = Trim(text);
        var negative = false;
        if (t.Length > 0 && (t[0] == '-' || t[0] == '+'))
        {
            negative = t[0] == '-';
            t = t[1..];
        }

        var point = t.IndexOf('.');
        var whole = point < 0 ? t : t[..point];
        var fraction = point < 0 ? [] : t[(point + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !AllDigits(whole) || !AllDigits(fraction))
        {
            return false;
        }

        whole = whole.TrimStart('0');
        if (whole.Length > precision - scale)
        {
            return false;
        }

        var kept = fraction.Length > scale ? fraction[..scale] : fraction;
        var roundsUp = fraction.Length > scale && fraction[scale] >= '5';
        if (whole.Length + scale <= 18)
        {
            var small = 0L;
            foreach (var c in whole)
            {
                small = (small * 10) + (c - '0');
            }

            for (var i = 0; i < scale; i++)
            {
                small = (small * 10) + (i < kept.Length ? kept[i] - '0' : 0);
            }

            small += roundsUp ? 1 : 0;
            if (precision <= 18 && small >= PowersOfTen[precision])
            {
                return false;
            }

            unscaled = negative ? -small : small;
            return true;
        }

        var digits = new char[whole.Length + scale];
        whole.CopyTo(digits);
        kept.CopyTo(digits.AsSpan(whole.Length));
        digits.AsSpan(whole.Length + kept.Length).Fill('0');
        var magnitude = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (roundsUp)
        {
            magnitude += BigInteger.One;
        }

        if (magnitude >= BigInteger.Pow(10, precision))
        {
            return false;
        }

        unscaled = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>An ISO 8601 date, or the date of an ISO 8601 date and time as written (its offset is not applied).</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly value)
    {
        if (TryParseDateTimeOffset(text, out var parsed))
        {
            value = DateOnly.FromDateTime(parsed.DateTime);
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryParseTime(ReadOnlySpan<char> text, out TimeSpan value)
    {
        if (TimeOnly.TryParseExact(Trim(text), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            value = parsed.ToTimeSpan();
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>An ISO 8601 date and time in UTC: a value with an offset is moved to UTC, one without is taken as UTC.</summary>
    public static bool TryParseDateTimeUtc(ReadOnlySpan<char> text, out DateTime value)
    {
        if (TryParseDateTimeOffset(text, out var parsed))
        {
            value = parsed.UtcDateTime;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>An ISO 8601 date and time with its offset (<c>Z</c> or none: +00:00).</summary>
    public static bool TryParseDateTimeOffset(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        var trimmed = Trim(text);
        return TryParseCommonIso8601(trimmed, out value) || TryParseIso8601Formats(trimmed, out value);
    }

    /// <summary>The ISO 8601 shapes of <see cref="Iso8601Formats"/> through the format parser.</summary>
    internal static bool TryParseIso8601Formats(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        try
        {
            return DateTimeOffset.TryParseExact(text, Iso8601Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A time near 0001-01-01 or 9999-12-31 whose offset moves it out of range.
            value = default;
            return false;
        }
    }

    /// <summary>
    /// The shapes Customer Insights writes, read without the format parser (which costs most of a conversion's time
    /// on date columns): <c>yyyy-MM-dd</c>, optionally <c>T</c> or a space and <c>HH:mm:ss</c> with 1 to 7
    /// fractional digits or none, then <c>Z</c>, <c>±hh:mm</c> or nothing. False sends every other text (other
    /// shapes, values out of range, offsets beyond 14 hours) to the format parser, which decides.
    /// </summary>
    internal static bool TryParseCommonIso8601(ReadOnlySpan<char> t, out DateTimeOffset value)
    {
        value = default;
        if (t.Length < 10 || t[4] != '-' || t[7] != '-'
            || !TryDigits(t[..4], out var year) || !TryDigits(t.Slice(5, 2), out var month) || !TryDigits(t.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var rest = t[10..];
        long ticks = 0;
        if (rest.Length >= 9 && rest[0] is 'T' or ' ' && rest[3] == ':' && rest[6] == ':'
            && TryDigits(rest.Slice(1, 2), out var hour) && TryDigits(rest.Slice(4, 2), out var minute) && TryDigits(rest.Slice(7, 2), out var second)
            && hour < 24 && minute < 60 && second < 60)
        {
            ticks = (((hour * 60L) + minute) * 60 + second) * TimeSpan.TicksPerSecond;
            rest = rest[9..];
            if (rest.Length > 0 && rest[0] == '.')
            {
                var digits = 1;
                while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
                {
                    digits++;
                }

                if (digits is 1 or > 8 || !TryDigits(rest[1..digits], out var fraction))
                {
                    return false;
                }

                for (var i = digits - 1; i < 7; i++)
                {
                    fraction *= 10;
                }

                ticks += fraction;
                rest = rest[digits..];
            }
        }
        else if (rest.Length > 0 && rest[0] is 'T' or ' ')
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (rest.Length == 1 && rest[0] == 'Z')
        {
            rest = [];
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && TryDigits(rest.Slice(1, 2), out var offsetHours) && TryDigits(rest.Slice(4, 2), out var offsetMinutes)
            && offsetMinutes < 60 && (offsetHours * 60) + offsetMinutes <= 14 * 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            offset = rest[0] == '-' ? -offset : offset;
            rest = [];
        }

        if (!rest.IsEmpty)
        {
            return false;
        }

        var local = new DateTime(year, month, day).Ticks + ticks;
        var utc = local - offset.Ticks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Only ASCII digits, as a number (at most 9 of them).</summary>
    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 9)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>A time of day as ISO 8601 text with 7 fractional digits, as the view reads it back (style 126).</summary>
    public static string FormatTime(TimeSpan value) =>
        value.ToString("hh':'mm':'ss'.'fffffff", CultureInfo.InvariantCulture);

    /// <summary>A date and time with its offset as ISO 8601 text with 7 fractional digits, as the view converts it back (style 127).</summary>
    public static string FormatDateTimeOffset(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
