using System.Globalization;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>The conversion rules of the CSV views' TRY_CONVERT, applied while landing as Parquet.</summary>
public sealed class ParquetValueParserTests
{
    [Theory]
    [InlineData("12.345", 5, 2, "1235")]
    [InlineData("-12.345", 5, 2, "-1235")]
    [InlineData("12.344", 5, 2, "1234")]
    [InlineData(" +0.5 ", 3, 0, "1")]
    [InlineData(".5", 3, 1, "5")]
    [InlineData("7.", 3, 1, "70")]
    [InlineData("000123.4", 4, 1, "1234")]
    [InlineData("12345678901234567890.123456789012345678", 38, 18, "12345678901234567890123456789012345678")]
    public void Decimal_IsRoundedHalfAwayFromZeroToItsScale(string text, int precision, int scale, string unscaled)
    {
        Assert.True(ParquetValueParser.TryParseDecimal(text, precision, scale, out var value));
        Assert.Equal(unscaled, value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Up to 18 digits the unscaled value is computed without BigInteger; it equals System.Decimal's rounding half away from zero.</summary>
    [Fact]
    public void Decimal_OfEighteenDigitsOrFewer_EqualsDecimalRounding()
    {
        var random = new Random(22);
        for (var i = 0; i < 20_000; i++)
        {
            var precision = random.Next(1, 19);
            var scale = random.Next(0, precision + 1);
            var whole = random.Next(0, precision - scale + 2);
            var fraction = random.Next(0, scale + 3);
            var text = (random.Next(3) == 0 ? "-" : string.Empty)
                + new string([.. Enumerable.Range(0, whole).Select(_ => (char)('0' + random.Next(10)))])
                + (fraction > 0 || whole == 0 ? "." + new string([.. Enumerable.Range(0, Math.Max(fraction, 1)).Select(_ => (char)('0' + random.Next(10)))]) : string.Empty);
            var expected = Math.Round(decimal.Parse(text, CultureInfo.InvariantCulture), scale, MidpointRounding.AwayFromZero) * (decimal)Math.Pow(10, scale);
            var fits = Math.Abs(expected) < (decimal)Math.Pow(10, precision);
            Assert.Equal(fits, ParquetValueParser.TryParseDecimal(text, precision, scale, out var unscaled));
            if (fits)
            {
                Assert.Equal(expected.ToString("0", CultureInfo.InvariantCulture), unscaled.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    [Theory]
    [InlineData("999.995", 5, 2)]
    [InlineData("1000", 5, 2)]
    [InlineData("1e3", 5, 2)]
    [InlineData("1,5", 5, 2)]
    [InlineData("-", 5, 2)]
    [InlineData(".", 5, 2)]
    [InlineData("1.2.3", 5, 2)]
    public void Decimal_BeyondItsPrecisionOrNotANumber_DoesNotConvert(string text, int precision, int scale) =>
        Assert.False(ParquetValueParser.TryParseDecimal(text, precision, scale, out _));

    [Theory]
    [InlineData("True", true)]
    [InlineData("FALSE", false)]
    [InlineData(" 1 ", true)]
    [InlineData("0", false)]
    public void Boolean_AcceptsTrueFalseOneAndZero(string text, bool expected)
    {
        Assert.True(ParquetValueParser.TryParseBoolean(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData("t")]
    public void Boolean_RefusesOtherText(string text) => Assert.False(ParquetValueParser.TryParseBoolean(text, out _));

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("1,000.5")]
    public void Double_RefusesWhatSqlFloatCannotHold(string text) => Assert.False(ParquetValueParser.TryParseDouble(text, out _));

    [Theory]
    [InlineData("1.0")]
    [InlineData("2147483648")]
    [InlineData("1e3")]
    public void Int32_RefusesFractionsAndOverflow(string text) => Assert.False(ParquetValueParser.TryParseInt64(text, int.MinValue, int.MaxValue, out _));

    [Theory]
    [InlineData("2019-07-10T08:30:00.1234567+02:00", "2019-07-10T06:30:00.1234567")]
    [InlineData("2019-07-10T08:30:00Z", "2019-07-10T08:30:00.0000000")]
    [InlineData("2019-07-10 08:30", "2019-07-10T08:30:00.0000000")]
    [InlineData("2019-07-10", "2019-07-10T00:00:00.0000000")]
    public void DateTime_IsIso8601_MovedToUtc(string text, string utc)
    {
        Assert.True(ParquetValueParser.TryParseDateTimeUtc(text, out var value));
        Assert.Equal(utc, value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("07/10/2019")]
    [InlineData("2019-07-10T08:30:00.12345678Z")]
    [InlineData("9999-12-31T23:00:00-05:00")]
    [InlineData("2019-13-01")]
    public void DateTime_RefusesOtherShapesAndValuesOutOfRange(string text) => Assert.False(ParquetValueParser.TryParseDateTimeUtc(text, out _));

    [Fact]
    public void DateTimeOffset_KeepsItsOffset_AndIsWrittenWithSevenDigits()
    {
        Assert.True(ParquetValueParser.TryParseDateTimeOffset("2000-02-29T12:00:00.5+14:00", out var value));
        Assert.Equal("2000-02-29T12:00:00.5000000+14:00", ParquetValueParser.FormatDateTimeOffset(value));
    }

    [Theory]
    [InlineData("00000000-0000-4000-8000-000000000001")]
    [InlineData("{00000000-0000-4000-8000-000000000001}")]
    public void Guid_AcceptsTheDashedFormWithOrWithoutBraces(string text) => Assert.True(ParquetValueParser.TryParseGuid(text, out _));

    [Theory]
    [InlineData("00000000000040008000000000000001")]
    [InlineData("not-a-guid")]
    public void Guid_RefusesOtherText(string text) => Assert.False(ParquetValueParser.TryParseGuid(text, out _));

    [Theory]
    [InlineData("2019-07-10T08:30:00.1234567+02:00")]
    [InlineData("2019-07-10 08:30:00.5Z")]
    [InlineData("2019-07-10T08:30:00-14:00")]
    [InlineData("2019-07-10+05:30")]
    [InlineData("2024-02-29")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999")]
    public void DateTimeOffset_CommonShapes_AreReadWithoutTheFormatParser(string text)
    {
        Assert.True(ParquetValueParser.TryParseCommonIso8601(text, out var fast));
        Assert.True(ParquetValueParser.TryParseIso8601Formats(text, out var byFormat));
        Assert.Equal(byFormat, fast);
        Assert.Equal(byFormat.Offset, fast.Offset);
    }

    /// <summary>
    /// Whatever the fast reader accepts, the format parser accepts with the same value and offset; over shapes
    /// made from valid and broken pieces (digit counts, separators, out-of-range fields, offsets beyond 14 hours).
    /// </summary>
    [Fact]
    public void DateTimeOffset_FastReader_NeverAcceptsWhatTheFormatParserReadsOtherwise()
    {
        var random = new Random(2026);
        string[] years = ["0001", "1999", "2024", "2023", "9999", "0000", "199", "20245"];
        string[] months = ["01", "02", "12", "13", "00", "1"];
        string[] days = ["01", "28", "29", "30", "31", "32", "00", "1"];
        string[] separators = ["T", " ", "t", "", "_"];
        string[] times = ["", "08:30", "08:30:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "1:02:03", "12:00:00.", "12:00:00.1", "12:00:00.1234567", "12:00:00.12345678", "12:00:00,5"];
        string[] zones = ["", "Z", "z", "+00:00", "-05:00", "+14:00", "-14:00", "+14:01", "+15:00", "+05", "+0530", "+05:60", " "];
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var separator = separators[random.Next(separators.Length)];
            var time = times[random.Next(times.Length)];
            var text = $"{years[random.Next(years.Length)]}-{months[random.Next(months.Length)]}-{days[random.Next(days.Length)]}{(time.Length > 0 ? separator + time : string.Empty)}{zones[random.Next(zones.Length)]}";
            if (!ParquetValueParser.TryParseCommonIso8601(text, out var fast))
            {
                continue;
            }

            accepted++;
            Assert.True(ParquetValueParser.TryParseIso8601Formats(text, out var byFormat), text);
            Assert.Equal(byFormat.UtcTicks, fast.UtcTicks);
            Assert.Equal(byFormat.Offset, fast.Offset);
        }

        Assert.True(accepted > 500, $"only {accepted} texts took the fast path");
    }
}
