using System.Text.Json.Nodes;
using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace AzureEmulator.Tests;

/// <summary>The module's own SqlScriptExecutor against the emulator's TDS endpoint: login, batches, catalog, faults.</summary>
public sealed class SqlEndpointTests
{
    private const string SqlAudience = "https://database.windows.net/";

    [Fact]
    public async Task ExecutorAppliesGeneratedScriptAndCatalogMatches()
    {
        await using var emu = await StartAsync();
        var script = Script("SalesDb", QueryAccessMode.CallerIdentity);

        await Executor(emu).ExecuteAsync(script, OperationContext.None);

        var catalog = await emu.AdminAsync(HttpMethod.Get, "sql/catalog");
        var db = Database(catalog, "SalesDb");
        Assert.Equal("Latin1_General_100_CI_AS_SC_UTF8", db["collation"]!.GetValue<string>());
        Assert.False(db["hasMasterKey"]!.GetValue<bool>());
        var views = db["views"]!.AsArray();
        Assert.Equal(["Contact", "Order"], views.Select(v => v!["name"]!.GetValue<string>()).Order());
        var contact = views.Single(v => v!["name"]!.GetValue<string>() == "Contact")!;
        Assert.Equal(["ContactId:nvarchar(100)", "Age:int", "Created:datetime2(7)"], contact["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>() + ":" + c["type"]!.GetValue<string>()));
    }

    private static async Task<TestEmulator> StartAsync() => await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());

    private static SqlScriptExecutor Executor(TestEmulator emu, string? token = null, SqlExecutorOptions? options = null)
    {
        var endpoint = SqlEndpoint.Parse(emu.Host.Sql!.Endpoint);
        var credential = new AccessTokenCredential(new Dictionary<string, string> { [SqlAudience] = token ?? TestEmulator.Token(TestEmulator.AdminUser, SqlAudience) });
        return new SqlScriptExecutor(endpoint, credential, SqlAudience, options ?? new SqlExecutorOptions { ConnectTimeout = TimeSpan.FromSeconds(15), RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(200), MaxAttempts = 3 });
    }

    private static SqlScript Script(string database, QueryAccessMode mode)
    {
        var contact = new CdmEntity(
            "Contact",
            [new CdmAttribute("ContactId", "string", MaxLength: 100), new CdmAttribute("Age", "int32"), new CdmAttribute("Created", "dateTime")],
            [new CdmPartition("https://lakeacct.blob.core.windows.net/exports/c/part.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true))]);
        var order = new CdmEntity(
            "Order",
            [new CdmAttribute("OrderId", "guid"), new CdmAttribute("Amount", "decimal")],
            [new CdmPartition("https://lakeacct.blob.core.windows.net/exports/o/part.parquet", PartitionFormat.Parquet)]);
        return ServerlessSqlGenerator.Generate(new SqlScriptRequest(
            database,
            mode,
            DataLakeContainer.ForAccount("lakeacct", "exports"),
            [new LandedEntity(contact, $"{database}/Contact/1"), new LandedEntity(order, $"{database}/Order/1")]));
    }

    private static JsonNode Database(JsonNode catalog, string name) =>
        catalog["databases"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == name)!;
}
