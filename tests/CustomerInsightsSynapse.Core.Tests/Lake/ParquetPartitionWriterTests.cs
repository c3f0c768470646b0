using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Data;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// Converting a CSV partition to Parquet, read back with two independent readers (DuckDB and Parquet.Net): schema,
/// row count and every value equal to the source, for the value shapes of issue 16 and every mapped type.
/// </summary>
public sealed class ParquetPartitionWriterTests : IDisposable
{
    private static readonly string OutsideBmp = "emoji " + char.ConvertFromUtf32(0x1F600) + " clef " + char.ConvertFromUtf32(0x1D11E);
    private static readonly string Text5000 = new(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i % 26))).ToArray());

    private static readonly CdmAttribute[] ShapeAttributes =
    [
        new("Id", "int32"),
        new("Label", "string"),
        new("Created", "dateTime"),
        new("Seen", "dateTimeOffset"),
        new("Flag", "boolean"),
        new("Amount", "decimal"),
        new("Key", "guid"),
        new("Note", "string"),
        new("Small", "int16"),
        new("Big", "int64"),
        new("Ratio", "double"),
        new("Single", "float"),
        new("Day", "date"),
        new("Clock", "time"),
        new("Price", "decimal", Precision: 5, Scale: 2),
    ];

    // Source fields, then what each column must hold: DuckDB's text of the value (VARCHAR cast), "<null>" for NULL.
    private static readonly (string?[] Csv, string[] Expected)[] ShapeRows =
    [
        (["1", "plain", "2019-07-10T00:00:00Z", "2019-07-10T08:30:00.1234567+02:00", "True", "12.34", "00000000-0000-4000-8000-000000000001", "say \"hi\"", "-32768", "9007199254740993", "0.1", "1.5", "2019-07-10", "08:30:00.1234567", "123.45"],
            ["1", "plain", "2019-07-10 00:00:00", "2019-07-10T08:30:00.1234567+02:00", "true", "12.340000000000000000", "00000000-0000-4000-8000-000000000001", "say \"hi\"", "-32768", "9007199254740993", "0.1", "1.5", "2019-07-10", "08:30:00.1234567", "123.45"]),
        (["2", "multi\nline", "2019-07-10T08:30:00.1234567Z", "2019-07-10T00:00:00Z", "False", "-0.000000000000000001", "{00000000-0000-4000-8000-000000000002}", "a,b\r\nc", "32767", "-1", "-2.5E-300", "-3.25", "2000-02-29", "23:59:59.9999999", "-999.994"],
            ["2", "multi\nline", "2019-07-10 08:30:00.1234567", "2019-07-10T00:00:00.0000000+00:00", "false", "-0.000000000000000001", "00000000-0000-4000-8000-000000000002", "a,b\r\nc", "32767", "-1", "-2.5e-300", "-3.25", "2000-02-29", "23:59:59.9999999", "-999.99"]),
        (["3", "offset", "2026-11-28T23:59:59.9999999-05:00", "2026-11-28T23:59:59.9999999-05:00", "true", "1234567890.123456789012345678", "00000000-0000-4000-8000-000000000003", "C:\\temp", "0", "0", "0", "0", "9999-12-31", "00:00", "0.005"],
            ["3", "offset", "2026-11-29 04:59:59.9999999", "2026-11-28T23:59:59.9999999-05:00", "true", "1234567890.123456789012345678", "00000000-0000-4000-8000-000000000003", "C:\\temp", "0", "0", "0.0", "0.0", "9999-12-31", "00:00:00.0000000", "0.01"]),
        (["4", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["4", "", "<null>", "<null>", "<null>", "<null>", "<null>", "", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>"]),
        (["5", "long", "2019-07-10T08:30:00", "2019-07-10T08:30:00+00:00", "1", " 0 ", "00000000-0000-4000-8000-000000000005", Text5000, " 7 ", "+12", "1e5", "2", "2019-07-10T23:00:00-05:00", "12:00:00", "1"],
            ["5", "long", "2019-07-10 08:30:00", "2019-07-10T08:30:00.0000000+00:00", "true", "0.000000000000000000", "00000000-0000-4000-8000-000000000005", Text5000, "7", "12", "100000.0", "2.0", "2019-07-10", "12:00:00.0000000", "1.00"]),
        (["6", OutsideBmp, "2000-02-29T12:00:00.5+01:00", "2000-02-29T12:00:00.5+14:00", "0", "1.000", "00000000-0000-4000-8000-000000000006", OutsideBmp, "1", "1", "1", "1", "2000-01-01", "00:00:00", "999.99"],
            ["6", OutsideBmp, "2000-02-29 11:00:00.5", "2000-02-29T12:00:00.5000000+14:00", "false", "1.000000000000000000", "00000000-0000-4000-8000-000000000006", OutsideBmp, "1", "1", "1.0", "1.0", "2000-01-01", "00:00:00.0000000", "999.99"]),
        (["7", null, null, null, null, null, null, null, null, null, null, null, null, null, null],
            ["7", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>"]),
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("parquet-writer-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public async Task ValueShapes_AreWrittenTyped_AndReadBackExactlyByDuckDb()
    {
        var (entity, partition) = WriteCsv("Shapes", ShapeAttributes, ShapeRows.Select(r => r.Csv));

        var (result, parquet) = await ConvertAsync(entity, partition);

        Assert.Equal(ShapeRows.Length, result.Rows);
        Assert.Empty(result.Invalid);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var types = Query(duck, $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{parquet}'))").Select(r => $"{r[0]} {r[1]}");
        Assert.Equal(
            [
                "Id INTEGER", "Label VARCHAR", "Created TIMESTAMP", "Seen VARCHAR", "Flag BOOLEAN", "Amount DECIMAL(38,18)", "Key VARCHAR", "Note VARCHAR",
                "Small SMALLINT", "Big BIGINT", "Ratio DOUBLE", "Single FLOAT", "Day DATE", "Clock VARCHAR", "Price DECIMAL(5,2)",
            ],
            types);
        var columns = string.Join(", ", ShapeAttributes.Select(a => $"CAST(\"{a.Name}\" AS VARCHAR)"));
        var rows = Query(duck, $"SELECT {columns} FROM read_parquet('{parquet}') ORDER BY Id");
        Assert.Equal(ShapeRows.Length, rows.Count);
        for (var i = 0; i < ShapeRows.Length; i++)
        {
            // DuckDB reads an INT96 timestamp in microseconds; Parquet.Net checks the 7th digit below.
            var expected = ShapeRows[i].Expected.ToArray();
            expected[2] = InMicroseconds(expected[2]);
            Assert.Equal(expected, rows[i]);
        }

        var codec = Query(duck, $"SELECT DISTINCT compression FROM parquet_metadata('{parquet}')").Select(r => r[0]).ToList();
        Assert.Equal(["SNAPPY"], codec);
    }

    /// <summary>DuckDB's text of a timestamp read in microseconds: the 7th fractional digit cut, trailing zeros dropped.</summary>
    private static string InMicroseconds(string timestamp)
    {
        var point = timestamp.IndexOf('.', StringComparison.Ordinal);
        return point < 0 || timestamp.Length - point - 1 < 7 ? timestamp : timestamp[..(point + 7)].TrimEnd('0').TrimEnd('.');
    }

    [Fact]
    public async Task ValueShapes_ReadBackByParquetNet_ToTheTick()
    {
        var (entity, partition) = WriteCsv("Shapes", ShapeAttributes, ShapeRows.Select(r => r.Csv));

        var (_, parquet) = await ConvertAsync(entity, partition);

        await using var stream = File.OpenRead(parquet);
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { UseBigDecimal = true });
        var fields = reader.Schema.DataFields;
        Assert.Equal(ShapeAttributes.Select(a => a.Name), fields.Select(f => f.Name));
        var created = new List<DateTime?>();
        var clock = new List<string?>();
        var price = new List<BigDecimal?>();
        var amount = new List<BigDecimal?>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            created.AddRange(await ReadAsync<DateTime>(group, fields[2]));
            amount.AddRange(await ReadAsync<BigDecimal>(group, fields[5]));
            clock.AddRange(await ReadTextAsync(group, fields[13]));
            price.AddRange(await ReadAsync<BigDecimal>(group, fields[14]));
        }

        Assert.Equal(new DateTime(2019, 7, 10, 8, 30, 0).AddTicks(1234567), created[1]);
        Assert.Equal(new DateTime(2026, 11, 29, 4, 59, 59).AddTicks(9999999), created[2]);
        Assert.Null(created[3]);
        Assert.Equal("23:59:59.9999999", clock[1]);
        Assert.Equal("00:00:00.0000000", clock[2]);
        Assert.Equal("1234567890.123456789012345678", amount[2]!.Value.ToString());
        Assert.Equal(38, amount[2]!.Value.Precision);
        Assert.Equal(18, amount[2]!.Value.Scale);
        Assert.Equal(-99999, (long)price[1]!.Value.UnscaledValue);
    }

    [Fact]
    public async Task Header_BindsColumnsByName_AndSkipLinesAreSkipped()
    {
        var attributes = new CdmAttribute[] { new("Code", "string"), new("Count", "int32"), new("Missing", "string") };
        var path = Path.Combine(_folder, "header.csv");
        File.WriteAllText(path, "exported by a tool\r\n\"second, preamble\"\r\nCount,Extra,Code\r\n5,x,A1\r\n\r\n7,y,\"B,2\"\r\n");
        var csv = new CsvFormat(HasHeader: true) { SkipLines = 2 };
        var entity = new CdmEntity("Coded", attributes, [new CdmPartition(path, PartitionFormat.Csv, csv)]);

        var (result, parquet) = await ConvertAsync(entity, entity.Partitions[0]);

        Assert.Equal(2, result.Rows);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var rows = Query(duck, $"SELECT Code, CAST(Count AS VARCHAR), Missing FROM read_parquet('{parquet}') ORDER BY Code");
        Assert.Equal([["A1", "5", "<null>"], ["B,2", "7", "<null>"]], rows);
    }

    [Fact]
    public async Task ValuesThatDoNotConvert_FailTheEntity_NamingFileColumnAndTenValues()
    {
        var attributes = new CdmAttribute[] { new("Id", "int32"), new("When", "dateTime"), new("Flag", "boolean") };
        var rows = Enumerable.Range(0, 15).Select(i => new string?[] { $"x{i}", "2019-07-10T00:00:00Z", i == 3 ? "yes" : "1" });
        var (entity, partition) = WriteCsv("Bad", attributes, rows);

        var error = await Assert.ThrowsAsync<CISynapseException>(() => ConvertAsync(entity, partition));

        Assert.Equal(ErrorIds.ParquetValueNotConverted, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains(partition.Location, error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'Id' (int): 15 value(s), first 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9';", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'x10'", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'Flag' (bit): 1 value(s), first 'yes'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'When'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValuesThatDoNotConvert_WithNull_AreWrittenAsNull_AndCountedPerColumn()
    {
        var attributes = new CdmAttribute[] { new("Id", "int32"), new("Amount", "decimal", Precision: 4, Scale: 1) };
        var (entity, partition) = WriteCsv("Nulled", attributes, [["1", "12.3"], ["2", "12345"], ["oops", "1,5"], ["4", ""]]);

        var (result, parquet) = await ConvertAsync(entity, partition, InvalidValueAction.Null);

        Assert.Equal(4, result.Rows);
        Assert.Equal([("Id", 1L), ("Amount", 2L)], result.Invalid.Select(c => (c.Column, c.Count)));
        Assert.Equal(["12345", "1,5"], result.Invalid[1].Samples);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var rows = Query(duck, $"SELECT CAST(Id AS VARCHAR), CAST(Amount AS VARCHAR) FROM read_parquet('{parquet}')");
        Assert.Equal([["1", "12.3"], ["2", "<null>"], ["<null>", "<null>"], ["4", "<null>"]], rows);
    }

    [Fact]
    public async Task TextWiderThanItsViewColumn_FailsWithTextValueTooLong()
    {
        var attributes = new CdmAttribute[] { new("Code", "string", MaxLength: 2) };
        var (entity, partition) = WriteCsv("Narrow", attributes, [["ab"], ["\u20ac\u20ac"], ["\u20ac\u20acx"]]);

        var error = await Assert.ThrowsAsync<CISynapseException>(() => ConvertAsync(entity, partition));

        Assert.Equal(ErrorIds.TextValueTooLong, error.ErrorId);
        Assert.Contains("row 3 of", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 7 bytes in UTF-8, more than the 6 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowGroups_AreWrittenAsTheyFill()
    {
        var attributes = new CdmAttribute[] { new("Id", "int64"), new("Name", "string") };
        var (entity, partition) = WriteCsv("Many", attributes, Enumerable.Range(0, 2500).Select(i => new string?[] { i.ToString(CultureInfo.InvariantCulture), "n" + i }));

        var (result, parquet) = await ConvertAsync(entity, partition, rowGroupRows: 1000);

        Assert.Equal(2500, result.Rows);
        Assert.Equal(3, result.RowGroups);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Assert.Equal([["3", "2500", "3123750"]], Query(duck, $"SELECT CAST(COUNT(DISTINCT row_group_id) AS VARCHAR), CAST((SELECT COUNT(*) FROM read_parquet('{parquet}')) AS VARCHAR), CAST((SELECT SUM(Id) FROM read_parquet('{parquet}')) AS VARCHAR) FROM parquet_metadata('{parquet}')"));
    }

    internal static async Task<List<T?>> ReadAsync<T>(ParquetRowGroupReader group, Parquet.Schema.DataField field)
        where T : struct
    {
        var values = new T?[group.RowCount];
        await group.ReadAsync<T>(field, values.AsMemory());
        return values.ToList();
    }

    private static async Task<IEnumerable<string?>> ReadTextAsync(ParquetRowGroupReader group, Parquet.Schema.DataField field)
    {
        var values = new string?[group.RowCount];
        await group.ReadAsync(field, values.AsMemory());
        return values;
    }

    internal static List<string[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "<null>" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!).ToArray());
        }

        return rows;
    }

    private (CdmEntity Entity, CdmPartition Partition) WriteCsv(string name, CdmAttribute[] attributes, IEnumerable<string?[]> rows)
    {
        var path = Path.Combine(_folder, name + ".csv");
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(v => v is null ? string.Empty : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))).Append("\r\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        var partition = new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default);
        return (new CdmEntity(name, attributes, [partition]), partition);
    }

    private async Task<(ParquetConversionResult Result, string Path)> ConvertAsync(CdmEntity entity, CdmPartition partition, InvalidValueAction invalid = InvalidValueAction.Fail, int rowGroupRows = ParquetPartitionWriter.DefaultRowGroupRows)
    {
        var output = Path.Combine(_folder, entity.Name + ".parquet");
        await using var csv = File.OpenRead(partition.Location);
        await using var parquet = File.Create(output);
        var result = await new ParquetPartitionWriter(entity, partition, invalid, rowGroupRows).ConvertAsync(csv, parquet, CancellationToken.None);
        return (result, output);
    }
}
