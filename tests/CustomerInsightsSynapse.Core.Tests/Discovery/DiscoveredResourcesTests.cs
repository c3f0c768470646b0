using System.Text.Json;
using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Core.Tests.Discovery;

public sealed class DiscoveredResourcesTests
{
    private const string WorkspaceId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws";
    private const string LakeId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/cilake";

    [Fact]
    public void A_workspace_without_a_lake_resource_id_names_its_account_from_the_dfs_url()
    {
        var workspace = Parse(DiscoveredWorkspace.From, $$"""
            { "id": "{{WorkspaceId}}", "name": "ciws", "location": "westeurope",
              "identity": { "type": "SystemAssigned", "principalId": "99999999-0000-0000-0000-000000000001" },
              "properties": { "defaultDataLakeStorage": { "accountUrl": "https://cilake.dfs.core.windows.net", "filesystem": "ci" } } }
            """)!;

        Assert.Equal(("11111111-2222-3333-4444-555555555555", "rg-ci", "ciws"), (workspace.SubscriptionId, workspace.ResourceGroupName, workspace.Name));
        Assert.Equal(("cilake", null, "ci"), (workspace.DefaultDataLakeStorageAccountName, workspace.DefaultDataLakeStorageAccountResourceId, workspace.DefaultDataLakeStorageFilesystem));
        Assert.Equal("99999999-0000-0000-0000-000000000001", workspace.ManagedIdentityPrincipalId);
        Assert.True(workspace.HasDefaultDataLake(LakeId, "CILAKE"));
        Assert.False(workspace.HasDefaultDataLake(LakeId.Replace("cilake", "other"), "other"));
    }

    [Fact]
    public void A_lake_resource_id_decides_which_account_is_the_default()
    {
        var workspace = Parse(DiscoveredWorkspace.From, $$"""
            { "id": "{{WorkspaceId}}", "name": "ciws",
              "properties": { "defaultDataLakeStorage": { "accountUrl": "https://127.0.0.1:10000/cilake", "filesystem": "ci", "resourceId": "{{LakeId}}" } } }
            """)!;

        Assert.Equal("cilake", workspace.DefaultDataLakeStorageAccountName);
        Assert.True(workspace.HasDefaultDataLake(LakeId.ToUpperInvariant(), "whatever"));
        Assert.False(workspace.HasDefaultDataLake(LakeId.Replace("rg-data", "rg-other"), "cilake"));
    }

    [Fact]
    public void Items_without_a_usable_id_are_left_out()
    {
        Assert.Null(Parse(DiscoveredWorkspace.From, """{ "name": "ciws" }"""));
        Assert.Null(Parse(DiscoveredStorageAccount.From, """{ "id": "/subscriptions/x", "name": "cilake" }"""));
        Assert.Null(Parse(DiscoveredSubscription.From, """{ "displayName": "no id" }"""));
    }

    [Fact]
    public void A_storage_account_reads_hierarchical_namespace()
    {
        var account = Parse(DiscoveredStorageAccount.From, $$"""{ "id": "{{LakeId}}", "name": "cilake", "kind": "StorageV2", "properties": { "isHnsEnabled": true } }""")!;
        Assert.Equal(("rg-data", "cilake", true), (account.ResourceGroupName, account.Name, account.IsHnsEnabled));
        Assert.Null(Parse(DiscoveredStorageAccount.From, $$"""{ "id": "{{LakeId}}", "properties": {} }""")!.IsHnsEnabled);
    }

    private static T? Parse<T>(Func<JsonElement, T?> read, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return read(doc.RootElement);
    }
}
