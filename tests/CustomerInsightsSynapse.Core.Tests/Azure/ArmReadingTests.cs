using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Tests.Connections;
using CustomerInsightsSynapse.Core.Tests.Export;

namespace CustomerInsightsSynapse.Core.Tests.Azure;

public sealed class ArmReadingTests
{
    private const string StorageId = $"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/{FakeArm.ResourceGroup}/providers/Microsoft.Storage/storageAccounts/{FakeArm.StorageAccount}";
    private const string WorkspaceId = $"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/{FakeArm.ResourceGroup}/providers/Microsoft.Synapse/workspaces/{FakeArm.Workspace}";

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void The_tolerant_reader_ignores_case_and_reads_mistyped_values_as_absent()
    {
        var e = Parse("""{ "Properties": { "ISHNSENABLED": "true", "count": "7", "list": ["a", 1, "b"], "exp": 12 }, "name": 5 }""");

        var properties = TolerantJson.Object(e, "properties");
        Assert.True(TolerantJson.Bool(properties, "isHnsEnabled"));
        Assert.Null(TolerantJson.String(e, "name"));
        Assert.Null(TolerantJson.Int64(properties, "count"));
        Assert.Equal(12, TolerantJson.Int64(properties, "exp"));
        Assert.Equal(["a", "b"], TolerantJson.Strings(properties, "list"));
        Assert.Empty(TolerantJson.Array(e, "missing"));
        Assert.Equal(JsonValueKind.Undefined, TolerantJson.At(e, "properties", "missing", "deeper").ValueKind);
        Assert.Null(TolerantJson.String(Parse("[1]"), "name"));
    }

    [Fact]
    public void An_exact_case_property_wins_over_one_that_differs_in_case()
    {
        var e = Parse("""{ "State": "Disabled", "state": "Enabled" }""");
        Assert.Equal("Enabled", TolerantJson.String(e, "state"));
    }

    [Fact]
    public void Paths_carry_their_api_version_and_escape_filters()
    {
        Assert.Equal($"{StorageId.TrimStart('/')}?api-version={ApiVersions.Storage}", ArmPaths.StorageAccount(StorageId + "/"));
        Assert.Equal($"subscriptions/{FakeArm.SubscriptionId}?api-version={ApiVersions.Subscriptions}", ArmPaths.Subscription(FakeArm.SubscriptionId));
        Assert.Equal(
            $"subscriptions/s/resourceGroups/rg/providers/Microsoft.Synapse/workspaces?api-version={ApiVersions.Synapse}",
            ArmPaths.Workspaces("s", "rg"));
        Assert.Equal(
            $"subscriptions/s/providers/Microsoft.Storage/storageAccounts?api-version={ApiVersions.Storage}",
            ArmPaths.StorageAccounts("s", null));
        Assert.Equal(
            $"subscriptions/s/providers/Microsoft.Authorization/roleAssignments?api-version={ApiVersions.Authorization}&$filter=atScope%28%29%20and%20assignedTo%28%27id%27%29",
            ArmPaths.RoleAssignments("/subscriptions/s", "atScope() and assignedTo('id')"));
        Assert.Equal($"{WorkspaceId.TrimStart('/')}/firewallRules?api-version={ApiVersions.Synapse}", ArmPaths.FirewallRules(WorkspaceId));
    }

    [Fact]
    public void A_storage_account_reads_into_its_record()
    {
        var account = StorageAccountResource.FromJson(Parse($$"""
            { "id": "{{StorageId}}", "name": "cistorage", "kind": "StorageV2",
              "properties": { "isHnsEnabled": true, "publicNetworkAccess": "Disabled",
                "primaryEndpoints": { "blob": "https://cistorage.blob.core.windows.net/" },
                "networkAcls": { "defaultAction": "Deny", "resourceAccessRules": [ { "tenantId": "t", "resourceId": "{{WorkspaceId}}" }, { "tenantId": "t" } ] } } }
            """));

        Assert.Equal(StorageId, account.ResourceId);
        Assert.True(account.IsHnsEnabled);
        Assert.Equal("https://cistorage.blob.core.windows.net/", account.BlobEndpoint);
        Assert.True(account.PublicNetworkAccessDisabled);
        Assert.False(account.NetworkRules.AllowsByDefault);
        Assert.Equal([WorkspaceId], account.NetworkRules.ResourceAccessRuleIds);
        Assert.True(StorageAccountResource.FromJson(Parse("{}")).NetworkRules.AllowsByDefault);
    }

    [Fact]
    public void A_workspace_reads_into_its_record()
    {
        var workspace = WorkspaceResource.FromJson(Parse($$"""
            { "id": "{{WorkspaceId}}", "location": "westeurope", "identity": { "principalId": "mi" },
              "properties": { "connectivityEndpoints": { "dev": "https://ciws.dev.azuresynapse.net", "sqlOnDemand": "ciws-ondemand.sql.azuresynapse.net" },
                "defaultDataLakeStorage": { "resourceId": "", "accountUrl": "https://cistorage.dfs.core.windows.net", "filesystem": "fs" } } }
            """));

        Assert.Equal("mi", workspace.ManagedIdentityPrincipalId);
        Assert.Equal(new Uri("https://ciws.dev.azuresynapse.net"), workspace.DevEndpointUri);
        Assert.Equal("ciws-ondemand.sql.azuresynapse.net", workspace.SqlOnDemandEndpoint);
        Assert.Null(workspace.DefaultDataLake.ResourceId);
        Assert.Equal("cistorage", workspace.DefaultDataLake.AccountName);
        Assert.True(workspace.DefaultDataLake.Is(StorageId, "cistorage"));
        Assert.False(workspace.DefaultDataLake.Is(StorageId.Replace("cistorage", "other"), "other"));
    }

    [Fact]
    public async Task One_reader_fetches_each_resource_once_and_export_targets_share_it()
    {
        var arm = FakeArm.WithEverything();
        var reader = new ArmResourceReader(arm.Client());
        var targets = new ArmExportTargets(reader);
        var connection = ArmExportTargetsTests.Connection;

        var first = await reader.StorageAccountAsync(StorageId, default);
        await targets.LakeContainerAsync(connection, default);
        await targets.SqlEndpointAsync(connection, default);
        await targets.SqlEndpointAsync(connection, default);

        Assert.True(first.IsHnsEnabled);
        Assert.Equal(1, arm.Requests.Count(r => r.Contains("/storageAccounts/", StringComparison.Ordinal)));
        Assert.Equal(1, arm.Requests.Count(r => r.Contains("/workspaces/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_resource_is_null_through_OrNull_and_a_404_otherwise()
    {
        var arm = FakeArm.WithEverything();
        arm.Remove("/workspaces/ciws");
        var reader = new ArmResourceReader(arm.Client());

        Assert.Null(await reader.WorkspaceOrNullAsync(WorkspaceId, default));
        var ex = await Assert.ThrowsAsync<AzureRequestException>(() => reader.WorkspaceAsync(WorkspaceId, default));
        Assert.Equal(404, ex.Status);
    }
}
