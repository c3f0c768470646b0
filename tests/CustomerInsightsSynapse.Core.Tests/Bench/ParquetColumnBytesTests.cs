using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Bench;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.Lake;
using DuckDB.NET.Data;

namespace CustomerInsightsSynapse.Core.Tests.Bench;

/// <summary>
/// The parquet bench's figure (bench/CustomerInsightsSynapse.Bench/ParquetColumnBytes.cs): the bytes a one-column
/// aggregate reads from a file the product's converter wrote, checked against DuckDB's reading of the same file.
/// </summary>
public sealed class ParquetColumnBytesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cisynapse-column-bytes-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public async Task ColumnBytes_AreThatColumnsChunksInEveryRowGroup_AsDuckDbReadsThem()
    {
        var path = await ConvertAsync(rows: 2500, rowGroupRows: 1000);
        var length = new FileInfo(path).Length;

        await using var file = File.OpenRead(path);
        var bytes = await ParquetColumnBytes.ReadAsync(ParquetFooter.ForStream(file), path, length, "Amount", CancellationToken.None);

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var perColumn = ParquetPartitionWriterTests.Query(duck, $"SELECT path_in_schema, SUM(total_compressed_size), COUNT(DISTINCT row_group_id) FROM parquet_metadata('{path}') GROUP BY path_in_schema")
            .ToDictionary(r => r[0], r => (Bytes: long.Parse(r[1], CultureInfo.InvariantCulture), RowGroups: int.Parse(r[2], CultureInfo.InvariantCulture)));
        Assert.Equal(3, perColumn["Amount"].RowGroups);
        Assert.Equal(perColumn["Amount"].Bytes, bytes.ColumnBytes);
        Assert.Equal(perColumn.Values.Sum(c => c.Bytes), bytes.AllColumnsBytes);
        file.Position = length - 8;
        var tail = new byte[8];
        file.ReadExactly(tail);
        Assert.Equal(BitConverter.ToInt32(tail, 0) + 8, bytes.FooterBytes);
        Assert.Equal(bytes.ColumnBytes + bytes.FooterBytes, bytes.AggregateBytes);
        Assert.True(bytes.ColumnBytes < bytes.AllColumnsBytes / 2, $"Amount is one of three columns and the smallest: {bytes.ColumnBytes} of {bytes.AllColumnsBytes} bytes.");
    }

    [Fact]
    public async Task Sum_RefusesAColumnTheFileDoesNotHave_AndAnAccountThatDoesNotClose()
    {
        var path = await ConvertAsync(rows: 10, rowGroupRows: 1000);
        var length = new FileInfo(path).Length;
        await using var file = File.OpenRead(path);

        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => ParquetColumnBytes.ReadAsync(ParquetFooter.ForStream(file), path, length, "Missing", CancellationToken.None));
        Assert.Contains("has no column 'Missing'", missing.Message, StringComparison.Ordinal);

        var grown = Path.Combine(_folder, "grown.parquet");
        var original = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(grown, [.. "PAR1"u8.ToArray(), .. original]);
        await using var grownFile = File.OpenRead(grown);
        var open = await Assert.ThrowsAsync<InvalidDataException>(() => ParquetColumnBytes.ReadAsync(ParquetFooter.ForStream(grownFile), grown, length + 4, "Amount", CancellationToken.None));
        Assert.Contains($"but the file has {length + 4}", open.Message, StringComparison.Ordinal);
    }

    /// <summary>A CSV of an id, a long text and an amount, converted by the product's writer into a local file.</summary>
    private async Task<string> ConvertAsync(int rows, int rowGroupRows)
    {
        var csvPath = Path.Combine(_folder, "part.csv");
        var lines = Enumerable.Range(0, rows).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{new string((char)('a' + (i % 26)), 40)}{i},{i % 1000}.{i % 100:D2}"));
        await File.WriteAllTextAsync(csvPath, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        var partition = new CdmPartition(csvPath, PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = _folder };
        var entity = new CdmEntity("Sales", [new CdmAttribute("Id", "int64"), new CdmAttribute("Note", "string"), new CdmAttribute("Amount", "decimal", Precision: 9, Scale: 2)], [partition]);
        var path = Path.Combine(_folder, "part.parquet");
        await using (var csv = File.OpenRead(csvPath))
        await using (var parquet = File.Create(path))
        {
            await new ParquetPartitionWriter(entity, partition, InvalidValueAction.Fail, rowGroupRows).ConvertAsync(csv, parquet, CancellationToken.None);
        }

        return path;
    }
}
