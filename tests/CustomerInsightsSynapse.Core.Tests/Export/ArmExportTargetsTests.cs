using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Tests.Connections;

namespace CustomerInsightsSynapse.Core.Tests.Export;

public sealed class ArmExportTargetsTests
{
    internal static readonly ConnectionDefinition Connection = new()
    {
        Name = "Sales",
        DisplayName = "Sales",
        SubscriptionId = FakeArm.SubscriptionId,
        WorkspaceResourceId = $"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/{FakeArm.ResourceGroup}/providers/Microsoft.Synapse/workspaces/{FakeArm.Workspace}",
        WorkspaceName = FakeArm.Workspace,
        WorkspaceResourceGroupName = FakeArm.ResourceGroup,
        StorageAccountResourceId = $"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/{FakeArm.ResourceGroup}/providers/Microsoft.Storage/storageAccounts/{FakeArm.StorageAccount}",
        StorageAccountName = FakeArm.StorageAccount,
        StorageAccountResourceGroupName = FakeArm.ResourceGroup,
        Container = FakeArm.Container,
        CreatedBy = "x",
        CreatedOn = DateTimeOffset.UnixEpoch,
        ModifiedOn = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task The_container_comes_from_the_storage_accounts_blob_endpoint_and_sql_from_the_workspace()
    {
        var targets = new ArmExportTargets(FakeArm.WithEverything().Client());

        var container = await targets.LakeContainerAsync(Connection, default);
        var sql = await targets.SqlEndpointAsync(Connection, default);

        Assert.Equal("https://cistorage.blob.core.windows.net/exports/", container.ToUri().AbsoluteUri);
        Assert.Equal("tcp:ciws-ondemand.sql.azuresynapse.net,1433", sql!.DataSource);
    }

    [Fact]
    public async Task A_missing_storage_account_is_reported_and_a_missing_workspace_gives_no_endpoint()
    {
        var arm = FakeArm.WithEverything();
        arm.Remove("/storageAccounts/cistorage");
        arm.Remove("/workspaces/ciws");
        var targets = new ArmExportTargets(arm.Client());

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => targets.LakeContainerAsync(Connection, default));

        Assert.Equal(ErrorIds.LakeContainerUnknown, ex.ErrorId);
        Assert.Null(await targets.SqlEndpointAsync(Connection, default));
    }
}
