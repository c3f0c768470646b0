using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class Utf8ColumnWidthCheckTests
{
    private static CdmEntity Entity(CsvFormat csv) => new(
        "Notes",
        [new CdmAttribute("Id", "int64"), new CdmAttribute("Title", "string", MaxLength: 2), new CdmAttribute("Body", "string")],
        [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, csv, Name: "part-1")]);

    /// <summary>Columns of 90, 300 and 8000 bytes: wide enough that stretches of rows are counted, not read value by value.</summary>
    private static CdmEntity WideEntity(CsvFormat csv) => new(
        "Notes",
        [new CdmAttribute("Code", "string", MaxLength: 30), new CdmAttribute("Title", "string", MaxLength: 100), new CdmAttribute("Body", "string")],
        [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, csv, Name: "part-1")]);

    private static Utf8ColumnWidthViolation? Check(string content, CsvFormat csv, int chunk = int.MaxValue) => Check(Entity(csv), content, chunk);

    private static Utf8ColumnWidthViolation? Check(CdmEntity entity, string content, int chunk = int.MaxValue)
    {
        var check = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0])!;
        var bytes = Encoding.UTF8.GetBytes(content);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            check.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return check.Complete();
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public void ValuesWithinTheirColumnsPassInAnyChunking(int chunk)
    {
        var body = new string('x', 8000);
        var content = $"1,ab,{body}\r\n2,\"é\",\"a \"\"quoted\"\" line\nbreak\"\n3,,\n";

        Assert.Null(Check(content, CsvFormat.Default, chunk));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(3)]
    public void TheFirstValueLongerThanItsColumnInUtf8BytesIsReportedWithRowAndAttribute(int chunk)
    {
        // Title holds 2 characters, 6 bytes: three 'é' are 6 bytes (fits), a fourth is 8.
        var content = "1,éé,x\n2,éééé,y\n3,ééééé,z\n";

        var violation = Check(content, CsvFormat.Default, chunk);

        Assert.Equal(new Utf8ColumnWidthViolation("Notes", "part-1", "Title", 2, 8, 6), violation);
    }

    /// <summary>
    /// Fed one byte at a time, every byte goes through the state machine alone; fed whole or in odd chunks, the
    /// bytes of a value are counted in runs. Over random CSV of quotes, doubled quotes, CR, LF, delimiters and
    /// multi-byte characters (with and without a header and skipped lines), both find the same first violation.
    /// </summary>
    [Fact]
    public void CountingValuesInRunsFindsWhatReadingByteByByteFinds()
    {
        var random = new Random(8);
        string[] pieces = ["a", "é", "ab", ",", ",", "\n", "\r\n", "\r", "\"", "\"\"", "x\"y", "\u00e9\u00e9\u00e9", "zz"];
        var found = 0;
        for (var i = 0; i < 3000; i++)
        {
            var content = new StringBuilder();
            var length = random.Next(1, 60);
            for (var p = 0; p < length; p++)
            {
                content.Append(pieces[random.Next(pieces.Length)]);
            }

            var csv = random.Next(3) switch
            {
                0 => CsvFormat.Default,
                1 => CsvFormat.Default with { HasHeader = true },
                _ => CsvFormat.Default with { SkipLines = 1 },
            };
            var text = (csv.HasHeader ? "Id,Title,Body\n" : string.Empty) + content;
            var byteByByte = Check(text, csv, 1);
            found += byteByByte is null ? 0 : 1;
            Assert.Equal(byteByByte, Check(text, csv));
            Assert.Equal(byteByByte, Check(text, csv, random.Next(2, 9)));
        }

        Assert.True(found > 100, $"only {found} texts had a value too long");
    }

    /// <summary>
    /// Over wide columns, chunks of 64 bytes and more let stretches without an opening quote be counted in vectorized
    /// passes (rows, fields, the value the stretch ends in); fed one byte at a time, every byte goes through the state
    /// machine. Over random CSV with long values, empty lines, quoted values across lines, CR and CRLF, both find the
    /// same first violation, with its row.
    /// </summary>
    [Fact]
    public void CountingStretchesOfShortValuesFindsWhatReadingByteByByteFinds()
    {
        var random = new Random(22);
        string[] pieces = ["a", "é", ",", ",", "\n", "\n", "\n\n", "\r\n", "\r", "\"", "\"\"", ",\"q,\n\"", "x\"y", new string('w', 40), new string('v', 95), "\u00e9\u00e9\u00e9"];
        var found = 0;
        for (var i = 0; i < 1500; i++)
        {
            var content = new StringBuilder();
            var length = random.Next(20, 400);
            for (var p = 0; p < length; p++)
            {
                content.Append(pieces[random.Next(pieces.Length)]);
            }

            var csv = random.Next(3) switch
            {
                0 => CsvFormat.Default,
                1 => CsvFormat.Default with { HasHeader = true },
                _ => CsvFormat.Default with { SkipLines = 1 },
            };
            var text = (csv.HasHeader ? "Body,Code,Title\n" : string.Empty) + content;
            var entity = WideEntity(csv);
            var byteByByte = Check(entity, text, 1);
            found += byteByByte is null ? 0 : 1;
            Assert.Equal(byteByByte, Check(entity, text));
            Assert.Equal(byteByByte, Check(entity, text, random.Next(64, 700)));
        }

        Assert.True(found > 100, $"only {found} texts had a value too long");
        Assert.True(found < 1400, $"{found} texts had a value too long: too few were counted in stretches");
    }

    /// <summary>
    /// Over narrow columns (2 to 12 bytes), values outside quotes are measured 32 bytes at a time between the delimiters
    /// and line ends of each vector; fed one byte at a time, every byte goes through the state machine. Over random CSV
    /// with values at and just past their limits, empty lines and fields, quoted values across lines, CR, CRLF and
    /// multi-byte characters (with and without a header and skipped lines), both find the same first violation, with its
    /// row, in any chunking.
    /// </summary>
    [Fact]
    public void MeasuringNarrowValuesAVectorAtATimeFindsWhatReadingByteByByteFinds()
    {
        var random = new Random(33);
        string[] pieces = ["a", "é", ",", ",", ",", "\n", "\n", "\n\n", "\r\n", "\r", "\"", "\"\"", ",\"q,\n\"", "x\"y", "ab", "abcd", "abcdefgh", "abcdefghijkl", "abcdefghijklm", "\u00e9\u00e9\u00e9"];
        string[] common = ["a", "ab", "abcd", ",", ",", ",", "\n"];
        CdmEntity NarrowEntity(CsvFormat csv) => new(
            "Notes",
            [new CdmAttribute("Code", "string", MaxLength: 2), new CdmAttribute("Title", "string", MaxLength: 12), new CdmAttribute("Id", "int64"), new CdmAttribute("Name", "string", MaxLength: 8)],
            [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, csv, Name: "part-1")]);
        var found = 0;
        var clean = 0;
        for (var i = 0; i < 3000; i++)
        {
            var content = new StringBuilder();
            var length = random.Next(10, 300);
            for (var p = 0; p < length; p++)
            {
                // Mostly short values between delimiters, so that many texts get far before a value is too long.
                content.Append(random.Next(3) == 0 ? pieces[random.Next(pieces.Length)] : common[random.Next(common.Length)]);
            }

            var csv = random.Next(3) switch
            {
                0 => CsvFormat.Default,
                1 => CsvFormat.Default with { HasHeader = true },
                _ => CsvFormat.Default with { SkipLines = 1 },
            };
            var text = (csv.HasHeader ? "Name,Id,Title,Code\n" : string.Empty) + content;
            var entity = NarrowEntity(csv);
            var byteByByte = Check(entity, text, 1);
            found += byteByByte is null ? 0 : 1;
            clean += byteByByte is null ? 1 : 0;
            Assert.Equal(byteByByte, Check(entity, text));
            Assert.Equal(byteByByte, Check(entity, text, random.Next(32, 200)));
            Assert.Equal(byteByByte, Check(entity, text, random.Next(2, 40)));
        }

        Assert.True(found > 300, $"only {found} texts had a value too long");
        Assert.True(clean > 100, $"only {clean} texts had no value too long");
    }

    /// <summary>
    /// The vectorized search for a byte right after one of two others (an opening quote, a line end after a line end)
    /// finds, and counts, what a loop over the bytes finds: over random bytes of few values, at every length around
    /// the vector width, with the match in the vectors, across their boundary and in the tail.
    /// </summary>
    [Fact]
    public void FindingAByteAfterEitherOfTwoMatchesALoopOverTheBytes()
    {
        var random = new Random(7);
        byte[] alphabet = [(byte)'a', (byte)',', (byte)'\n', (byte)'"'];
        for (var length = 0; length < 200; length++)
        {
            for (var trial = 0; trial < 30; trial++)
            {
                var bytes = new byte[length];
                var rare = random.Next(1, 60);
                for (var i = 0; i < length; i++)
                {
                    bytes[i] = random.Next(rare) == 0 ? alphabet[random.Next(1, alphabet.Length)] : alphabet[0];
                }

                var (first, lineEndPairs) = (-1, 0);
                for (var i = 1; i < length; i++)
                {
                    if (first < 0 && bytes[i] == '"' && bytes[i - 1] is (byte)',' or (byte)'\n')
                    {
                        first = i;
                    }

                    lineEndPairs += bytes[i] == '\n' && bytes[i - 1] == '\n' ? 1 : 0;
                }

                Assert.Equal(first, Utf8ColumnWidthCheck.FirstAfterEither(bytes, (byte)'"', (byte)',', (byte)'\n'));
                Assert.Equal(lineEndPairs, Utf8ColumnWidthCheck.CountAfter(bytes, (byte)'\n', (byte)'\n'));
            }
        }
    }

    [Fact]
    public void A100000CharacterTextIsTooLongForTheWidestColumn()
    {
        var violation = Check("1,a,\"" + new string('z', 100_000) + "\"\n", CsvFormat.Default, 4096);

        Assert.Equal(("Body", 100_000L, 8000), (violation!.Attribute, violation.Bytes, violation.Limit));
    }

    [Fact]
    public void CharactersOutsideTheBmpCountTheirFourBytes()
    {
        // 2 characters of maxLength are 6 bytes; two emoji are 8 bytes.
        var violation = Check("1,\U0001F600\U0001F600,x\n", CsvFormat.Default);

        Assert.Equal(8, violation!.Bytes);
    }

    [Fact]
    public void HeaderColumnsBindByNameAndSkippedLinesAndTheHeaderAreNotValues()
    {
        var csv = new CsvFormat(HasHeader: true) { SkipLines = 2 };
        var content = "this preamble line is long enough to break any column it would be counted in\nsecond,skipped\nBody,Title,Unknown\nshort,ab," + new string('u', 9000) + "\nok,abcdefg,x\n";

        var violation = Check(content, csv);

        Assert.Equal(new Utf8ColumnWidthViolation("Notes", "part-1", "Title", 2, 7, 6), violation);
    }

    [Fact]
    public void DelimiterQuoteAndLineEndOfThePartitionAreUsed()
    {
        var csv = new CsvFormat(Delimiter: "\t", Quote: "'", NewLine: "\r");

        Assert.Null(Check("1\t'a\tb'\tx\r2\tab\ty\r", csv));
        Assert.Equal("Title", Check("1\t'abcdefg'\tx\r", csv)!.Attribute);
    }

    [Fact]
    public void ThrowIfTooLongFailsTheEntityWithTextValueTooLongNamingEntityAttributeFileAndRow()
    {
        var entity = Entity(CsvFormat.Default);
        var check = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0])!;
        check.Append(Encoding.UTF8.GetBytes("1,abcdefg,x"));

        var ex = Assert.Throws<CISynapseException>(check.ThrowIfTooLong);

        Assert.Equal(ErrorIds.TextValueTooLong, ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
        foreach (var part in new[] { "'Title'", "row 1", "'part-1'", "'Notes'", "7 bytes", "6 bytes" })
        {
            Assert.Contains(part, ex.Message);
        }

        Assert.NotNull(RecommendedActions.For(ErrorIds.TextValueTooLong));
    }

    [Fact]
    public void ParquetAndMultiByteSeparatorsAreNotChecked()
    {
        var parquet = new CdmPartition("https://x/c/p.parquet", PartitionFormat.Parquet);
        var pipes = new CdmPartition("https://x/c/p.csv", PartitionFormat.Csv, new CsvFormat(Delimiter: "||"));

        Assert.Null(Utf8ColumnWidthCheck.For(Entity(CsvFormat.Default), parquet));
        Assert.Null(Utf8ColumnWidthCheck.For(Entity(CsvFormat.Default), pipes));
    }
}
