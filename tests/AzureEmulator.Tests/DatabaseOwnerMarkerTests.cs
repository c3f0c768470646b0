using System.Text.Json.Nodes;
using AzureEmulator.Tds;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Export.Run;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace AzureEmulator.Tests;

/// <summary>
/// Issue 24 item 2 across stores: no store sees another's claims, so the serverless database names its owner
/// (<see cref="DatabaseOwnerMarker"/>), made by a CREATE that SQL refuses when the marker exists.
/// </summary>
public sealed class DatabaseOwnerMarkerTests : IDisposable
{
    private const string SqlAudience = "https://database.windows.net/";
    private const string DatabaseName = "SharedDb";
    private static readonly Caller Admin = new(TestEmulator.AdminUser);

    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Of_ten_stores_running_exports_into_one_database_at_once_one_owns_it_and_nine_are_refused()
    {
        await using var emu = await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());
        var runs = Enumerable.Range(0, 10).Select(i => NewStore($"Export{i}", $"container{i}")).ToArray();

        var outcomes = await Task.WhenAll(runs.Select(run => Task.Run(async () =>
        {
            try
            {
                await TakeAsync(emu, run);
                return null;
            }
            catch (CISynapseException ex)
            {
                return ex;
            }
        })));

        var winner = Assert.Single(runs.Where((_, i) => outcomes[i] is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(ErrorIds.DatabaseOwnedElsewhere, o!.ErrorId));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Contains($"'{winner.ExportName}'", o!.Message, StringComparison.Ordinal));
        var marker = Assert.Single((await MarkerViewsAsync(emu))!);
        Assert.Equal(["ExportId", "ExportName", "Store", "Container"], marker!["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Empty(Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"))["views"]!.AsArray());
    }

    [Fact]
    public async Task The_owner_runs_again_and_an_export_of_the_same_store_that_holds_the_claim_takes_the_marker_over()
    {
        await using var emu = await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());
        var first = NewStore("Sales", "exports");
        var other = NewStore("Finance", "archive");
        await TakeAsync(emu, first);
        await TakeAsync(emu, first);
        Assert.Equal(ErrorIds.DatabaseOwnedElsewhere, (await Assert.ThrowsAsync<CISynapseException>(() => TakeAsync(emu, other))).ErrorId);

        // Removed and created again in the same store: a new export id, and the store's claim is what decides.
        var stored = (await first.Store.GetAsync(ExportService.Kind, "Sales", default))!;
        await first.Store.DeleteAsync(ExportService.Kind, "Sales", stored.Revision, default);
        await first.Store.CreateAsync(ExportService.Kind, "Sales", stored.Content with { ExportId = DatabaseClaims.NewExportId() }, null, default);
        await TakeAsync(emu, first);

        var batches = (await emu.AdminAsync(HttpMethod.Get, $"sql/batches?database={DatabaseName}"))["batches"]!.AsArray();
        Assert.Contains(batches, b => b!["text"]!.GetValue<string>().StartsWith("CREATE OR ALTER VIEW [cisynapse].[ExportOwner]", StringComparison.Ordinal));
        Assert.Equal(ErrorIds.DatabaseOwnedElsewhere, (await Assert.ThrowsAsync<CISynapseException>(() => TakeAsync(emu, other))).ErrorId);
    }

    [Fact]
    public void The_emulator_refuses_a_second_CREATE_SCHEMA_and_a_view_in_a_missing_schema_as_SQL_Server_does()
    {
        var catalog = new SqlCatalog();
        var sql = new SqlBatchInterpreter(catalog);
        sql.Run("CREATE DATABASE [Sales];", SqlCatalog.Master, TestEmulator.AdminUser);

        Assert.Equal(2760, sql.Run("CREATE VIEW [cisynapse].[ExportOwner] AS SELECT N'a' AS [ExportId];", "Sales", TestEmulator.AdminUser).ErrorNumber);
        Assert.Null(sql.Run("CREATE SCHEMA [cisynapse];", "Sales", TestEmulator.AdminUser).ErrorNumber);
        Assert.Equal(2714, sql.Run("CREATE SCHEMA [CISynapse];", "Sales", TestEmulator.AdminUser).ErrorNumber);
        Assert.Null(sql.Run("CREATE VIEW [cisynapse].[ExportOwner] AS SELECT N'a' AS [ExportId];", "Sales", TestEmulator.AdminUser).ErrorNumber);
        Assert.Equal(2714, sql.Run("CREATE VIEW [cisynapse].[ExportOwner] AS SELECT N'b' AS [ExportId];", "Sales", TestEmulator.AdminUser).ErrorNumber);
        Assert.Contains("N'a'", catalog.Read(c => c.Database("Sales")!.Views["cisynapse.ExportOwner"].Definition));
    }

    private sealed record Run(DefinitionStore Store, string ExportName, ConnectionDefinition Connection, BlobLocation Container);

    private Run NewStore(string exportName, string container)
    {
        var folder = Directory.CreateTempSubdirectory("cisynapse-marker-").FullName;
        _folders.Add(folder);
        var store = new DefinitionStore(new LocalFolderBackend(folder));
        var now = DateTimeOffset.UtcNow;
        var connection = new ConnectionDefinition
        {
            Name = "lake",
            DisplayName = "lake",
            SubscriptionId = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2",
            WorkspaceResourceId = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/ws",
            WorkspaceName = "ws",
            WorkspaceResourceGroupName = "rg",
            StorageAccountResourceId = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/lakeacct",
            StorageAccountName = "lakeacct",
            StorageAccountResourceGroupName = "rg",
            Container = container,
            CreatedBy = Admin.ObjectId,
            CreatedOn = now,
            ModifiedOn = now,
        };
        store.CreateAsync(ExportService.Kind, exportName, new ExportDefinition
        {
            Name = exportName,
            ExportId = DatabaseClaims.NewExportId(),
            DisplayName = exportName,
            ConnectionName = "lake",
            Source = "/cdm",
            DatabaseName = DatabaseName,
            Entities = ["Customer"],
            CreatedBy = Admin.ObjectId,
            CreatedOn = now,
            ModifiedOn = now,
        }, Admin.ObjectId, default).GetAwaiter().GetResult();
        return new Run(store, exportName, connection, BlobLocation.Parse($"https://lakeacct.blob.core.windows.net/{container}"));
    }

    private static Task TakeAsync(TestEmulator emu, Run run)
    {
        var endpoint = SqlEndpoint.Parse(emu.Host.Sql!.Endpoint);
        var credential = new AccessTokenCredential(new Dictionary<string, string> { [SqlAudience] = TestEmulator.Token(TestEmulator.AdminUser, SqlAudience) });
        var step = new DatabaseOwnershipStep(run.Store, new CredentialSqlScriptRunner(credential, SqlAudience), new SqlExecutorOptions { ConnectTimeout = TimeSpan.FromSeconds(20) });
        return step.TakeAsync(run.ExportName, run.Connection, run.Container, endpoint, Admin, OperationContext.None);
    }

    private static async Task<JsonArray?> MarkerViewsAsync(TestEmulator emu) =>
        Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"))["otherViews"]?.AsArray();

    private static JsonNode Database(JsonNode catalog) =>
        catalog["databases"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == DatabaseName)!;
}
