using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AzureEmulator.Tds;

namespace AzureEmulator.Sql;

/// <summary>
/// Text-to-type conversion as Microsoft Learn documents it: the CSV reader's WITH types under parser 2.0
/// (develop-openrowset: "supported date/time formats YYYY-MM-DD, HH:MM:SS[.fractional seconds],
/// YYYY-MM-DD HH:MM:SS[.fractional seconds]") and CAST/CONVERT/TRY_CONVERT (cast-and-convert: styles 126/127 are
/// ISO 8601 "yyyy-mm-ddThh:mi:ss.mmm" and "yyyy-MM-ddThh:mi:ss.fffZ"; the bit page: "TRUE and FALSE can be
/// converted to bit values", "any nonzero value" becomes 1).
/// </summary>
public static partial class SqlConversions
{
    /// <summary>How a CSV text value became a WITH column value.</summary>
    public enum Outcome
    {
        Converted,
        ConversionError,
        TooLong,
        Undocumented,
    }

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})$")]
    private static partial Regex DatePattern();

    /// <summary>The time literal forms of the time type's documentation: hh:mm[:ss][.fractional seconds].</summary>
    [GeneratedRegex(@"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})([ T])(\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?)(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>
    /// A CSV field into its WITH type (parser 2.0 rules; 1.0 is held to the same documented formats).
    /// <paramref name="reason"/> names the undocumented shape when the outcome is <see cref="Outcome.Undocumented"/>.
    /// </summary>
    public static Outcome FromCsv(string text, SqlType type, out object? value, out string? reason)
    {
        value = null;
        reason = null;
        switch (type.Kind)
        {
            case SqlTypeKind.Varchar or SqlTypeKind.NVarchar:
                var size = type.Kind == SqlTypeKind.Varchar ? Encoding.UTF8.GetByteCount(text) : text.Length;
                if (type.Length != SqlType.Max && size > type.Length)
                {
                    return Outcome.TooLong;
                }

                value = text;
                return Outcome.Converted;
            case SqlTypeKind.Bit:
                // Bulk reading documents no text form of bit; '0'/'1' are the bit values themselves.
                if (text is "0" or "1")
                {
                    value = text == "1";
                    return Outcome.Converted;
                }

                reason = $"CSV text '{Shorten(text)}' read into a bit column in OPENROWSET WITH (only 0 and 1 are bit values; read it as varchar and TRY_CONVERT it)";
                return Outcome.Undocumented;
            case SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.DateTime2:
                var parsed = type.Kind switch
                {
                    SqlTypeKind.Date => ParseDate(text) is { } d ? (object)d : null,
                    SqlTypeKind.Time => ParseTime(text) is { } t ? t : null,
                    _ => DateTimePattern().Match(text) is { Success: true } m && m.Groups[2].Value == " " && !m.Groups[4].Success ? ParseDateTime(m) : null,
                };
                if (parsed is null)
                {
                    reason = $"CSV text '{Shorten(text)}' read into a {type} column in OPENROWSET WITH (parser 2.0 documents only YYYY-MM-DD, HH:MM:SS[.f] and YYYY-MM-DD HH:MM:SS[.f])";
                    return Outcome.Undocumented;
                }

                value = parsed;
                return Outcome.Converted;
            case SqlTypeKind.DateTimeOffset:
                reason = $"CSV text read into a datetimeoffset column in OPENROWSET WITH (no format is documented; read it as varchar and CONVERT with style 127)";
                return Outcome.Undocumented;
            default:
                value = Scalar(text, type);
                return value is null ? Outcome.ConversionError : Outcome.Converted;
        }
    }

    /// <summary>CAST / CONVERT / TRY_CONVERT of a value to <paramref name="target"/>; null when it cannot (TRY_CONVERT's NULL).</summary>
    public static object? Convert(object? value, SqlType target, int? style, bool tryOnly)
    {
        if (value is null)
        {
            return null;
        }

        if (style is { } s && s is not (0 or 126 or 127))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"CONVERT style {s}"));
        }

        if (value is string text)
        {
            var converted = FromText(text.Trim(), target);
            if (converted is null && !tryOnly)
            {
                throw new SqlStatementException(target.Kind switch
                {
                    SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.DateTime2 or SqlTypeKind.DateTimeOffset => SqlQueryErrors.DateConversion(),
                    SqlTypeKind.Decimal => SqlQueryErrors.NumericConversion(),
                    _ => SqlQueryErrors.ValueConversion(text, target),
                });
            }

            return converted;
        }

        if (target.IsText)
        {
            return ToText(value, style);
        }

        return (value, target.Kind) switch
        {
            (DateTimeOffset o, SqlTypeKind.DateTime2) => o.DateTime,
            (DateTimeOffset o, SqlTypeKind.Date) => o.Date,
            (DateTime d, SqlTypeKind.DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Unspecified), TimeSpan.Zero),
            (DateTime d, SqlTypeKind.DateTime2) => d,
            (DateTime d, SqlTypeKind.Date) => d.Date,
            (bool b, _) when IsNumber(target) => Number(b ? 1m : 0m, target),
            (_, SqlTypeKind.Bit) when value is not (DateTime or DateTimeOffset or TimeSpan or Guid) => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0,
            (_, _) when IsNumber(target) && value is not (DateTime or DateTimeOffset or TimeSpan or Guid) => Number(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture), target),
            (Guid g, SqlTypeKind.UniqueIdentifier) => g,
            (TimeSpan t, SqlTypeKind.Time) => t,
            _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"conversion from {value.GetType().Name} to {target}")),
        };
    }

    /// <summary>A value as text (ISO 8601 for dates, as style 126/127 and the default of datetime2 give it).</summary>
    public static string ToText(object value, int? style = null) => value switch
    {
        bool b => b ? "1" : "0",
        DateTime d when d.TimeOfDay == TimeSpan.Zero && d.Kind == DateTimeKind.Unspecified && style is null => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString(style is 126 or 127 ? "yyyy-MM-ddTHH:mm:ss.fffffff" : "yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        DateTimeOffset o when style == 127 && o.Offset == TimeSpan.Zero => o.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "Z",
        DateTimeOffset o => o.ToString(style is 126 or 127 ? "yyyy-MM-ddTHH:mm:ss.fffffffzzz" : "yyyy-MM-dd HH:mm:ss.fffffff zzz", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString(@"hh\:mm\:ss\.fffffff", CultureInfo.InvariantCulture),
        double f => f.ToString("R", CultureInfo.InvariantCulture),
        float r => r.ToString("R", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D").ToUpperInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static object? FromText(string text, SqlType target)
    {
        switch (target.Kind)
        {
            case SqlTypeKind.Varchar or SqlTypeKind.NVarchar:
                return target.Length != SqlType.Max && text.Length > target.Length ? text[..target.Length] : text;
            case SqlTypeKind.Bit:
                if (text.Equals("TRUE", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (text.Equals("FALSE", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                return IntegerPattern().IsMatch(text) ? decimal.Parse(text, CultureInfo.InvariantCulture) != 0 : null;
            case SqlTypeKind.Date:
                if (ParseDate(text) is { } date)
                {
                    return date;
                }

                return DateTimePattern().Match(text) is { Success: true, Groups: var g } && !g[4].Success ? ParseDateTime(DateTimePattern().Match(text))?.Date : null;
            case SqlTypeKind.Time:
                return ParseTime(text);
            case SqlTypeKind.DateTime2:
                if (ParseDate(text) is { } day)
                {
                    return day;
                }

                var m = DateTimePattern().Match(text);
                if (!m.Success)
                {
                    return null;
                }

                if (m.Groups[4].Success && m.Groups[4].Value != "Z")
                {
                    throw new SqlStatementException(SqlQueryErrors.Undocumented($"converting '{text}' (a time zone offset) to {target}; convert to datetimeoffset instead"));
                }

                return ParseDateTime(m);
            case SqlTypeKind.DateTimeOffset:
                var o = DateTimePattern().Match(text);
                if (!o.Success || ParseDateTime(o) is not { } local)
                {
                    return null;
                }

                var zone = o.Groups[4].Value;
                var offset = zone is "" or "Z" ? TimeSpan.Zero : TimeSpan.Parse(zone[1..], CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1);
                return new DateTimeOffset(local, offset);
            default:
                return Scalar(text, target);
        }
    }

    private static object? Scalar(string text, SqlType type)
    {
        var ok = type.Kind switch
        {
            SqlTypeKind.Real or SqlTypeKind.Float => FloatPattern().IsMatch(text),
            SqlTypeKind.Decimal => DecimalPattern().IsMatch(text),
            SqlTypeKind.UniqueIdentifier => Guid.TryParseExact(text, "D", out _),
            _ => IntegerPattern().IsMatch(text),
        };
        if (!ok)
        {
            return null;
        }

        try
        {
            return type.Kind switch
            {
                SqlTypeKind.TinyInt => byte.Parse(text, CultureInfo.InvariantCulture),
                SqlTypeKind.SmallInt => short.Parse(text, CultureInfo.InvariantCulture),
                SqlTypeKind.Int => int.Parse(text, CultureInfo.InvariantCulture),
                SqlTypeKind.BigInt => long.Parse(text, CultureInfo.InvariantCulture),
                SqlTypeKind.Real => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                SqlTypeKind.Float => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                SqlTypeKind.Decimal => Number(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture), type),
                SqlTypeKind.UniqueIdentifier => Guid.ParseExact(text, "D"),
                _ => null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static bool IsNumber(SqlType type) => type.IsInteger || type.Kind is SqlTypeKind.Real or SqlTypeKind.Float or SqlTypeKind.Decimal;

    private static object? Number(decimal value, SqlType type)
    {
        try
        {
            return type.Kind switch
            {
                SqlTypeKind.TinyInt => (object)System.Convert.ToByte(decimal.Truncate(value)),
                SqlTypeKind.SmallInt => System.Convert.ToInt16(decimal.Truncate(value)),
                SqlTypeKind.Int => System.Convert.ToInt32(decimal.Truncate(value)),
                SqlTypeKind.BigInt => System.Convert.ToInt64(decimal.Truncate(value)),
                SqlTypeKind.Real => (float)value,
                SqlTypeKind.Float => (double)value,
                _ => FitsPrecision(Math.Round(value, Math.Min((int)type.Scale, 28), MidpointRounding.AwayFromZero), type),
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static decimal? FitsPrecision(decimal value, SqlType type)
    {
        var integerDigits = decimal.Truncate(Math.Abs(value)).ToString(CultureInfo.InvariantCulture).TrimStart('0').Length;
        return integerDigits > type.Precision - type.Scale ? null : value;
    }

    private static DateTime? ParseDate(string text)
    {
        var m = DatePattern().Match(text);
        return m.Success && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    private static TimeSpan? ParseTime(string text)
    {
        var m = TimePattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var hours = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var minutes = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var seconds = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        if (hours > 23 || minutes > 59 || seconds > 59)
        {
            return null;
        }

        var fraction = m.Groups[4].Success ? long.Parse(m.Groups[4].Value.PadRight(7, '0'), CultureInfo.InvariantCulture) : 0;
        return new TimeSpan(hours, minutes, seconds) + TimeSpan.FromTicks(fraction);
    }

    private static DateTime? ParseDateTime(Match m) =>
        ParseDate(m.Groups[1].Value) is { } date && ParseTime(m.Groups[3].Value) is { } time ? date + time : null;

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
