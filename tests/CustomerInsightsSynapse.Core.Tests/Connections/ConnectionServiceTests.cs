using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.Store;

namespace CustomerInsightsSynapse.Core.Tests.Connections;

public sealed class ConnectionServiceTests : IDisposable
{
    private static readonly Caller Admin = new("00000000-0000-0000-0000-0000000000a1", "admin@contoso.com");
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ConnectionTargetInput ByNames => new()
    {
        SubscriptionId = FakeArm.SubscriptionId,
        WorkspaceName = FakeArm.Workspace,
        WorkspaceResourceGroupName = FakeArm.ResourceGroup,
        StorageAccountName = FakeArm.StorageAccount,
        Container = FakeArm.Container,
    };

    [Fact]
    public async Task A_valid_connection_is_checked_against_resource_manager_and_stored()
    {
        var arm = FakeArm.WithEverything();
        var service = new ConnectionService(_folder.Open(), new ConnectionValidator(arm.Client()));

        var created = await service.CreateAsync(new NewConnectionRequest("Sales", "Sales lake", ConnectionUsableBy.AdministratorsAndContributors, ByNames), Admin, validate: true, OperationContext.None);

        Assert.Equal(
            [
                $"GET /subscriptions/{FakeArm.SubscriptionId}?api-version=2022-12-01",
                $"GET /subscriptions/{FakeArm.SubscriptionId}/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws?api-version=2021-06-01",
                $"GET /subscriptions/{FakeArm.SubscriptionId}/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cistorage?api-version=2023-01-01",
                $"GET /subscriptions/{FakeArm.SubscriptionId}/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cistorage/blobServices/default/containers/exports?api-version=2023-01-01",
            ],
            arm.Requests);
        var stored = (await service.GetAsync("sales", Admin, default))!.Content;
        Assert.Equal("Sales", stored.Name);
        Assert.Equal("Sales lake", stored.DisplayName);
        Assert.Equal(ConnectionUsableBy.AdministratorsAndContributors, stored.UsableBy);
        Assert.Equal($"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws", stored.WorkspaceResourceId);
        Assert.Equal($"/subscriptions/{FakeArm.SubscriptionId}/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cistorage", stored.StorageAccountResourceId);
        Assert.Equal(Admin.ObjectId, stored.CreatedBy);
        Assert.True(stored.Validated);
        Assert.Equal(1, created.Revision);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "subscription", ErrorIds.SubscriptionNotFound },
        { "disabled", ErrorIds.SubscriptionNotEnabled },
        { "workspace", ErrorIds.WorkspaceNotFound },
        { "storage", ErrorIds.StorageAccountNotFound },
        { "container", ErrorIds.ContainerNotFound },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Each_validation_failure_has_its_own_error_id_and_stores_nothing(string missing, string errorId)
    {
        var arm = FakeArm.WithEverything(missing == "disabled" ? "Disabled" : "Enabled");
        switch (missing)
        {
            case "subscription": arm.Remove($"/subscriptions/{FakeArm.SubscriptionId}"); break;
            case "workspace": arm.Remove("/workspaces/ciws"); break;
            case "storage": arm.Remove("/storageAccounts/cistorage"); break;
            case "container": arm.Remove("/containers/exports"); break;
        }

        var store = _folder.Open();
        var service = new ConnectionService(store, new ConnectionValidator(arm.Client()));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.CreateAsync(new NewConnectionRequest("Sales", null, ConnectionUsableBy.Administrators, ByNames), Admin, true, OperationContext.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty((await store.ListAsync(ConnectionService.Kind, default)).Documents);
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories));
        if (missing == "disabled")
        {
            Assert.Contains("Disabled", ex.Message);
        }
    }

    [Fact]
    public async Task A_principal_without_the_administrator_role_is_refused_before_azure_is_asked()
    {
        var arm = FakeArm.WithEverything();
        var service = new ConnectionService(_folder.Open(), new ConnectionValidator(arm.Client()));
        await service.Roles.EnsureInitializedAsync(Admin, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.CreateAsync(new NewConnectionRequest("x", null, ConnectionUsableBy.Administrators, ByNames), new Caller("00000000-0000-0000-0000-0000000000c1"), true, OperationContext.None));

        Assert.Equal(ErrorIds.RoleRequired, ex.ErrorId);
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public async Task Skipping_validation_makes_no_request_and_records_that_it_was_not_checked()
    {
        var arm = FakeArm.WithEverything();
        var service = new ConnectionService(_folder.Open(), null);

        var created = await service.CreateAsync(new NewConnectionRequest("x", null, ConnectionUsableBy.Administrators, ByNames), Admin, validate: false, OperationContext.None);

        Assert.Empty(arm.Requests);
        Assert.False(created.Content.Validated);
        Assert.Equal("x", created.Content.DisplayName);
    }

    [Fact]
    public async Task A_second_connection_with_the_same_name_in_another_case_is_refused()
    {
        var service = new ConnectionService(_folder.Open(), null);
        await service.CreateAsync(new NewConnectionRequest("Sales", null, ConnectionUsableBy.Administrators, ByNames), Admin, false, OperationContext.None);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.CreateAsync(new NewConnectionRequest("SALES", null, ConnectionUsableBy.Administrators, ByNames), Admin, false, OperationContext.None));

        Assert.Equal(ErrorIds.ConnectionExists, ex.ErrorId);
    }

    [Fact]
    public async Task Set_changes_values_keeps_creation_data_and_refuses_a_stale_revision()
    {
        var service = new ConnectionService(_folder.Open(), null);
        var created = await service.CreateAsync(new NewConnectionRequest("Sales", null, ConnectionUsableBy.Administrators, ByNames), Admin, false, OperationContext.None);

        var updated = await service.UpdateAsync(new ConnectionChange("sales") { DisplayName = "Renamed", UsableBy = ConnectionUsableBy.AdministratorsAndContributors, ExpectedRevision = 1 }, Admin, false, OperationContext.None);
        var stale = await Assert.ThrowsAsync<CISynapseException>(() => service.UpdateAsync(new ConnectionChange("sales") { DisplayName = "Again", ExpectedRevision = 1 }, Admin, false, OperationContext.None));

        Assert.Equal(2, updated.Revision);
        Assert.Equal("Renamed", updated.Content.DisplayName);
        Assert.Equal(ConnectionUsableBy.AdministratorsAndContributors, updated.Content.UsableBy);
        Assert.Equal(created.Content.CreatedOn, updated.Content.CreatedOn);
        Assert.Equal(ErrorIds.StoreConflict, stale.ErrorId);
        Assert.Equal("Renamed", (await service.GetAsync("Sales", Admin, default))!.Content.DisplayName);
    }

    [Fact]
    public async Task Set_with_a_new_container_validates_it_and_changes_nothing_when_it_is_missing()
    {
        var arm = FakeArm.WithEverything();
        var service = new ConnectionService(_folder.Open(), new ConnectionValidator(arm.Client()));
        await service.CreateAsync(new NewConnectionRequest("Sales", null, ConnectionUsableBy.Administrators, ByNames), Admin, true, OperationContext.None);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.UpdateAsync(new ConnectionChange("Sales") { Target = new ConnectionTargetInput { Container = "other" } }, Admin, true, OperationContext.None));
        arm.AddContainer(FakeArm.SubscriptionId, FakeArm.ResourceGroup, FakeArm.StorageAccount, "other");
        var moved = await service.UpdateAsync(new ConnectionChange("Sales") { Target = new ConnectionTargetInput { Container = "other" } }, Admin, true, OperationContext.None);

        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal("other", moved.Content.Container);
        Assert.Equal(2, moved.Revision);
    }

    [Fact]
    public async Task Remove_refuses_while_an_export_document_names_the_connection_unless_forced()
    {
        var store = _folder.Open();
        var service = new ConnectionService(store, null);
        await service.CreateAsync(new NewConnectionRequest("Sales", null, ConnectionUsableBy.Administrators, ByNames), Admin, false, OperationContext.None);
        var exportKind = new DocumentKind<Dictionary<string, string>>(DocumentFolders.Exports, 1);
        await store.CreateAsync(exportKind, "Weekly", new() { [DocumentFolders.ExportConnectionNameProperty] = "SALES", ["database"] = "ci" }, null, default);
        await store.CreateAsync(exportKind, "Other", new() { [DocumentFolders.ExportConnectionNameProperty] = "elsewhere" }, null, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.RemoveAsync("Sales", null, force: false, Admin, default));
        Assert.Equal(ErrorIds.ConnectionInUse, ex.ErrorId);
        Assert.Contains("'Weekly'", ex.Message);
        Assert.DoesNotContain("'Other'", ex.Message);
        Assert.NotNull(await service.GetAsync("Sales", Admin, default));

        var usage = await service.RemoveAsync("Sales", null, force: true, Admin, default);
        Assert.Equal(["Weekly"], usage.Exports);
        Assert.Null(await service.GetAsync("Sales", Admin, default));
    }

    [Fact]
    public async Task Remove_of_an_unknown_connection_says_so()
    {
        var service = new ConnectionService(_folder.Open(), null);
        await service.Roles.EnsureInitializedAsync(Admin, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.RemoveAsync("nope", null, false, Admin, default));

        Assert.Equal(ErrorIds.ConnectionNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
    }
}
