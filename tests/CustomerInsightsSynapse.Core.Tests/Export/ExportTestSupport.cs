using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.Store;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public DateTimeOffset Advance(TimeSpan by) => Now += by;
}

/// <summary>Targets that point at a given container and name a given SQL endpoint, without Resource Manager.</summary>
public sealed class FixedTargets(BlobLocation container, SqlEndpoint? endpoint = null) : IExportTargets
{
    public Task<BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken) => Task.FromResult(container);

    public Task<SqlEndpoint?> SqlEndpointAsync(ConnectionDefinition connection, CancellationToken cancellationToken) => Task.FromResult(endpoint);
}

/// <summary>
/// A definition store in a temp folder with an Administrator, a Contributor and a Viewer, two connections (one
/// usable by Administrators only, one by Administrators and Contributors), and a local CDM folder (model.json with
/// CSV partitions) whose entities are <see cref="SourceEntities"/>.
/// </summary>
public sealed class ExportScenario : IDisposable
{
    public static readonly Caller Admin = new("00000000-0000-0000-0000-0000000000a1", "admin@contoso.com");
    public static readonly Caller Contributor = new("00000000-0000-0000-0000-0000000000c1", "contributor@contoso.com");
    public static readonly Caller Viewer = new("00000000-0000-0000-0000-0000000000b1", "viewer@contoso.com");
    public static readonly Caller Stranger = new("00000000-0000-0000-0000-0000000000d1", "stranger@contoso.com");

    public const string AdminsOnly = "AdminsOnly";
    public const string Everyone = "Everyone";

    public static readonly string[] SourceEntities = ["Customer", "UnifiedActivity", "Segment_HighValue", "Segment_Churn", "Contact"];

    private readonly TempStoreFolder _folder = new();

    public ExportScenario(ExportEnvironment? environment = null, string container = "exports")
    {
        Clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Store = _folder.Open();
        Source = Directory.CreateTempSubdirectory("cisynapse-export-cdm-").FullName;
        WriteCdmFolder(Source, SourceEntities);
        Environment = environment ?? new ExportEnvironment { Reader = new CdmFolderReader() };
        Service = new ExportService(Store, Environment, Clock);
        var roles = new RoleService(Store, Clock);
        roles.EnsureInitializedAsync(Admin, default).GetAwaiter().GetResult();
        roles.GrantAsync(Admin, Contributor.ObjectId, CIRole.Contributor, null, default).GetAwaiter().GetResult();
        roles.GrantAsync(Admin, Viewer.ObjectId, CIRole.Viewer, null, default).GetAwaiter().GetResult();
        AddConnection(AdminsOnly, ConnectionUsableBy.Administrators, container);
        AddConnection(Everyone, ConnectionUsableBy.AdministratorsAndContributors, container);
    }

    public ManualClock Clock { get; }

    public DefinitionStore Store { get; }

    public string Source { get; }

    public string StorePath => _folder.Path;

    public ExportEnvironment Environment { get; }

    public ExportService Service { get; }

    public ExportService WithEnvironment(ExportEnvironment environment) => new(Store, environment, Clock);

    public void AddConnection(string name, ConnectionUsableBy usableBy, string container, string account = "cistorage", string workspace = "ciws")
    {
        var connection = new ConnectionDefinition
        {
            Name = name,
            DisplayName = name,
            UsableBy = usableBy,
            SubscriptionId = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2",
            WorkspaceResourceId = $"/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/{workspace}",
            WorkspaceName = workspace,
            WorkspaceResourceGroupName = "rg-ci",
            StorageAccountResourceId = $"/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/{account}",
            StorageAccountName = account,
            StorageAccountResourceGroupName = "rg-ci",
            Container = container,
            CreatedBy = Admin.ObjectId,
            CreatedOn = Clock.Now,
            ModifiedOn = Clock.Now,
        };
        Store.CreateAsync(ConnectionService.Kind, name, connection, Admin.ObjectId, default).GetAwaiter().GetResult();
    }

    public NewExportRequest Request(string name = "Sales", string connection = Everyone, string database = "CustomerInsights", params string[] entities) =>
        new(name, name + " export", connection, Source, database, entities.Length == 0 ? ["Customer", "UnifiedActivity"] : entities);

    public Task<StoredDocument<ExportDefinition>> CreateAsync(NewExportRequest request, Caller? caller = null) =>
        Service.CreateAsync(request, caller ?? Admin, OperationContext.None);

    /// <summary>Stores an export as it is, without the service's rules (as an older version or a retargeted connection may have left it).</summary>
    public async Task StoreDirectlyAsync(ExportDefinition export) =>
        await Store.CreateAsync(ExportService.Kind, export.Name, export, Admin.ObjectId, default);

    public Task<StoredDocument<ExportDefinition>> UpdateAsync(ExportChange change, Caller? caller = null) =>
        Service.UpdateAsync(change, caller ?? Admin, OperationContext.None);

    public async Task<ExportDefinition> StoredAsync(string name) =>
        (await Store.GetAsync(ExportService.Kind, name, default))?.Content ?? throw new Xunit.Sdk.XunitException($"The export '{name}' is not stored.");

    public string[] ExportFiles() =>
        Directory.Exists(Path.Combine(StorePath, DocumentFolders.Exports))
            ? Directory.GetFiles(Path.Combine(StorePath, DocumentFolders.Exports), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    public static void WriteCdmFolder(string folder, IEnumerable<string> entities)
    {
        var json = new System.Text.Json.Nodes.JsonArray();
        foreach (var entity in entities)
        {
            Directory.CreateDirectory(Path.Combine(folder, entity));
            File.WriteAllText(Path.Combine(folder, entity, "part-1.csv"), "1,a\n2,b\n");
            json.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["$type"] = "LocalEntity",
                ["name"] = entity,
                ["attributes"] = new System.Text.Json.Nodes.JsonArray(
                    new System.Text.Json.Nodes.JsonObject { ["name"] = "Id", ["dataType"] = "int64" },
                    new System.Text.Json.Nodes.JsonObject { ["name"] = "Name", ["dataType"] = "string" }),
                ["partitions"] = new System.Text.Json.Nodes.JsonArray(
                    new System.Text.Json.Nodes.JsonObject { ["name"] = "part-1", ["location"] = $"{entity}/part-1.csv" }),
            });
        }

        var model = new System.Text.Json.Nodes.JsonObject { ["name"] = "ci", ["version"] = "1.0", ["entities"] = json };
        File.WriteAllText(Path.Combine(folder, "model.json"), model.ToJsonString());
    }

    public void Dispose()
    {
        _folder.Dispose();
        try
        {
            Directory.Delete(Source, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
