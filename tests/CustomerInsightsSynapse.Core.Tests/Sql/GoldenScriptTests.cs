using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// Generated scripts for the shared fixture models compared with reviewed scripts committed under
/// TestData/Sql/Golden. To regenerate after an intended change, run the tests with CISYNAPSE_UPDATE_GOLDEN=1,
/// review the diff of the .sql files, and commit them.
/// </summary>
public sealed class GoldenScriptTests
{
    public static TheoryData<string> Cases => new(GoldenCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedScriptMatchesGolden(string name)
    {
        var script = ServerlessSqlGenerator.Generate(GoldenCases.All[name]());
        var path = Path.Combine(RepositoryPaths.TestData, "Sql", "Golden", name + ".sql");

        if (Environment.GetEnvironmentVariable("CISYNAPSE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, script.Text);
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with CISYNAPSE_UPDATE_GOLDEN=1 to create it, then review it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        var difference = FirstDifference(expected, script.Text);
        Assert.True(difference is null, $"Generated script differs from {path}:\n{difference}\nIf the change is intended, rerun with CISYNAPSE_UPDATE_GOLDEN=1 and review the diff.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenScriptParsesAsOneBatchPerGeneratedBatchPlusUse(string name)
    {
        var script = ServerlessSqlGenerator.Generate(GoldenCases.All[name]());
        var fragment = SqlScriptValidator.Parse(script.Text, out var errors);

        Assert.Empty(errors);
        var parsed = Assert.IsType<Microsoft.SqlServer.TransactSql.ScriptDom.TSqlScript>(fragment);
        Assert.Equal(script.Batches.Count + 1, parsed.Batches.Count);
    }

    private static string? FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"line {i + 1}\n  expected: {e}\n  actual:   {a}";
            }
        }

        return null;
    }
}

internal static class GoldenCases
{
    public static IReadOnlyDictionary<string, Func<SqlScriptRequest>> All { get; } = new Dictionary<string, Func<SqlScriptRequest>>
    {
        ["OrdersProducts_Csv_Header_CallerIdentity"] = () => OrdersProducts(PartitionFormat.Csv, new CsvFormat(HasHeader: true), QueryAccessMode.CallerIdentity),
        ["OrdersProducts_Csv_NoHeader_WorkspaceIdentity"] = () => OrdersProducts(PartitionFormat.Csv, CsvFormat.Default, QueryAccessMode.WorkspaceIdentity),
        ["OrdersProducts_Parquet_WorkspaceIdentity"] = () => OrdersProducts(PartitionFormat.Parquet, null, QueryAccessMode.WorkspaceIdentity),
        ["OrdersProducts_Parquet_CallerIdentity"] = () => OrdersProducts(PartitionFormat.Parquet, null, QueryAccessMode.CallerIdentity),
        ["Orders_Parquet_FooterTypes_WorkspaceIdentity"] = OrdersWithFooterTypes,
        ["CustomersLinked_Csv_TabSkipLinesCr_CallerIdentity"] = () => Customers(
            new CsvFormat(HasHeader: true, Delimiter: "\t", Quote: "\"", Escape: "\"", Encoding: "UTF-8", NewLine: "\r") { SkipLines = 2 },
            QueryAccessMode.CallerIdentity),
        ["CustomersLinked_Csv_SemicolonNoQuoteAscii_WorkspaceIdentity"] = () => Customers(
            new CsvFormat(HasHeader: false, Delimiter: ";", Quote: "", Escape: null, Encoding: "ASCII", NewLine: "\r\n"),
            QueryAccessMode.WorkspaceIdentity),
        ["EveryCdmType_Csv_Header_WorkspaceIdentity"] = () => new SqlScriptRequest(
            "CdmTypes",
            QueryAccessMode.WorkspaceIdentity,
            FixtureEntities.Lake,
            [FixtureEntities.Landed("CdmTypes", FixtureEntities.EveryCdmType(new CsvFormat(HasHeader: true))), FixtureEntities.Landed("CdmTypes", FixtureEntities.EveryCdmTypeWithoutPartitions())]),
    };

    private static SqlScriptRequest OrdersProducts(PartitionFormat format, CsvFormat? csv, QueryAccessMode mode)
    {
        const string db = FixtureEntities.OrdersProductsDatabase;
        return new SqlScriptRequest(
            db,
            mode,
            FixtureEntities.Lake,
            [FixtureEntities.Landed(db, FixtureEntities.Orders(format, csv)), FixtureEntities.Landed(db, FixtureEntities.Products(format, csv))]);
    }

    /// <summary>Orders over Parquet files as Spark writes them: INT64/INT32/DOUBLE/UTF8/TIMESTAMP/INT96 columns, one attribute missing.</summary>
    private static SqlScriptRequest OrdersWithFooterTypes()
    {
        const string db = FixtureEntities.OrdersProductsDatabase;
        var landed = FixtureEntities.Landed(db, FixtureEntities.Orders(PartitionFormat.Parquet)) with
        {
            ParquetColumns =
            [
                ParquetTypeMap.Leaf("OrderID", "INT64", null),
                ParquetTypeMap.Leaf("CustomerID", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("EmployeeID", "INT32", null),
                ParquetTypeMap.Leaf("OrderDate", "INT64", "TIMESTAMP", unit: "MICROS", adjustedToUtc: true),
                ParquetTypeMap.Leaf("RequiredDate", "INT96", null),
                ParquetTypeMap.Leaf("ShippedDate", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("ShipVia", "INT32", "INTEGER", bitWidth: 16, signed: true),
                ParquetTypeMap.Leaf("Freight", "DOUBLE", null),
                ParquetTypeMap.Leaf("ShipName", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("ShipAddress", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("ShipCity", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("ShipPostalCode", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("ShipCountry", "BYTE_ARRAY", "STRING"),
                ParquetTypeMap.Leaf("_rowVersion", "INT64", null),
            ],
        };
        return new SqlScriptRequest(db, QueryAccessMode.WorkspaceIdentity, FixtureEntities.Lake, [landed]);
    }

    private static SqlScriptRequest Customers(CsvFormat csv, QueryAccessMode mode)
    {
        const string db = FixtureEntities.CustomersLinkedDatabase;
        return new SqlScriptRequest(db, mode, FixtureEntities.Lake, [FixtureEntities.Landed(db, FixtureEntities.Customers(PartitionFormat.Csv, csv))]);
    }
}
