using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class ParquetViewColumnsTests
{
    private static readonly ParquetColumn Int64 = ParquetTypeMap.Leaf("c", "INT64", null);
    private static readonly ParquetColumn Int32 = ParquetTypeMap.Leaf("c", "INT32", null);
    private static readonly ParquetColumn Double = ParquetTypeMap.Leaf("c", "DOUBLE", null);
    private static readonly ParquetColumn Utf8 = ParquetTypeMap.Leaf("c", "BYTE_ARRAY", "UTF8");
    private static readonly ParquetColumn Bytes = ParquetTypeMap.Leaf("c", "BYTE_ARRAY", null);
    private static readonly ParquetColumn Boolean = ParquetTypeMap.Leaf("c", "BOOLEAN", null);
    private static readonly ParquetColumn Uuid = ParquetTypeMap.Leaf("c", "FIXED_LEN_BYTE_ARRAY", "UUID");
    private static readonly ParquetColumn Decimal = ParquetTypeMap.Leaf("c", "INT64", "DECIMAL", 18, 4);
    private static readonly ParquetColumn Timestamp = ParquetTypeMap.Leaf("c", "INT64", "TIMESTAMP", unit: "MICROS", adjustedToUtc: true);
    private static readonly ParquetColumn LocalTimestamp = ParquetTypeMap.Leaf("c", "INT64", "TIMESTAMP", unit: "MICROS", adjustedToUtc: false);
    private static readonly ParquetColumn Nanos = ParquetTypeMap.Leaf("c", "INT64", "TIMESTAMP", unit: "NANOS", adjustedToUtc: true);
    private static readonly ParquetColumn Date = ParquetTypeMap.Leaf("c", "INT32", "DATE");

    public static TheoryData<ParquetColumn, string, ParquetConversion?> Conversions => new()
    {
        { Int64, "int64", ParquetConversion.None },
        { Int64, "int32", ParquetConversion.Convert },
        { Int32, "int64", ParquetConversion.Convert },
        { Int64, "decimal", ParquetConversion.Convert },
        { Int64, "string", ParquetConversion.Convert },
        { Double, "double", ParquetConversion.None },
        { Double, "decimal", ParquetConversion.Convert },
        { Double, "int32", null },
        { Double, "string", null },
        { Decimal, "decimal", ParquetConversion.Convert },
        { Decimal, "double", ParquetConversion.Convert },
        { Decimal, "int64", null },
        { Utf8, "string", ParquetConversion.None },
        { Utf8, "guid", ParquetConversion.FromText },
        { Utf8, "dateTime", ParquetConversion.FromText },
        { Utf8, "boolean", ParquetConversion.FromText },
        { Utf8, "int32", ParquetConversion.FromText },
        { Bytes, "int32", null },
        { Bytes, "string", null },
        { Bytes, "binary", null },
        { Boolean, "boolean", ParquetConversion.None },
        { Boolean, "int32", null },
        { Uuid, "guid", ParquetConversion.None },
        { Uuid, "string", ParquetConversion.Convert },
        { Timestamp, "dateTime", ParquetConversion.None },
        { Timestamp, "dateTimeOffset", ParquetConversion.Convert },
        { Timestamp, "date", null },
        { LocalTimestamp, "dateTime", null },
        { LocalTimestamp, "int64", ParquetConversion.None },
        { Nanos, "dateTime", null },
        { Date, "date", ParquetConversion.None },
        { Date, "dateTime", ParquetConversion.Convert },
    };

    [Theory]
    [MemberData(nameof(Conversions))]
    public void ConvertsOnlyWhereADocumentedConversionKeepsTheValue(ParquetColumn column, string cdmType, ParquetConversion? expected)
    {
        Assert.Equal(expected, ParquetViewColumns.ConversionOf(column, SqlTypeMap.Map(new CdmAttribute("c", cdmType))));
    }

    [Theory]
    [InlineData("INT32", "INTEGER", 8, true, "smallint")]
    [InlineData("INT32", "INTEGER", 16, true, "smallint")]
    [InlineData("INT32", "INTEGER", 8, false, "tinyint")]
    [InlineData("INT32", "INTEGER", 16, false, "int")]
    [InlineData("INT32", "INTEGER", 32, true, "int")]
    [InlineData("INT32", "INTEGER", 32, false, "bigint")]
    [InlineData("INT64", "INTEGER", 64, true, "bigint")]
    [InlineData("INT64", "INTEGER", 64, false, "decimal(20,0)")]
    public void IntegerLogicalTypesMapAsDocumented(string physical, string logical, int width, bool signed, string sqlType)
    {
        Assert.Equal(sqlType, ParquetTypeMap.Leaf("c", physical, logical, bitWidth: width, signed: signed).SqlType);
    }

    [Theory]
    [InlineData("BOOLEAN", null, "bit")]
    [InlineData("INT32", null, "int")]
    [InlineData("INT64", null, "bigint")]
    [InlineData("INT96", null, "datetime2(7)")]
    [InlineData("FLOAT", null, "real")]
    [InlineData("DOUBLE", null, "float")]
    [InlineData("BYTE_ARRAY", "STRING", "varchar")]
    [InlineData("BYTE_ARRAY", "ENUM", "varchar")]
    [InlineData("BYTE_ARRAY", "JSON", "varchar(8000)")]
    [InlineData("BYTE_ARRAY", null, "varbinary(8000)")]
    [InlineData("FIXED_LEN_BYTE_ARRAY", "UUID", "uniqueidentifier")]
    [InlineData("INT32", "DATE", "date")]
    public void PhysicalAndSimpleLogicalTypesMapAsDocumented(string physical, string? logical, string sqlType)
    {
        Assert.Equal(sqlType, ParquetTypeMap.Leaf("c", physical, logical).SqlType);
    }

    [Fact]
    public void TheDocumentedTableCoversTheMappedPhysicalTypes()
    {
        var physical = ParquetTypeMap.Table.SelectMany(r => r.PhysicalType.Split(" / ")).ToHashSet();

        Assert.Superset(new HashSet<string> { "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY", "group" }, physical);
    }

    [Fact]
    public void AttributesMatchFileColumnsByExactName_AndMissingOnesAreNull()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("Id", "int32"), new CdmAttribute("name", "string", MaxLength: 10)], []);

        var columns = ParquetViewColumns.Plan(entity, [ParquetTypeMap.Leaf("Id", "INT64", null), ParquetTypeMap.Leaf("Name", "BYTE_ARRAY", "STRING")], "E/s/part.parquet");

        Assert.Equal(ParquetConversion.Convert, columns[0].Conversion);
        Assert.Equal("bigint", columns[0].WithType);
        Assert.Equal(ParquetConversion.Missing, columns[1].Conversion);
        Assert.Null(columns[1].WithType);
    }

    [Fact]
    public void AnIncompatibleColumnNamesEntityFileColumnAndBothTypes()
    {
        var entity = new CdmEntity("Orders", [new CdmAttribute("Total", "int32")], []);

        var error = Assert.Throws<CISynapseException>(() => ParquetViewColumns.Plan(entity, [ParquetTypeMap.Leaf("Total", "BYTE_ARRAY", null)], "Db/Orders/s/part-1.parquet"));

        Assert.Equal(ErrorIds.IncompatibleParquetColumn, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(
            "The column 'Total' of entity 'Orders' is Parquet BYTE_ARRAY in 'Db/Orders/s/part-1.parquet', which serverless SQL reads as varbinary(8000); the CDM declares it int32 (int), and no documented conversion keeps its values.",
            error.Message);
    }

    [Fact]
    public void FilesMustAgreeOnTheirColumns()
    {
        IReadOnlyList<ParquetColumn> a = [ParquetTypeMap.Leaf("x", "INT64", null)];
        IReadOnlyList<ParquetColumn> b = [ParquetTypeMap.Leaf("x", "INT64", null), ParquetTypeMap.Leaf("y", "DOUBLE", null)];

        Assert.Equal(a, ParquetViewColumns.Agree("E", [("1.parquet", a), ("2.parquet", a)]));
        var error = Assert.Throws<CISynapseException>(() => ParquetViewColumns.Agree("E", [("1.parquet", a), ("2.parquet", b)]));
        Assert.Equal(ErrorIds.ParquetSchemaMismatch, error.ErrorId);
        Assert.Contains("'1.parquet' and '2.parquet'", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'y' is only in the second", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheViewDeclaresFileTypesInWith_ConvertsInSelect_AndCastsMissingColumns()
    {
        var entity = new CdmEntity(
            "Orders",
            [new CdmAttribute("OrderID", "int32"), new CdmAttribute("Freight", "decimal", Precision: 19, Scale: 4), new CdmAttribute("CustomerID", "guid"), new CdmAttribute("Region", "string", MaxLength: 20)],
            [new CdmPartition("https://x.blob.core.windows.net/c/p.parquet", PartitionFormat.Parquet)]);
        var landed = new LandedEntity(entity, "Db/Orders/20261129T064600Z")
        {
            ParquetColumns = [ParquetTypeMap.Leaf("OrderID", "INT64", null), ParquetTypeMap.Leaf("Freight", "DOUBLE", null), ParquetTypeMap.Leaf("CustomerID", "BYTE_ARRAY", "STRING")],
        };

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [landed]));

        var view = script.Batches.Single(b => b.Kind == SqlBatchKind.View).Text;
        Assert.Contains("    TRY_CONVERT(int, [OrderID]) AS [OrderID],", view, StringComparison.Ordinal);
        Assert.Contains("    TRY_CONVERT(decimal(19,4), [Freight]) AS [Freight],", view, StringComparison.Ordinal);
        Assert.Contains("    TRY_CONVERT(uniqueidentifier, NULLIF([CustomerID], '')) AS [CustomerID],", view, StringComparison.Ordinal);
        Assert.Contains("    CAST(NULL AS varchar(60)) AS [Region]", view, StringComparison.Ordinal);
        Assert.Contains(") WITH (\n    [OrderID] bigint,\n    [Freight] float,\n    [CustomerID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8\n) AS [r];", view, StringComparison.Ordinal);
        Assert.DoesNotContain("[Region] varchar", view, StringComparison.Ordinal);
        Assert.Empty(script.Warnings);
        var check = Assert.Single(script.ConversionChecks);
        Assert.Equal(["OrderID", "Freight", "CustomerID"], check.Columns);
        Assert.Contains("SUM(CASE WHEN [OrderID] IS NOT NULL AND TRY_CONVERT(int, [OrderID]) IS NULL THEN 1 ELSE 0 END) AS [OrderID]", check.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesWithNoAttributeColumnGetNoWithClause()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.parquet", PartitionFormat.Parquet)]);
        var landed = new LandedEntity(entity, "Db/E/20261129T064600Z") { ParquetColumns = [ParquetTypeMap.Leaf("b", "INT64", null)] };

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [landed]));

        var view = script.Batches.Single(b => b.Kind == SqlBatchKind.View).Text;
        Assert.Contains("CAST(NULL AS bigint) AS [a]", view, StringComparison.Ordinal);
        Assert.DoesNotContain("WITH (", view, StringComparison.Ordinal);
        Assert.Empty(script.ConversionChecks);
    }

    [Fact]
    public void UnknownFileColumnsFallBackToCdmTypesWithAWarning()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.parquet", PartitionFormat.Parquet)]);

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "Db/E/20261129T064600Z")]));

        Assert.Contains(script.Warnings, w => w.Contains("footers were not read", StringComparison.Ordinal));
        Assert.Contains("[a] bigint", script.Batches.Single(b => b.Kind == SqlBatchKind.View).Text, StringComparison.Ordinal);
    }
}
