using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// <see cref="Utf8ColumnWidthCheck"/> against <see cref="Reference"/>, the plainest reading of its rules: over random
/// CSV fed in random chunks, both find the same first value too long (attribute, row, bytes), or none. The paths
/// that count quoted rows a vector at a time run with 512-bit vectors and with 256-bit ones (the software fallback
/// where the processor lacks them: same results, slower).
/// </summary>
public sealed class Utf8ColumnWidthCheckReferenceTests
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>
    /// Random delimiters, quotes (or none), line ends (LF, CRLF, CR), skipped lines, with and without a header (in any
    /// column order, with unknown names), narrow and wide columns; values empty, unquoted, quoted (holding delimiters,
    /// line ends, carriage returns, doubled quotes, text after the closing quote), multi-byte, near their limits;
    /// empty lines, carriage returns alone, files with and without a last line end.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RandomCsvInRandomChunksFindsWhatTheReferenceFinds(bool wideVectors)
    {
        var random = new Random(2210);
        var (found, clean, inStride, countedWithQuotes) = (0, 0, 0L, 0L);
        for (var i = 0; i < 4000; i++)
        {
            var (entity, bytes) = RandomCsv(random);
            var expected = Reference(entity, bytes);
            found += expected is null ? 0 : 1;
            clean += expected is null ? 1 : 0;
            var whole = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0], wideVectors)!;
            whole.Append(bytes);
            inStride += whole.QuotedValuesInStride;
            countedWithQuotes += whole.RowsCountedWithQuotes;
            Assert.Equal(expected, whole.Complete());
            Assert.Equal(expected, CheckInChunks(entity, bytes, random, wideVectors));
        }

        Assert.True(found > 800, $"only {found} texts had a value too long");
        Assert.True(clean > 800, $"only {clean} texts had no value too long");
        Assert.True(inStride > 10_000, $"only {inStride} quoted values were measured in stride");
        Assert.True(countedWithQuotes > 10_000, $"only {countedWithQuotes} rows were counted with their quotes");
    }

    /// <summary>
    /// A simple quoted value at a field's start (first quote after the opening one closes it, a delimiter follows) is
    /// measured inside the vectorized loop, not byte by byte; the check's results stay those of the reference.
    /// </summary>
    [Fact]
    public void SimpleQuotedValuesAreMeasuredInTheVectorizedLoop()
    {
        var entity = new CdmEntity(
            "Notes",
            [new CdmAttribute("Id", "int64"), new CdmAttribute("Title", "string", MaxLength: 2), new CdmAttribute("Body", "string")],
            [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, CsvFormat.Default, Name: "part-1")]);
        var text = new StringBuilder();
        for (var row = 1; row <= 300; row++)
        {
            text.Append(row).Append(row == 250 ? ",\"a,bcdef\"" : ",\"a,b\"").Append(",\"some body, quoted\"\n");
        }

        var check = CheckWholeAgainstReference(entity, text.ToString());

        Assert.Equal(new Utf8ColumnWidthViolation("Notes", "part-1", "Title", 250, 7, 6), check.Violation);
        Assert.True(check.QuotedValuesInStride > 400, $"{check.QuotedValuesInStride} quoted values measured in stride");
    }

    /// <summary>
    /// Over columns of 64 bytes and more, rows of short values, quoted ones among them (with delimiters, line ends and
    /// doubled quotes inside), are counted a vector at a time, not value by value; a value too long is still found, with
    /// its row, where the count stops (a value running across vectors is measured against the narrowest column).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RowsOfShortQuotedValuesAreCountedAVectorAtATime(bool wideVectors)
    {
        var entity = new CdmEntity(
            "Notes",
            [new CdmAttribute("Id", "int64"), new CdmAttribute("Name", "string", MaxLength: 30), new CdmAttribute("City", "string", MaxLength: 25)],
            [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, CsvFormat.Default, Name: "part-1")]);
        var text = new StringBuilder();
        for (var row = 1; row <= 400; row++)
        {
            text.Append(row).Append(row % 7 != 0 ? ",\"Rossi, \"\"Jr\"\"\n\"" : ",\"Smith, Anna\"").Append(row == 350 ? "," + new string('k', 76) : ",Lyon").Append('\n');
        }

        var check = CheckWholeAgainstReference(entity, text.ToString(), wideVectors);

        Assert.Equal(new Utf8ColumnWidthViolation("Notes", "part-1", "City", 350, 76, 75), check.Violation);
        Assert.True(check.RowsCountedWithQuotes > 330, $"{check.RowsCountedWithQuotes} rows counted with their quotes");
    }

    /// <summary>
    /// CSV with CRLF line ends (as Customer Insights may write it) takes the vectorized paths too: rows of short values
    /// over wide columns are counted a vector at a time, and over narrow columns values (quoted ones last in their row
    /// among them) are measured in stride; the state machine reads few bytes. A value too long is still found with its
    /// row, and the carriage return is not counted in it.
    /// </summary>
    [Theory]
    [InlineData(30, 25, 350, "City", 76, 75, true, true)]
    [InlineData(30, 25, 350, "City", 76, 75, true, false)]
    [InlineData(2, 2, 250, "Title", 7, 6, false, true)]
    public void CrlfLineEndsTakeTheVectorizedPaths(int nameLength, int cityLength, int tooLongRow, string attribute, long bytes, int limit, bool rowsCounted, bool wideVectors)
    {
        var entity = new CdmEntity(
            "Notes",
            [new CdmAttribute("Id", "int64"), new CdmAttribute("Title", "string", MaxLength: nameLength), new CdmAttribute("City", "string", MaxLength: cityLength)],
            [new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, CsvFormat.Default with { NewLine = "\r\n" }, Name: "part-1")]);
        var text = new StringBuilder();
        for (var row = 1; row <= 400; row++)
        {
            var title = row == tooLongRow && attribute == "Title" ? "\"a,bcdef\"" : row % 7 == 0 ? "\"a,b\"" : "ab";
            var city = row == tooLongRow && attribute == "City" ? new string('k', 76) : row % 3 == 0 ? "\"Ly\"" : "Lyon";
            text.Append(row).Append(',').Append(title).Append(',').Append(city).Append(row % 5 == 0 ? ",\r\n" : "\r\n");
        }

        var check = CheckWholeAgainstReference(entity, text.ToString(), wideVectors);

        Assert.Equal(new Utf8ColumnWidthViolation("Notes", "part-1", attribute, tooLongRow, bytes, limit), check.Violation);
        Assert.True(check.BytesReadOneByOne < 20, $"{check.BytesReadOneByOne} bytes read one by one");
        Assert.True(rowsCounted ? check.RowsCountedWithQuotes > 300 : check.QuotedValuesInStride > 100, $"{check.RowsCountedWithQuotes} rows counted with their quotes, {check.QuotedValuesInStride} quoted values measured in stride");
    }

    /// <summary>The check of <paramref name="text"/> fed whole and completed, once it found what the reference finds.</summary>
    private static Utf8ColumnWidthCheck CheckWholeAgainstReference(CdmEntity entity, string text, bool wideVectors = true)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var check = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0], wideVectors)!;
        check.Append(bytes);
        Assert.Equal(Reference(entity, bytes), check.Complete());
        return check;
    }

    private static Utf8ColumnWidthViolation? CheckInChunks(CdmEntity entity, byte[] bytes, Random random, bool wideVectors)
    {
        var check = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0], wideVectors)!;
        var largest = random.Next(4) switch { 0 => 2, 1 => 40, 2 => 200, _ => 2000 };
        for (var i = 0; i < bytes.Length;)
        {
            var length = Math.Min(random.Next(1, largest + 1), bytes.Length - i);
            check.Append(bytes.AsSpan(i, length));
            i += length;
        }

        return check.Complete();
    }

    /// <summary>
    /// The check's rules read from the whole file at once: skip lines (raw line ends), then records of fields; a field
    /// that starts with the quote is quoted up to a quote not doubled (a doubled quote is one byte), and any bytes after
    /// that quote up to the next delimiter or line end are the value's too; outside quotes, with line feed line ends, a
    /// carriage return right before a delimiter, a line end or the end of the file is not the value's. A line with no
    /// byte is no record. The header's values name the columns (bound to attributes ignoring case); without header the
    /// attributes are the columns in order. Rows count from 1 after the header.
    /// </summary>
    private static Utf8ColumnWidthViolation? Reference(CdmEntity entity, byte[] bytes)
    {
        var partition = entity.Partitions[0];
        var csv = partition.Csv!;
        var delimiter = (byte)csv.Delimiter[0];
        var quote = string.IsNullOrEmpty(csv.Quote) ? -1 : csv.Quote[0];
        var lineEnd = csv.NewLine is null or "\r\n" ? LineFeed : (byte)csv.NewLine[0];
        var at = 0;
        for (var skipped = 0; skipped < csv.SkipLines; skipped++)
        {
            var end = Array.IndexOf(bytes, lineEnd, at);
            if (end < 0)
            {
                return null;
            }

            at = end + 1;
        }

        (string Attribute, int Limit)?[]? columns = csv.HasHeader ? null : [.. entity.Attributes.Select(a => ((string, int)?)(a.Name, SqlTypeMap.TextBytes(a)))];
        var row = 1L;
        while (at < bytes.Length)
        {
            if (bytes[at] == lineEnd)
            {
                at++;
                continue;
            }

            var fields = new List<List<byte>>();
            while (true)
            {
                var field = new List<byte>();
                if (at < bytes.Length && bytes[at] == quote)
                {
                    for (at++; at < bytes.Length; at++)
                    {
                        if (bytes[at] == quote && (at + 1 == bytes.Length || bytes[at + 1] != quote))
                        {
                            at++;
                            break;
                        }

                        field.Add(bytes[at]);
                        at += bytes[at] == quote ? 1 : 0;
                    }
                }

                for (; at < bytes.Length && bytes[at] != delimiter && bytes[at] != lineEnd; at++)
                {
                    var next = at + 1 == bytes.Length ? -1 : bytes[at + 1];
                    if (!(lineEnd == LineFeed && bytes[at] == CarriageReturn && (next < 0 || next == delimiter || next == lineEnd)))
                    {
                        field.Add(bytes[at]);
                    }
                }

                fields.Add(field);
                if (at < bytes.Length && bytes[at] == delimiter)
                {
                    at++;
                    continue;
                }

                at++;
                break;
            }

            if (columns is null)
            {
                columns = [.. fields.Select(f => Encoding.UTF8.GetString([.. f])).Select(name => entity.Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } a ? ((string, int)?)(a.Name, SqlTypeMap.TextBytes(a)) : null)];
                continue;
            }

            for (var c = 0; c < fields.Count && c < columns.Length; c++)
            {
                if (columns[c] is { } column && fields[c].Count > column.Limit)
                {
                    return new Utf8ColumnWidthViolation(entity.Name, partition.Name!, column.Attribute, row, fields[c].Count, column.Limit);
                }
            }

            row++;
        }

        return null;
    }

    private static (CdmEntity Entity, byte[] Bytes) RandomCsv(Random random)
    {
        var delimiter = new[] { ",", "\t", ";", "|" }[random.Next(4)];
        var quote = new[] { "\"", "\"", "'", string.Empty }[random.Next(4)];
        var newLine = new[] { null, "\n", "\r\n", "\r" }[random.Next(4)];
        var lineEnd = newLine == "\r" ? "\r" : "\n";
        var crlf = newLine == "\r\n" ? 0.9 : newLine is null ? 0.2 : 0;
        var wide = random.Next(2) == 0;
        var attributes = Enumerable.Range(0, random.Next(1, 7)).Select(c => random.Next(5) switch
        {
            0 => new CdmAttribute($"C{c}", "int64"),
            1 => new CdmAttribute($"C{c}", "string"),
            _ => new CdmAttribute($"C{c}", "string", MaxLength: wide ? random.Next(22, 60) : random.Next(1, 8)),
        }).ToList();
        var limits = attributes.Select(SqlTypeMap.TextBytes).ToList();
        var csv = new CsvFormat(HasHeader: random.Next(3) == 0, Delimiter: delimiter, Quote: quote, NewLine: newLine) { SkipLines = random.Next(4) == 0 ? random.Next(1, 3) : 0 };
        var partition = new CdmPartition("https://x.blob.core.windows.net/c/part-1.csv", PartitionFormat.Csv, csv, Name: "part-1");
        var entity = new CdmEntity("Notes", attributes, [partition]);

        var text = new StringBuilder();
        string LineEnd() => random.NextDouble() < crlf ? "\r\n" : lineEnd;
        for (var s = 0; s < csv.SkipLines; s++)
        {
            text.Append(Filler(random, random.Next(0, 30), delimiter + quote + "\r")).Append(LineEnd());
        }

        if (csv.HasHeader)
        {
            var names = attributes.Select(a => random.Next(3) == 0 ? a.Name.ToLowerInvariant() : a.Name).Append("Unknown").OrderBy(_ => random.Next()).ToList();
            var order = names.Select(n => attributes.FindIndex(a => string.Equals(a.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
            limits = [.. order.Select(o => o < 0 ? 8000 : limits[o])];
            text.Append(string.Join(delimiter, names)).Append(LineEnd());
        }

        var rows = random.Next(0, wide ? 80 : 40);
        var overflow = random.Next(6) == 0 ? 0.15 : 0.004;
        var quoted = new[] { 0.01, 0.3, 0.7 }[random.Next(3)];
        var emptyLines = random.Next(3) == 0 ? 3 : 15;
        for (var r = 0; r < rows; r++)
        {
            if (random.Next(emptyLines) == 0)
            {
                text.Append(random.Next(3) == 0 ? "\r" : string.Empty).Append(LineEnd());
                continue;
            }

            var fields = Math.Max(1, limits.Count + random.Next(-1, 2));
            for (var c = 0; c < fields; c++)
            {
                var limit = c < limits.Count ? limits[c] : 10;
                var length = random.NextDouble() < overflow ? limit + random.Next(1, 3) : random.Next(0, Math.Min(limit, wide ? 70 : 12) + 1);
                text.Append(c == 0 ? string.Empty : delimiter).Append(Field(random, length, delimiter, quote, lineEnd, quoted));
            }

            if (r < rows - 1 || random.Next(2) == 0)
            {
                text.Append(LineEnd());
            }
        }

        return (entity, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>A value of about <paramref name="length"/> UTF-8 bytes, written in one of the ways CSV allows.</summary>
    private static string Field(Random random, int length, string delimiter, string quote, string lineEnd, double quoted)
    {
        var kind = quote.Length == 0 || random.NextDouble() >= quoted ? 0 : random.Next(3, 8);
        return kind switch
        {
            0 => Filler(random, length, random.Next(6) == 0 ? "\r" + quote : string.Empty),
            3 or 4 => quote + Filler(random, length, delimiter + lineEnd) + quote,
            5 => quote + Filler(random, length, delimiter + lineEnd + "\r" + quote + quote).Replace(quote, quote + quote, StringComparison.Ordinal) + quote,
            6 => quote + Filler(random, length / 2, delimiter) + quote + Filler(random, length / 2, quote),
            _ => quote + quote,
        };
    }

    /// <summary>About <paramref name="length"/> UTF-8 bytes of letters, multi-byte characters and now and then one of <paramref name="special"/>.</summary>
    private static string Filler(Random random, int length, string special)
    {
        var text = new StringBuilder();
        for (var bytes = 0; bytes < length;)
        {
            var pick = random.Next(20);
            var piece = pick == 0 && special.Length > 0 ? special[random.Next(special.Length)].ToString() : pick == 1 ? "é" : pick == 2 && length - bytes >= 4 ? "\U0001F600" : "abcdefghij"[random.Next(10)].ToString();
            text.Append(piece);
            bytes += Encoding.UTF8.GetByteCount(piece);
        }

        return text.ToString();
    }
}
