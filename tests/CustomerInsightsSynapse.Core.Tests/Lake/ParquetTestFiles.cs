using Parquet.Schema;
using Parquet.Serialization;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>Parquet files written with Parquet.Net for the footer and Parquet view tests.</summary>
internal static class ParquetTestFiles
{
    /// <summary>One row group holding <paramref name="columns"/> (a field and its values, all of one length).</summary>
    public static byte[] Write(params (DataField Field, Array Values)[] columns)
    {
        using var stream = new MemoryStream();
        WriteAsync(stream, columns).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>A file with INT64, DOUBLE and UTF8 columns and <paramref name="rows"/> rows, as Spark or pandas write them.</summary>
    public static byte[] Orders(int rows) => Write(
        (new DataField<long>("OrderID"), Enumerable.Range(1, rows).Select(i => (long)i).ToArray()),
        (new DataField<double>("Freight"), Enumerable.Range(1, rows).Select(i => i * 1.25).ToArray()),
        (new DataField<string>("CustomerID"), Enumerable.Range(1, rows).Select(i => Guid.NewGuid().ToString()).ToArray()));

    /// <summary>The footer length a file declares in its last 8 bytes.</summary>
    public static int FooterLength(byte[] file) => BitConverter.ToInt32(file, file.Length - 8);

    private static async Task WriteAsync(Stream stream, (DataField Field, Array Values)[] columns)
    {
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray());
        var rows = Enumerable.Range(0, columns[0].Values.Length)
            .Select(i => (IDictionary<string, object?>)columns.ToDictionary(c => c.Field.Name, c => c.Values.GetValue(i)))
            .ToList();
        await ParquetSerializer.SerializeUntypedAsync(rows!, schema, stream);
    }
}
