using Azure.Storage;
using Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>Removing an export with its landed data, against Azurite: exactly its folders go, nothing else.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportPurgeTests : IDisposable
{
    private readonly BlobContainerClient _container;
    private readonly BlobClientFactory _blobs;
    private readonly BlobLocation _location;
    private readonly ExportScenario _s;

    public ExportPurgeTests(AzuriteFixture azurite)
    {
        var parts = azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var name = "purge-" + Guid.NewGuid().ToString("N")[..12];
        _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(name);
        _container.Create();
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 1;
        _blobs = new BlobClientFactory(new StorageSharedKeyCredential(parts["AccountName"], parts["AccountKey"]), options);
        _location = BlobLocation.Parse($"{parts["BlobEndpoint"].TrimEnd('/')}/{name}");
        _s = new ExportScenario(
            new ExportEnvironment { Reader = new CdmFolderReader(), Blobs = _blobs, Targets = new FixedTargets(_location) },
            container: name);
    }

    public void Dispose()
    {
        _container.DeleteIfExists();
        _s.Dispose();
    }

    [Fact]
    public async Task Landed_data_of_the_export_is_deleted_and_nothing_else()
    {
        // Sales fed CustomerInsights (Customer, UnifiedActivity, Contact), then lost Contact and moved to CI2.
        await _s.CreateAsync(_s.Request("Sales", database: "CustomerInsights", entities: ["Customer", "UnifiedActivity", "Contact"]));
        await _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["Contact"] });
        await _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "CI2" });
        // Another export of the same container feeds Shared with Customer.
        await _s.CreateAsync(_s.Request("Other", ExportScenario.AdminsOnly, "Shared", "Customer"));
        string[] mine =
        [
            "CustomerInsights/Customer/s1/part-1.csv", "CustomerInsights/UnifiedActivity/s1/part-1.csv", "CustomerInsights/Contact/s0/part-1.csv",
            "CustomerInsights/model.json", "CustomerInsights/_sql/run1.sql",
            "CI2/Customer/s2/part-1.csv", "CI2/UnifiedActivity/s2/a/b/part-1.csv", "CI2/model.json", "CI2/_sql/run2.sql",
        ];
        string[] notMine =
        [
            "CustomerInsights/CustomerX/s1/part-1.csv", "CustomerInsights/Segment_Churn/s1/part-1.csv", "CustomerInsights/_lock",
            "CI2/_lock", "CI2.csv", "Shared/Customer/s1/part-1.csv", "Shared/model.json", "ci2/Customer/s1/part-1.csv", "Unrelated/x.txt",
        ];
        foreach (var blob in mine.Concat(notMine))
        {
            await _container.UploadBlobAsync(blob, BinaryData.FromString(blob));
        }

        var plan = await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveLandedData = true }, ExportScenario.Admin, OperationContext.None);
        var result = await _s.Service.RemoveAsync(plan, OperationContext.None);

        Assert.Equal(mine.Order(StringComparer.Ordinal), plan.BlobsFound.Order(StringComparer.Ordinal));
        Assert.Equal(mine.Order(StringComparer.Ordinal), result.DeletedBlobs.Order(StringComparer.Ordinal));
        var left = _container.GetBlobs().Select(b => b.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(notMine.Order(StringComparer.Ordinal), left);
        Assert.Equal(["other.json"], _s.ExportFiles());
        Assert.Empty(plan.Scripts);
    }

    [Fact]
    public async Task Folders_another_export_of_the_container_uses_are_kept()
    {
        await _s.CreateAsync(_s.Request("Sales", ExportScenario.Everyone, "CustomerInsights", "Customer", "Contact"));
        // The same database through the other connection on the same container (refused today, but a connection
        // retargeted later can leave it so): both land in CustomerInsights/.
        var sales = await _s.StoredAsync("Sales");
        await _s.StoreDirectlyAsync(sales with { Name = "Twin", ConnectionName = ExportScenario.AdminsOnly, Entities = ["Customer"] });
        foreach (var blob in new[] { "CustomerInsights/Customer/s1/p.csv", "CustomerInsights/Contact/s1/p.csv", "CustomerInsights/model.json", "CustomerInsights/_sql/r.sql" })
        {
            await _container.UploadBlobAsync(blob, BinaryData.FromString(blob));
        }

        var plan = await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveLandedData = true }, ExportScenario.Admin, OperationContext.None);
        var result = await _s.Service.RemoveAsync(plan, OperationContext.None);

        Assert.Equal(["CustomerInsights/Contact/s1/p.csv"], result.DeletedBlobs);
        Assert.Equal(
            ["CustomerInsights/Customer/s1/p.csv", "CustomerInsights/_sql/r.sql", "CustomerInsights/model.json"],
            _container.GetBlobs().Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.Contains(plan.Notes, n => n.Contains("'CustomerInsights/Customer/'", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.Contains("model.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Planning_changes_nothing()
    {
        await _s.CreateAsync(_s.Request("Sales", entities: ["Customer"]));
        await _container.UploadBlobAsync("CustomerInsights/Customer/s1/p.csv", BinaryData.FromString("x"));

        var plan = await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveLandedData = true, RemoveDatabaseObjects = true }, ExportScenario.Admin, OperationContext.None);

        Assert.Equal(["CustomerInsights/Customer/s1/p.csv"], plan.BlobsFound);
        Assert.Single(_container.GetBlobs());
        Assert.Equal(["sales.json"], _s.ExportFiles());
    }

    [Fact]
    public async Task Database_objects_are_dropped_by_a_returned_script_when_no_sql_endpoint_is_known()
    {
        await _s.CreateAsync(_s.Request("Sales", entities: ["Customer", "UnifiedActivity"]));
        await _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["UnifiedActivity"] });
        await _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "CI2" });
        await _s.CreateAsync(_s.Request("Other", ExportScenario.AdminsOnly, "Shared", "Customer"));

        var plan = await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveDatabaseObjects = true }, ExportScenario.Admin, OperationContext.None);
        var result = await _s.Service.RemoveAsync(plan, OperationContext.None);

        Assert.False(result.SqlApplied);
        Assert.Null(plan.SqlEndpoint);
        Assert.Equal(["CI2", "CustomerInsights"], plan.Scripts.Select(s => s.Database).Order(StringComparer.Ordinal));
        // UnifiedActivity left the selection while CustomerInsights was current, so its view is there, not in CI2.
        var current = plan.Scripts.Single(s => s.Database == "CI2");
        Assert.Equal(["DROP VIEW IF EXISTS [dbo].[Customer];"], current.Batches.Where(b => b.Kind == SqlBatchKind.DropView).Select(b => b.Text));
        var former = plan.Scripts.Single(s => s.Database == "CustomerInsights");
        Assert.Equal(
            ["DROP VIEW IF EXISTS [dbo].[Customer];", "DROP VIEW IF EXISTS [dbo].[UnifiedActivity];"],
            former.Batches.Where(b => b.Kind == SqlBatchKind.DropView).Select(b => b.Text));
        Assert.Contains(current.Batches, b => b.Text.Contains("DROP EXTERNAL DATA SOURCE [CISynapseDataLake]", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Scripts.SelectMany(s => s.Batches), b => b.Kind == SqlBatchKind.DropDatabase);
        Assert.Contains("DROP VIEW IF EXISTS [dbo].[UnifiedActivity];", result.SqlText);
        Assert.Equal(["other.json"], _s.ExportFiles());
    }

    [Fact]
    public async Task When_the_drop_script_fails_nothing_is_deleted_and_the_export_stays()
    {
        using var refusing = new RefusingPort();
        var port = refusing.Port;
        var endpoint = SqlEndpoint.Parse($"127.0.0.1,{port}");
        var service = _s.WithEnvironment(new ExportEnvironment
        {
            Reader = new CdmFolderReader(),
            Blobs = _blobs,
            Targets = new FixedTargets(_location, endpoint),
            SqlExecutors = e => new SqlScriptExecutor(e, new AccessTokenCredential(new Dictionary<string, string>()), CloudEnvironment.AzureCloud.SqlAudience, new SqlExecutorOptions { ConnectTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 1 }),
        });
        await _s.CreateAsync(_s.Request("Sales", entities: ["Customer"]));
        await _container.UploadBlobAsync("CustomerInsights/Customer/s1/p.csv", BinaryData.FromString("x"));

        var plan = await service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveLandedData = true, RemoveDatabaseObjects = true }, ExportScenario.Admin, OperationContext.None);
        var ex = await Assert.ThrowsAnyAsync<CISynapseException>(() => service.RemoveAsync(plan, OperationContext.None));

        Assert.True(plan.AppliesSql);
        Assert.Equal(endpoint, plan.SqlEndpoint);
        Assert.Contains(ex.ErrorId, new[] { ErrorIds.SqlConnectionFailed, ErrorIds.AuthenticationFailed });
        Assert.Single(_container.GetBlobs());
        Assert.Equal(["sales.json"], _s.ExportFiles());
    }

    [Fact]
    public async Task A_script_only_export_never_runs_its_drop_script()
    {
        var service = _s.WithEnvironment(new ExportEnvironment
        {
            Reader = new CdmFolderReader(),
            Blobs = _blobs,
            Targets = new FixedTargets(_location, SqlEndpoint.Parse("127.0.0.1,1")),
            SqlExecutors = _ => throw new InvalidOperationException("A ScriptOnly export must not reach SQL."),
        });
        await _s.CreateAsync(_s.Request("Sales", entities: ["Customer"]) with { Deployment = DeploymentMode.ScriptOnly });

        var plan = await service.PlanRemovalAsync(new ExportRemovalRequest("Sales") { RemoveDatabaseObjects = true, DropDatabase = true }, ExportScenario.Admin, OperationContext.None);
        var result = await service.RemoveAsync(plan, OperationContext.None);

        Assert.False(plan.AppliesSql);
        Assert.False(result.SqlApplied);
        Assert.Contains("DROP DATABASE [CustomerInsights];", result.SqlText);
        Assert.Contains(plan.Notes, n => n.Contains("ScriptOnly", StringComparison.Ordinal));
        Assert.Empty(_s.ExportFiles());
    }
}
