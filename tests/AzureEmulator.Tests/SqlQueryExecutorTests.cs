using AzureEmulator.Sql;

namespace AzureEmulator.Tests;

/// <summary>
/// The executor, one documented rule per test. Sources (Microsoft Learn): develop-openrowset ("OPENROWSET function in
/// serverless SQL pool"), resources-self-help-sql-on-demand ("Troubleshoot serverless SQL pool"), cast-and-convert,
/// the bit data type page, switchoffset. Refusals carry error 50017 naming what the documentation does not promise.
/// </summary>
public sealed class SqlQueryExecutorTests
{
    private readonly SqlQueryFixture _sql = new();

    // develop-openrowset: "HEADER_ROW = { TRUE | FALSE } … parser version 2.0" — WITH columns bind to header names.
    [Fact]
    public void Parser2HeaderRowBindsWithColumnsByNameNotPosition()
    {
        _sql.File("E/1/part.csv", "id,name\n1,Ann\n2,Bob\n");

        var (columns, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/*", "[name] varchar(10), [id] int", "PARSER_VERSION = '2.0', HEADER_ROW = TRUE"));

        Assert.Equal(["name", "id"], columns.Select(c => c.Name));
        Assert.Equal([["Ann", 1], ["Bob", 2]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset / query-specific-files: filepath() is the file's path relative to the DATA_SOURCE, filepath(n) the part
    // the n-th wildcard matched, filename() the file's name.
    [Fact]
    public void FilepathAndFilenameNameTheFileEachRowCameFrom()
    {
        _sql.File("E/2026/a.csv", "1\n");
        _sql.File("E/2027/sub/b.csv", "2\n");

        var (columns, rows) = _sql.Query(
            "SELECT TOP 10 [r].filepath() AS [File], [r].filepath(1) AS [Year], [r].filepath(2) AS [Rest], [r].filepath(3) AS [None], [r].filename() AS [Name], [r].[id] "
            + "FROM OPENROWSET(BULK N'E/*/**', DATA_SOURCE = N'Lake', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH ([id] int) AS [r] ORDER BY [id]");

        Assert.Equal(SqlTypeKind.NVarchar, columns[0].Type.Kind);
        Assert.Equal([["E/2026/a.csv", "2026", "a.csv", null, "a.csv", 1], ["E/2027/sub/b.csv", "2027", "sub/b.csv", null, "b.csv", 2]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset: HEADER_ROW is a parser 2.0 option; under 1.0 the emulator refuses it.
    [Fact]
    public void HeaderRowUnderParser1IsRefused()
    {
        _sql.File("E/1/part.csv", "id\n1\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/1/*", "[id] int", "PARSER_VERSION = '1.0', HEADER_ROW = TRUE"));

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
        Assert.Contains("HEADER_ROW", error.Message, StringComparison.Ordinal);
    }

    // develop-openrowset: "FIRSTROW = 'first_row' Specifies the number of the first row to load"; without a header, WITH binds by position.
    [Fact]
    public void FirstRowSkipsLeadingRowsAndColumnsBindByPosition()
    {
        _sql.File("E/1/part.csv", "skip me\nid,name\n7,Ann\n");

        var (_, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/part.csv", "[id] int, [name] varchar(10)", "PARSER_VERSION = '2.0', FIRSTROW = 3"));

        Assert.Equal([[7, "Ann"]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset: "The quoting character must be escaped with another quoting character"; parser 2.0 reads a quoted empty value as an empty string.
    [Fact]
    public void DoubledQuoteIsOneQuoteQuotedEmptyIsEmptyStringAndUnquotedEmptyIsNull()
    {
        _sql.File("E/1/part.csv", "\"say \"\"hi\"\", then, go\",\"\",\n");

        var (_, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(50), [b] varchar(5), [c] varchar(5)"));

        Assert.Equal([["say \"hi\", then, go", string.Empty, null]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset: ESCAPECHAR "escape[s] itself and all delimiter values … the escape character is dropped when reading the value".
    [Fact]
    public void EscapeCharEscapesDelimitersAndItselfAndIsDropped()
    {
        _sql.File("E/1/part.csv", "a\\,b,c\\\\d,e\\xf\n");

        var (_, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(10), [b] varchar(10), [c] varchar(10)", "PARSER_VERSION = '2.0', ESCAPECHAR = '\\'"));

        Assert.Equal([["a,b", "c\\d", "exf"]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset: FIELDTERMINATOR / ROWTERMINATOR name the delimiters (hexadecimal notation as in BULK INSERT).
    [Fact]
    public void FieldAndRowTerminatorsInHexadecimal()
    {
        _sql.File("E/1/part.csv", "1\tAnn;2\tBob;");

        var (_, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/part.csv", "[id] int, [name] varchar(10)", "PARSER_VERSION = '2.0', FIELDTERMINATOR = '0x09', ROWTERMINATOR = ';'"));

        Assert.Equal([[1, "Ann"], [2, "Bob"]], rows.Select(r => r.ToArray()));
    }

    // develop-openrowset, parser 2.0: "Maximum character column length is 8000"; self-help: the query fails ("Max errors count reached").
    [Fact]
    public void Parser2ValueOver8000BytesFailsTheQuery()
    {
        _sql.File("E/1/part.csv", new string('x', 8001) + "\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(max)"));

        Assert.Equal(15813, error.Number);
        Assert.Contains("Max errors count reached", error.Message, StringComparison.Ordinal);
    }

    // Self-help: a value longer than its varchar(n) fails the whole query rather than being cut.
    [Fact]
    public void ValueLongerThanItsColumnFailsTheQuery()
    {
        _sql.File("E/1/part.csv", "abcdef\n");

        Assert.Equal(15813, _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(5)")).Number);
    }

    // develop-openrowset, parser 2.0: supported date/time formats "YYYY-MM-DD HH:MM:SS[.fractional seconds]".
    [Fact]
    public void Parser2ReadsDatetime2InTheDocumentedFormat()
    {
        _sql.File("E/1/part.csv", "2019-07-10 08:09:10.1234567,2019-07-10,08:09:10\n");

        var (_, rows) = _sql.Query(SqlQueryFixture.Csv("E/1/part.csv", "[a] datetime2(7), [b] date, [c] time(7)"));

        Assert.Equal(new DateTime(2019, 7, 10, 8, 9, 10).AddTicks(1234567), rows[0][0]);
        Assert.Equal(new DateTime(2019, 7, 10), rows[0][1]);
        Assert.Equal(new TimeSpan(8, 9, 10), rows[0][2]);
    }

    // Nothing documents ISO 8601 'T'/'Z' text read into datetime2 by the CSV parser: refused (read varchar, TRY_CONVERT style 127).
    [Theory]
    [InlineData("2019-07-10T00:00:00Z")]
    [InlineData("2019-07-10T00:00:00.0000000+02:00")]
    [InlineData("7/10/2019 4:34:35 PM")]
    public void Parser2RefusesUndocumentedDatetime2Text(string value)
    {
        _sql.File("E/1/part.csv", value + "\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[a] datetime2(7)"));

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
        Assert.Contains("datetime2", error.Message, StringComparison.Ordinal);
    }

    // Nothing documents 'True'/'False' text read into bit by the CSV parser (shared metadata maps CSV booleans to varchar).
    [Fact]
    public void CsvBitAcceptsZeroAndOneAndRefusesTrue()
    {
        _sql.File("E/1/ok.csv", "1\n0\n").File("E/2/words.csv", "True\n");

        Assert.Equal([true, false], _sql.Query(SqlQueryFixture.Csv("E/1/ok.csv", "[a] bit")).Rows.Select(r => r[0]));
        Assert.Equal(SqlQueryErrors.UndocumentedNumber, _sql.Error(SqlQueryFixture.Csv("E/2/words.csv", "[a] bit")).Number);
    }

    // Serverless reads only the columns a query uses: a value no query reads is never converted, so it cannot fail it.
    [Fact]
    public void OnlyTheColumnsAQueryReadsAreConverted()
    {
        _sql.File("E/1/a.csv", "C1,True\nC2,False\n");
        _sql.Ok("CREATE OR ALTER VIEW [dbo].[V] AS " + SqlQueryFixture.Csv("E/1/*", "[id] varchar(5), [active] bit"));

        Assert.Equal(["C1", "C2"], _sql.Query("SELECT id FROM dbo.V ORDER BY id").Rows.Select(r => r[0]));
        Assert.Equal([2], _sql.Query("SELECT COUNT(*) AS n FROM dbo.V").Rows.Select(r => r[0]));
        Assert.Equal(SqlQueryErrors.UndocumentedNumber, _sql.Error("SELECT * FROM dbo.V").Number);
    }

    // Self-help: "Bulk load data conversion error (type mismatch or invalid character for the specified codepage) for row …, column …".
    [Fact]
    public void TextThatIsNotANumberFailsWithTheBulkLoadConversionError()
    {
        _sql.File("E/1/part.csv", "1\nabc\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[n] bigint"));

        Assert.Equal(4864, error.Number);
        Assert.Contains("row 2, column 1 (n)", error.Message, StringComparison.Ordinal);
    }

    // The emulator reads UTF-8 only: other encodings and their options are refused by name.
    [Theory]
    [InlineData("PARSER_VERSION = '1.0', CODEPAGE = '1252'", "CODEPAGE")]
    [InlineData("PARSER_VERSION = '2.0', DATAFILETYPE = 'widechar'", "DATAFILETYPE")]
    public void NonUtf8EncodingsAreRefused(string options, string named)
    {
        _sql.File("E/1/part.csv", "a\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(5)", options));

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreRefused()
    {
        _sql.Files.Add("lakeacct", "exports", "E/1/part.csv", [0x61, 0xE9, 0x0A]);

        Assert.Contains("UTF-8", _sql.Error(SqlQueryFixture.Csv("E/1/part.csv", "[a] varchar(5)")).Message, StringComparison.Ordinal);
    }

    // develop-openrowset: "*" matches one folder level, "/**" reads subfolders; files starting with "_" or "." are not returned.
    [Fact]
    public void WildcardsReadOneLevelOrRecursivelyAndSkipHiddenFiles()
    {
        _sql.File("E/1/a.csv", "1\n").File("E/1/sub/b.csv", "2\n").File("E/1/_SUCCESS", "9\n").File("E/1/.part.crc", "9\n").File("E/1x/c.csv", "3\n");

        Assert.Equal([1], _sql.Query(SqlQueryFixture.Csv("E/1/*", "[n] int")).Rows.Select(r => r[0]));
        Assert.Equal([1, 2], _sql.Query(SqlQueryFixture.Csv("E/1/**", "[n] int")).Rows.Select(r => r[0]));
        Assert.Equal([1], _sql.Query(SqlQueryFixture.Csv("E/1/*.csv", "[n] int")).Rows.Select(r => r[0]));
    }

    // develop-openrowset: BULK is an absolute URL when there is no DATA_SOURCE (dfs or blob endpoint).
    [Theory]
    [InlineData("https://lakeacct.dfs.core.windows.net/exports/E/1/a.csv")]
    [InlineData("https://lakeacct.blob.core.windows.net/exports/E/1/a.csv")]
    public void AbsoluteUrlsReadWithoutADataSource(string url)
    {
        _sql.File("E/1/a.csv", "5\n");

        var (_, rows) = _sql.Query($"SELECT * FROM OPENROWSET(BULK '{url}', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH ([n] int) AS r");

        Assert.Equal([5], rows.Select(r => r[0]));
    }

    // Self-help: a path that matches no file: "File … cannot be opened because it does not exist or it is used by another process".
    [Fact]
    public void NoMatchingFileFailsWithCannotBeOpened()
    {
        _sql.File("E/1/a.csv", "5\n");

        var error = _sql.Error(SqlQueryFixture.Csv("E/2/*", "[n] int"));

        Assert.Equal(13822, error.Number);
        Assert.Contains("https://lakeacct.dfs.core.windows.net/exports/E/2/*", error.Message, StringComparison.Ordinal);
    }

    // Self-help: without a storage data role the folder "cannot be listed" (wildcard) or the file "cannot be opened".
    [Fact]
    public void CallerWithoutAStorageRoleCannotListOrOpen()
    {
        _sql.File("E/1/a.csv", "5\n");
        _sql.Readers.Remove(SqlQueryFixture.Caller);

        Assert.Equal(13807, _sql.Error(SqlQueryFixture.Csv("E/1/*", "[n] int")).Number);
        Assert.Equal(13822, _sql.Error(SqlQueryFixture.Csv("E/1/a.csv", "[n] int")).Number);
    }

    // Logical data warehouse tutorial: a Managed Identity credential reads as the workspace identity; low privileged users
    // (not Synapse Administrator) need REFERENCES on the credential.
    [Fact]
    public void ManagedIdentityCredentialReadsAsTheWorkspaceAndNeedsAnAdministratorCaller()
    {
        _sql.File("E/1/a.csv", "5\n");
        _sql.Ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!pass';");
        _sql.Ok("CREATE DATABASE SCOPED CREDENTIAL [Wsi] WITH IDENTITY = 'Managed Identity';");
        _sql.Ok("CREATE EXTERNAL DATA SOURCE [LakeMi] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports', CREDENTIAL = [Wsi]);");
        var query = "SELECT * FROM OPENROWSET(BULK 'E/1/*', DATA_SOURCE = 'LakeMi', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH ([n] int) AS r";
        _sql.Readers.Remove(SqlQueryFixture.Caller);

        Assert.Equal(15151, _sql.Error(query).Number);
        _sql.Administrators.Add(SqlQueryFixture.Caller);
        Assert.Equal([5], _sql.Query(query).Rows.Select(r => r[0]));
        _sql.Readers.Remove(SqlQueryFixture.WorkspaceIdentity);
        Assert.Equal(13807, _sql.Error(query).Number);
    }

    // cast-and-convert: style 127 is ISO 8601 with time zone Z; datetimeoffset keeps an offset; TRY_CONVERT gives NULL where CONVERT fails (241).
    [Fact]
    public void ConvertStyles126And127ParseIso8601WithZAndOffsets()
    {
        _sql.File("E/1/a.csv", "2019-07-10T08:09:10.1234567Z,2019-07-10T08:09:10.0000000+02:00,not a date\n");
        var with = "[z] varchar(40) COLLATE Latin1_General_100_BIN2_UTF8, [o] varchar(40) COLLATE Latin1_General_100_BIN2_UTF8, [bad] varchar(40) COLLATE Latin1_General_100_BIN2_UTF8";
        var from = SqlQueryFixture.Csv("E/1/a.csv", with)["SELECT * ".Length..];

        var (columns, rows) = _sql.Query(
            "SELECT TRY_CONVERT(datetime2(7), [z], 127) AS z2, TRY_CONVERT(datetimeoffset(7), [o], 127) AS o7, TRY_CONVERT(datetime2(7), [bad], 126) AS bad, "
            + "CONVERT(datetimeoffset(7), [z], 127) AS zo " + from);

        Assert.Equal(SqlTypeKind.DateTime2, columns[0].Type.Kind);
        Assert.Equal(new DateTime(2019, 7, 10, 8, 9, 10).AddTicks(1234567), rows[0][0]);
        Assert.Equal(new DateTimeOffset(2019, 7, 10, 8, 9, 10, TimeSpan.FromHours(2)), rows[0][1]);
        Assert.Null(rows[0][2]);
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)rows[0][3]!).Offset);
        Assert.Equal(241, _sql.Error("SELECT CONVERT(datetime2(7), [bad], 126) AS x " + from).Number);
    }

    // A string with an offset converted to datetime2 (not datetimeoffset) is not documented to drop or apply the offset: refused.
    [Fact]
    public void OffsetTextIntoDatetime2IsRefused()
    {
        _sql.File("E/1/a.csv", "2019-07-10T08:09:10+02:00\n");

        var error = _sql.Error("SELECT CONVERT(datetime2(7), [o], 127) AS x " + SqlQueryFixture.Csv("E/1/a.csv", "[o] varchar(40)")["SELECT * ".Length..]);

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
    }

    // bit data type: "The string values TRUE and FALSE can be converted to bit values: TRUE is converted to 1 and FALSE is converted to 0."
    [Fact]
    public void BitFromTrueFalseOneAndZero()
    {
        _sql.File("E/1/a.csv", "TRUE\nfalse\n1\n0\n\nmaybe\n");

        var (columns, rows) = _sql.Query("SELECT TRY_CONVERT(bit, [b]) AS b " + SqlQueryFixture.Csv("E/1/a.csv", "[b] varchar(6)")["SELECT * ".Length..]);

        Assert.Equal(SqlTypeKind.Bit, columns[0].Type.Kind);
        Assert.Equal([true, false, true, false, null, null], rows.Select(r => r[0]));
    }

    // switchoffset: "Returns a datetimeoffset value that is changed from the stored time zone offset to a specified new time zone offset."
    // NULLIF returns NULL when both arguments are equal; CASE returns the first matching branch.
    [Fact]
    public void SwitchOffsetNullIfAndCase()
    {
        _sql.File("E/1/a.csv", "2019-07-10T08:00:00Z,,x\n2019-07-10T08:00:00Z,y,y\n");
        var from = SqlQueryFixture.Csv("E/1/a.csv", "[t] varchar(30), [a] varchar(5), [b] varchar(5)")["SELECT * ".Length..];

        var (_, rows) = _sql.Query(
            "SELECT SWITCHOFFSET(CONVERT(datetimeoffset(7), [t], 127), '+02:00') AS s, NULLIF([b], N'y') AS n, "
            + "CASE WHEN [a] IS NULL THEN N'none' WHEN [a] = [b] THEN N'same' ELSE N'other' END AS c " + from);

        Assert.Equal(new DateTimeOffset(2019, 7, 10, 10, 0, 0, TimeSpan.FromHours(2)), rows[0][0]);
        Assert.Equal(TimeSpan.FromHours(2), ((DateTimeOffset)rows[0][0]!).Offset);
        Assert.Equal(["x", null], rows.Select(r => r[1]));
        Assert.Equal(["none", "same"], rows.Select(r => r[2]));
    }

    // The verify step's count of values that do not convert: SUM(CASE ... THEN 1 ELSE 0 END) per column, one row.
    [Fact]
    public void SumOfCaseCountsValuesThatDoNotConvertAndCountStarCountsRows()
    {
        _sql.File("E/1/a.csv", "1,2019-07-10\nx,\n3,July\n");
        var from = SqlQueryFixture.Csv("E/1/a.csv", "[n] varchar(10), [d] varchar(30)")["SELECT * ".Length..];

        var (_, rows) = _sql.Query(
            "SELECT SUM(CASE WHEN NULLIF([n], '') IS NOT NULL AND TRY_CONVERT(int, NULLIF([n], '')) IS NULL THEN 1 ELSE 0 END) AS [n], "
            + "SUM(CASE WHEN NULLIF([d], '') IS NOT NULL AND TRY_CONVERT(date, NULLIF([d], ''), 126) IS NULL THEN 1 ELSE 0 END) AS [d], "
            + "COUNT(*) AS rows_read " + from);

        Assert.Equal([[1, 1, 3]], rows.Select(r => r.ToArray()));
    }

    // SELECT over a view (stored as text, expanded): TOP, column list, WHERE comparisons, ORDER BY, COUNT(*).
    [Fact]
    public void SelectOverAViewWithTopWhereOrderByAndCount()
    {
        _sql.File("E/1/a.csv", "id,name\n3,Cy\n1,Ann\n2,Bob\n4,\n");
        _sql.Ok("CREATE OR ALTER VIEW [dbo].[People] AS " + SqlQueryFixture.Csv("E/1/*", "[id] bigint, [name] varchar(10) COLLATE Latin1_General_100_BIN2_UTF8", "PARSER_VERSION = '2.0', HEADER_ROW = TRUE"));

        Assert.Equal([["Bob", 2L], ["Ann", 1L]], _sql.Query("SELECT TOP 2 [name], [id] FROM dbo.People WHERE id < 3 ORDER BY id DESC").Rows.Select(r => r.ToArray()));
        Assert.Equal([4L, 3L], _sql.Query("SELECT id FROM People AS p WHERE p.name IS NULL OR p.name = 'Cy' ORDER BY 1 DESC").Rows.Select(r => r[0]));
        Assert.Equal([4], _sql.Query("SELECT COUNT(*) AS n FROM dbo.People").Rows.Select(r => r[0]));
        Assert.Equal(208, _sql.Error("SELECT * FROM dbo.Missing").Number);
        Assert.Equal(207, _sql.Error("SELECT nope FROM dbo.People").Number);
    }

    // What the executor does not implement is refused by name, never guessed.
    [Theory]
    [InlineData("SELECT DISTINCT id FROM dbo.V")]
    [InlineData("SELECT id FROM dbo.V GROUP BY id")]
    [InlineData("SELECT UPPER(name) AS u FROM dbo.V")]
    [InlineData("SELECT id FROM dbo.V WHERE name LIKE 'A%'")]
    public void UnimplementedShapesAreRefusedByName(string sql)
    {
        _sql.File("E/1/a.csv", "1,Ann\n");
        _sql.Ok("CREATE OR ALTER VIEW [dbo].[V] AS " + SqlQueryFixture.Csv("E/1/*", "[id] int, [name] varchar(10)"));

        var error = _sql.Error(sql);

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
    }

    // Streaming: the first row of a million-row file is answered after reading a small part of it, and COUNT(*) sees every row.
    [Fact]
    public void RowsStreamFromTheFileAndCountSeesAMillionRows()
    {
        const int rows = 1_000_000;
        GeneratedCsv? last = null;
        _sql.Files.Add("lakeacct", "exports", "Big/part.csv", () => last = new GeneratedCsv(rows));
        var csv = SqlQueryFixture.Csv("Big/*", "[id] bigint, [name] varchar(20)", "PARSER_VERSION = '2.0'")["SELECT * ".Length..];

        using (var first = _sql.Rowset("SELECT TOP 1 * " + csv).Rows.GetEnumerator())
        {
            Assert.True(first.MoveNext());
            Assert.Equal(1L, first.Current[0]);
            Assert.True(last!.BytesRead < 1_000_000, $"read {last.BytesRead} bytes for one row");
        }

        Assert.Equal([rows], _sql.Query("SELECT COUNT(*) AS n " + csv).Rows.Select(r => r[0]));
        Assert.Equal(last!.Length, last.BytesRead);
    }

    /// <summary>A CSV of n rows "i,name-i" produced on demand, counting what was read.</summary>
    private sealed class GeneratedCsv(int rows) : Stream
    {
        private readonly byte[] _line = new byte[64];
        private int _next = 1;
        private int _lineLength;
        private int _linePosition;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => Enumerable.Range(1, rows).Sum(i => (long)$"{i},name-{i}\n".Length);

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_linePosition == _lineLength)
                {
                    if (_next > rows)
                    {
                        break;
                    }

                    _lineLength = System.Text.Encoding.ASCII.GetBytes($"{_next},name-{_next}\n", _line);
                    _linePosition = 0;
                    _next++;
                }

                var n = Math.Min(count - written, _lineLength - _linePosition);
                Array.Copy(_line, _linePosition, buffer, offset + written, n);
                _linePosition += n;
                written += n;
            }

            BytesRead += written;
            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
