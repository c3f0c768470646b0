using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Tests.Connections;

public sealed class ConnectionTargetTests
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private const string WorkspaceId = $"/subscriptions/{Sub}/resourceGroups/rg-ws/providers/Microsoft.Synapse/workspaces/ciws";
    private const string StorageId = $"/subscriptions/{Sub}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/cistorage";

    [Fact]
    public void Resource_ids_give_subscription_groups_and_names()
    {
        var target = ConnectionTarget.Resolve(new ConnectionTargetInput { WorkspaceResourceId = WorkspaceId, StorageAccountResourceId = StorageId, Container = "exports" });

        Assert.Equal(Sub, target.SubscriptionId);
        Assert.Equal("rg-ws", target.WorkspaceResourceGroupName);
        Assert.Equal("ciws", target.WorkspaceName);
        Assert.Equal("rg-data", target.StorageAccountResourceGroupName);
        Assert.Equal("cistorage", target.StorageAccountName);
        Assert.Equal(WorkspaceId, target.WorkspaceResourceId);
        Assert.Equal(StorageId, target.StorageAccountResourceId);
    }

    [Fact]
    public void Names_and_resource_groups_work_and_storage_defaults_to_the_workspace_group()
    {
        var target = ConnectionTarget.Resolve(new ConnectionTargetInput { SubscriptionId = Sub, WorkspaceName = "ciws", WorkspaceResourceGroupName = "rg-ws", StorageAccountName = "cistorage", Container = "exports" });

        Assert.Equal("rg-ws", target.StorageAccountResourceGroupName);
    }

    [Fact]
    public void Names_that_agree_with_the_resource_id_are_accepted_in_any_case()
    {
        var target = ConnectionTarget.Resolve(new ConnectionTargetInput { WorkspaceResourceId = WorkspaceId, WorkspaceName = "CIWS", WorkspaceResourceGroupName = "RG-WS", StorageAccountName = "cistorage", Container = "exports" });

        Assert.Equal("ciws", target.WorkspaceName);
    }

    [Theory]
    [InlineData("other", null, ErrorIds.ConnectionTargetMismatch)]
    [InlineData(null, StorageId, ErrorIds.InvalidResourceId)]
    [InlineData(null, "not-an-id", ErrorIds.InvalidResourceId)]
    public void Disagreeing_or_wrong_values_are_specific_errors(string? workspaceName, string? workspaceId, string errorId)
    {
        var ex = Assert.Throws<CISynapseException>(() => ConnectionTarget.Resolve(new ConnectionTargetInput
        {
            WorkspaceResourceId = workspaceId ?? WorkspaceId,
            WorkspaceName = workspaceName,
            StorageAccountName = "cistorage",
            Container = "exports",
        }));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData(null, "cistorage", "exports", ErrorIds.ConnectionTargetIncomplete)]
    [InlineData("ciws", null, "exports", ErrorIds.ConnectionTargetIncomplete)]
    [InlineData("ciws", "cistorage", null, ErrorIds.ConnectionTargetIncomplete)]
    [InlineData("ciws", "CI_Storage", "exports", ErrorIds.InvalidResourceName)]
    [InlineData("ciws", "cistorage", "Bad--Name", ErrorIds.InvalidResourceName)]
    [InlineData("ci ws", "cistorage", "exports", ErrorIds.InvalidResourceName)]
    public void Missing_or_malformed_parts_are_specific_errors(string? workspace, string? storage, string? container, string errorId)
    {
        var ex = Assert.Throws<CISynapseException>(() => ConnectionTarget.Resolve(new ConnectionTargetInput
        {
            SubscriptionId = Sub,
            WorkspaceName = workspace,
            WorkspaceResourceGroupName = "rg",
            StorageAccountName = storage,
            Container = container,
        }));

        Assert.Equal(errorId, ex.ErrorId);
    }
}
