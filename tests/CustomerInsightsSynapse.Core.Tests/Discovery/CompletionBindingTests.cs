using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Core.Tests.Discovery;

public sealed class CompletionBindingTests
{
    private static readonly ConnectionDefinition Stored = new()
    {
        Name = "Sales",
        DisplayName = "Sales",
        SubscriptionId = "11111111-2222-3333-4444-555555555555",
        WorkspaceResourceId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws",
        WorkspaceName = "ciws",
        WorkspaceResourceGroupName = "rg-ci",
        StorageAccountResourceId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cilake",
        StorageAccountName = "cilake",
        StorageAccountResourceGroupName = "rg-ci",
        Container = "exports",
        CreatedBy = "someone",
        CreatedOn = DateTimeOffset.UnixEpoch,
        ModifiedOn = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Nothing_on_the_command_line_takes_the_stored_workspace_and_storage()
    {
        var bound = new CompletionBinding().OrStored(Stored);
        Assert.Equal((Stored.SubscriptionId, Stored.WorkspaceResourceId, Stored.StorageAccountResourceId), (bound.SubscriptionId, bound.WorkspaceResourceId, bound.StorageAccountResourceId));
    }

    [Fact]
    public void A_workspace_or_storage_account_on_the_command_line_replaces_the_stored_one_only()
    {
        var newWorkspace = new CompletionBinding { WorkspaceName = "other" }.OrStored(Stored);
        Assert.Equal(("other", null, Stored.StorageAccountResourceId), (newWorkspace.WorkspaceName, newWorkspace.WorkspaceResourceId, newWorkspace.StorageAccountResourceId));

        var newStorage = new CompletionBinding { StorageAccountName = "otherlake", SubscriptionId = "99999999-0000-0000-0000-000000000000" }.OrStored(Stored);
        Assert.Equal(("otherlake", null, Stored.WorkspaceResourceId), (newStorage.StorageAccountName, newStorage.StorageAccountResourceId, newStorage.WorkspaceResourceId));
        Assert.Equal("99999999-0000-0000-0000-000000000000", newStorage.SubscriptionId);
    }
}
