using Parquet.Schema;
using Parquet.Serialization;

namespace AzureEmulator.Tests;

/// <summary>
/// The emulator refuses a WITH type the documented Parquet type mapping does not give the column (as serverless does,
/// error 15816), and reads the documented type exactly so that the view's TRY_CONVERT gives the CDM type.
/// </summary>
public sealed class ParquetTypeCompatibilityTests
{
    private static readonly SqlQueryFixture Sql = Fixture();

    [Theory]
    [InlineData("Count int", "Count", "INT", "INT64")]
    [InlineData("Amount decimal(10,2)", "Amount", "DECIMAL", "DOUBLE")]
    [InlineData("[Key] uniqueidentifier", "Key", "UNIQUEIDENTIFIER", "BYTE_ARRAY")]
    [InlineData("Count varchar(20)", "Count", "VARCHAR", "INT64")]
    public void AWithTypeOtherThanTheMappedOneIsRefused(string with, string column, string type, string physical)
    {
        var error = Sql.Error(Query(with, "*"));

        Assert.Equal(15816, error.Number);
        Assert.StartsWith($"Column '{column}' of type '{type}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"is not compatible with external data type 'Parquet physical type: {physical}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMappedTypesReadExactAndConvertInTheSelectList()
    {
        var (_, rows) = Sql.Query(Query(
            "Count bigint, Amount float, [Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8",
            "TRY_CONVERT(int, r.Count) AS c, TRY_CONVERT(decimal(10,2), r.Amount) AS a, TRY_CONVERT(uniqueidentifier, NULLIF(r.[Key], '')) AS k"));

        Assert.Equal(
            [[42, 12.34m, Guid.Parse("00000000-0000-4000-8000-000000000001")], [null, -0.5m, null]],
            rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task ATimestampNotAdjustedToUtcIsBigintAsDocumented()
    {
        using var parquet = new MemoryStream();
        var field = new DateTimeDataField("At", DateTimeFormat.Timestamp, isAdjustedToUTC: false);
        await ParquetSerializer.SerializeUntypedAsync(
            [new Dictionary<string, object?> { ["At"] = new DateTime(1970, 1, 1, 0, 0, 1, DateTimeKind.Unspecified) }],
            new ParquetSchema(field),
            parquet);
        var sql = new SqlQueryFixture();
        sql.Files.Add("lakeacct", "exports", "L/part.parquet", parquet.ToArray());
        const string From = "FROM OPENROWSET(BULK 'L/*.parquet', DATA_SOURCE = 'Lake', FORMAT = 'PARQUET')";

        var refused = sql.Error($"SELECT * {From} WITH (At datetime2(7)) AS r");
        var (_, rows) = sql.Query($"SELECT r.At {From} WITH (At bigint) AS r");

        Assert.Equal(15816, refused.Number);
        Assert.Equal(1_000L, Assert.Single(rows)[0]); // Parquet.Net writes DateTimeFormat.Timestamp in MILLIS
    }

    /// <summary>The documented map reads neither TIMESTAMP nor TIME in NANOS ("not supported"): any WITH type is refused.</summary>
    [Theory]
    [InlineData("timestamp", "datetime2(7)")]
    [InlineData("timestamp", "bigint")]
    [InlineData("time", "time(7)")]
    public async Task NanosecondTimestampsAndTimesAreNotRead(string kind, string withType)
    {
        using var parquet = new MemoryStream();
        DataField field = kind == "timestamp"
            ? new DateTimeDataField("At", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Nanos)
            : new TimeDataField("At", TimeUnitPrecision.Nanos);
        object value = kind == "timestamp" ? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) : 1_000L;
        await ParquetSerializer.SerializeUntypedAsync([new Dictionary<string, object?> { ["At"] = value }], new ParquetSchema(field), parquet);
        var sql = new SqlQueryFixture();
        sql.Files.Add("lakeacct", "exports", "N/part.parquet", parquet.ToArray());

        var refused = sql.Error($"SELECT * FROM OPENROWSET(BULK 'N/*.parquet', DATA_SOURCE = 'Lake', FORMAT = 'PARQUET') WITH (At {withType}) AS r");

        Assert.Equal(15816, refused.Number);
        Assert.Contains($"{kind.ToUpperInvariant()}(NANOS)", refused.Message, StringComparison.Ordinal);
    }

    private static string Query(string with, string select) =>
        $"SELECT {select} FROM OPENROWSET(BULK 'P/*.parquet', DATA_SOURCE = 'Lake', FORMAT = 'PARQUET') WITH ({with}) AS r";

    private static SqlQueryFixture Fixture()
    {
        using var parquet = new MemoryStream();
        ParquetSerializer.SerializeAsync(
            new[]
            {
                new Row { Count = 42, Amount = 12.34, Key = "00000000-0000-4000-8000-000000000001" },
                new Row { Count = 1L << 40, Amount = -0.5, Key = string.Empty },
            },
            parquet).GetAwaiter().GetResult();
        var sql = new SqlQueryFixture();
        sql.Files.Add("lakeacct", "exports", "P/part.parquet", parquet.ToArray());
        return sql;
    }

    public sealed class Row
    {
        public long Count { get; set; }

        public double Amount { get; set; }

        public string? Key { get; set; }
    }
}
