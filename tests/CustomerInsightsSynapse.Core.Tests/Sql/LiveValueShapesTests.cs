using System.Globalization;
using System.Text;
using Azure.Identity;
using Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.Data.SqlClient;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// The value shapes of tests/Pester/ViewValueShapes.Tests.ps1 against a real serverless SQL pool: the CSV files are
/// uploaded where landing puts them (nested folders included), the generated views are applied, and every row is read
/// back exactly. One run settles what the documentation leaves open (ISO 8601 with T/Z/offsets, True/False, "" empties,
/// 5,000 characters under parser 2.0, skipLines as FIRSTROW with HEADER_ROW).
/// </summary>
public sealed class LiveValueShapesTests
{
    private static readonly string Text5000 = new(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i % 26))).ToArray());

    private static readonly string OutsideBmp = "emoji " + char.ConvertFromUtf32(0x1F600) + " clef " + char.ConvertFromUtf32(0x1D11E);

    /// <summary>The CSV fields of each row, and what the view returns for it (Created in UTC).</summary>
    private static readonly (string[] Csv, object?[] Expected)[] Rows =
    [
        (["1", "plain", "2019-07-10T00:00:00Z", "2019-07-10T08:30:00.1234567+02:00", "True", "12.34", "00000000-0000-4000-8000-000000000001", "say \"hi\""],
            [1, "plain", Utc("2019-07-10T00:00:00"), Offset("2019-07-10T08:30:00.1234567+02:00"), true, 12.34m, Guid.Parse("00000000-0000-4000-8000-000000000001"), "say \"hi\""]),
        (["2", "multi\nline", "2019-07-10T08:30:00.1234567Z", "2019-07-10T00:00:00Z", "False", "-0.000000000000000001", "00000000-0000-4000-8000-000000000002", "a,b\r\nc"],
            [2, "multi\nline", Utc("2019-07-10T08:30:00.1234567"), Offset("2019-07-10T00:00:00+00:00"), false, -0.000000000000000001m, Guid.Parse("00000000-0000-4000-8000-000000000002"), "a,b\r\nc"]),
        (["3", "offset", "2026-11-28T23:59:59.9999999-05:00", "2026-11-28T23:59:59.9999999-05:00", "true", "1234567890.123456789012345678", "00000000-0000-4000-8000-000000000003", "C:\\temp"],
            [3, "offset", Utc("2026-11-29T04:59:59.9999999"), Offset("2026-11-28T23:59:59.9999999-05:00"), true, 1234567890.123456789012345678m, Guid.Parse("00000000-0000-4000-8000-000000000003"), "C:\\temp"]),
        (["4", "", "", "", "", "", "", ""], [4, "", null, null, null, null, null, ""]),
        (["5", "long", "2019-07-10T08:30:00", "2019-07-10T08:30:00+00:00", "false", "0", "00000000-0000-4000-8000-000000000005", Text5000],
            [5, "long", Utc("2019-07-10T08:30:00"), Offset("2019-07-10T08:30:00+00:00"), false, 0m, Guid.Parse("00000000-0000-4000-8000-000000000005"), Text5000]),
        (["6", OutsideBmp, "2000-02-29T12:00:00.5+01:00", "2000-02-29T12:00:00.5+14:00", "1", "1.000", "00000000-0000-4000-8000-000000000006", OutsideBmp],
            [6, OutsideBmp, Utc("2000-02-29T11:00:00.5"), Offset("2000-02-29T12:00:00.5+14:00"), true, 1m, Guid.Parse("00000000-0000-4000-8000-000000000006"), OutsideBmp]),
        (["7", "zero", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "0", "1.5", "00000000-0000-4000-8000-000000000007", "\"quoted\""],
            [7, "zero", Utc("1900-01-01T00:00:00"), Offset("9999-12-31T23:59:59.9999999+00:00"), false, 1.5m, Guid.Parse("00000000-0000-4000-8000-000000000007"), "\"quoted\""]),
    ];

    private static readonly CdmAttribute[] ShapeAttributes =
    [
        new("Id", "int32"), new("Label", "string"), new("Created", "dateTime"), new("Seen", "dateTimeOffset"),
        new("Flag", "boolean"), new("Amount", "decimal"), new("Key", "guid"), new("Note", "string"),
    ];

    [LiveSqlFact]
    public async Task EveryValueShapeReadsBackExactly()
    {
        var account = Environment.GetEnvironmentVariable(LiveSqlFactAttribute.AccountVariable)!;
        var containerName = Environment.GetEnvironmentVariable(LiveSqlFactAttribute.ContainerVariable)!;
        var endpoint = SqlEndpoint.Parse(Environment.GetEnvironmentVariable(LiveSqlFactAttribute.EndpointVariable));
        var credential = new DefaultAzureCredential();
        var container = new BlobClientFactory(credential).Container(new Uri($"https://{account}.blob.core.windows.net/"), containerName);
        var database = "cisynapse_shapes_" + Guid.NewGuid().ToString("N")[..12];
        var csv = new CsvFormat();
        var shapes = FixtureEntities.Landed(database, new CdmEntity("Shapes", ShapeAttributes, [new CdmPartition("https://source.example/Shapes/part.csv", PartitionFormat.Csv, csv)]));
        var skipped = FixtureEntities.Landed(database, new CdmEntity(
            "Skipped",
            [new CdmAttribute("Code", "string"), new CdmAttribute("Name", "string")],
            [new CdmPartition("https://source.example/Skipped/export.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true) { SkipLines = 2 })]));
        var empty = FixtureEntities.Landed(database, new CdmEntity("Empty", ShapeAttributes, []));
        var files = new Dictionary<string, string>
        {
            [$"{database}/Shapes/{FixtureEntities.SnapshotId}/2026/11/28/part.csv"] = CsvOf(Rows[..2]),
            [$"{database}/Shapes/{FixtureEntities.SnapshotId}/early.csv"] = CsvOf(Rows[2..4]),
            [$"{database}/Shapes/{FixtureEntities.SnapshotId}/part.csv"] = CsvOf(Rows[4..]),
            [$"{database}/Skipped/{FixtureEntities.SnapshotId}/export.csv"] = "exported by a tool\r\n\"second, preamble line\"\r\nCode,Name\r\nA1,first\r\nB2,\"second, quoted\"\r\n",
        };
        var executor = new SqlScriptExecutor(endpoint, credential, CloudEnvironment.AzureCloud.SqlAudience);
        try
        {
            foreach (var (path, text) in files)
            {
                await container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(new UTF8Encoding(false).GetBytes(text)), overwrite: true);
            }

            var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest(
                database, QueryAccessMode.CallerIdentity, DataLakeContainer.ForAccount(account, containerName), [shapes, skipped, empty]));
            await executor.ExecuteAsync(script, OperationContext.None);

            await using var connection = executor.CreateConnection(database);
            await connection.OpenAsync();
            var read = await ReadAsync(connection, "SELECT [Id], [Label], [Created], [Seen], [Flag], [Amount], [Key], [Note] FROM [dbo].[Shapes] ORDER BY [Id];");
            Assert.Equal(Rows.Length, read.Count);
            for (var i = 0; i < Rows.Length; i++)
            {
                Assert.Equal(Rows[i].Expected, read[i]);
            }

            Assert.Equal([["A1", "first"], ["B2", "second, quoted"]], await ReadAsync(connection, "SELECT [Code], [Name] FROM [dbo].[Skipped] ORDER BY [Code];"));
            Assert.Empty(await ReadAsync(connection, "SELECT * FROM [dbo].[Empty];"));
        }
        finally
        {
            await using (var master = executor.CreateConnection("master"))
            {
                await master.OpenAsync();
                await using var drop = new SqlCommand($"IF DB_ID({SqlQuoting.Literal(database, "database name")}) IS NOT NULL DROP DATABASE {SqlQuoting.Identifier(database, "database name")};", master);
                await drop.ExecuteNonQueryAsync();
            }

            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, database + "/", CancellationToken.None))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name);
            }
        }
    }

    private static string CsvOf((string[] Csv, object?[] Expected)[] rows) =>
        string.Concat(rows.Select(r => string.Join(',', r.Csv.Select(v => "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + "\r\n"));

    private static async Task<List<object?[]>> ReadAsync(SqlConnection connection, string query)
    {
        await using var command = new SqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static DateTime Utc(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static DateTimeOffset Offset(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
