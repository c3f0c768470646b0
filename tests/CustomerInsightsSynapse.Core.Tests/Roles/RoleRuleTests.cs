using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Tests.Connections;
using CustomerInsightsSynapse.Core.Tests.Store;

namespace CustomerInsightsSynapse.Core.Tests.Roles;

public sealed class RoleRuleTests : IDisposable
{
    private static readonly Caller Admin = new("00000000-0000-0000-0000-0000000000a1");
    private static readonly Caller Contributor = new("00000000-0000-0000-0000-0000000000c1");
    private static readonly Caller Viewer = new("00000000-0000-0000-0000-0000000000b1");
    private static readonly Caller Stranger = new("00000000-0000-0000-0000-0000000000d1");
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static NewConnectionRequest Request(string name, ConnectionUsableBy usableBy) => new(name, null, usableBy, new ConnectionTargetInput
    {
        SubscriptionId = FakeArm.SubscriptionId,
        WorkspaceName = FakeArm.Workspace,
        WorkspaceResourceGroupName = FakeArm.ResourceGroup,
        StorageAccountName = FakeArm.StorageAccount,
        Container = FakeArm.Container,
    });

    private async Task<ConnectionService> SeededAsync()
    {
        var service = new ConnectionService(_folder.Open(), null);
        await service.CreateAsync(Request("AdminsOnly", ConnectionUsableBy.Administrators), Admin, false, OperationContext.None);
        await service.CreateAsync(Request("Shared", ConnectionUsableBy.AdministratorsAndContributors), Admin, false, OperationContext.None);
        await service.Roles.GrantAsync(Admin, Contributor.ObjectId, CIRole.Contributor, "contributor", default);
        await service.Roles.GrantAsync(Admin, Viewer.ObjectId, CIRole.Viewer, null, default);
        return service;
    }

    [Fact]
    public async Task Whoever_creates_the_store_is_its_first_administrator()
    {
        var service = new ConnectionService(_folder.Open(), null);
        Assert.Empty(await service.Roles.ListAsync(default));

        await service.CreateAsync(Request("x", ConnectionUsableBy.Administrators), Admin, false, OperationContext.None);

        var only = Assert.Single(await service.Roles.ListAsync(default));
        Assert.Equal(Admin.ObjectId, only.PrincipalId);
        Assert.Equal(CIRole.Administrator, only.Role);
        Assert.False(await service.Roles.EnsureInitializedAsync(Stranger, default));
        Assert.Null(await service.Roles.RoleOfAsync(Stranger.ObjectId, default));
    }

    [Theory]
    [InlineData("contributor")]
    [InlineData("viewer")]
    [InlineData("stranger")]
    public async Task Only_administrators_create_change_or_remove_connections(string who)
    {
        var service = await SeededAsync();
        var caller = who switch { "contributor" => Contributor, "viewer" => Viewer, _ => Stranger };

        var create = await Assert.ThrowsAsync<CISynapseException>(() => service.CreateAsync(Request("new", ConnectionUsableBy.Administrators), caller, false, OperationContext.None));
        var change = await Assert.ThrowsAsync<CISynapseException>(() => service.UpdateAsync(new ConnectionChange("Shared") { DisplayName = "x" }, caller, false, OperationContext.None));
        var remove = await Assert.ThrowsAsync<CISynapseException>(() => service.RemoveAsync("Shared", null, true, caller, default));

        foreach (var ex in new[] { create, change, remove })
        {
            Assert.Equal(ErrorIds.RoleRequired, ex.ErrorId);
            Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
            Assert.Contains("Administrator", ex.Message);
        }

        Assert.Equal(["AdminsOnly", "Shared"], (await service.ListAsync(Admin, default)).Documents.Select(d => d.Name));
        Assert.Equal("Shared", (await service.GetAsync("Shared", Admin, default))!.Content.DisplayName);
    }

    [Fact]
    public async Task Creating_an_export_needs_administrator_or_contributor_on_a_connection_usable_by_contributors()
    {
        var service = await SeededAsync();
        var adminsOnly = (await service.GetAsync("AdminsOnly", Admin, default))!.Content;
        var shared = (await service.GetAsync("Shared", Admin, default))!.Content;
        CIRole? RoleOf(Caller c) => service.Roles.RoleOfAsync(c.ObjectId, default).GetAwaiter().GetResult();

        var assignments = await service.Roles.ListAsync(default);
        Authorization.DemandExport(RoleOf(Admin), Admin, adminsOnly, "create exports");
        Authorization.DemandExport(RoleOf(Admin), Admin, shared, "create exports");
        Authorization.DemandExport(RoleOf(Contributor), Contributor, shared, "run the export 'nightly'");
        var contributorOnAdminsOnly = Assert.Throws<CISynapseException>(() => Authorization.DemandExport(RoleOf(Contributor), Contributor, adminsOnly, "change the export 'nightly'", assignments));
        var viewerOnShared = Assert.Throws<CISynapseException>(() => Authorization.DemandExport(RoleOf(Viewer), Viewer, shared, "run the export 'nightly'", assignments));
        var strangerOnShared = Assert.Throws<CISynapseException>(() => Authorization.DemandExport(RoleOf(Stranger), Stranger, shared, "create exports"));

        Assert.Equal(ErrorIds.RoleRequired, contributorOnAdminsOnly.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, contributorOnAdminsOnly.Kind);
        Assert.Contains("Administrator role", contributorOnAdminsOnly.Message);
        Assert.Contains("to change the export 'nightly' on the connection 'AdminsOnly'", contributorOnAdminsOnly.Message);
        Assert.Contains("Contributor role", viewerOnShared.Message);
        Assert.Contains("to run the export 'nightly'", viewerOnShared.Message);
        Assert.DoesNotContain("create exports", viewerOnShared.Message);
        var administrator = Assert.Single(assignments, a => a.Role == CIRole.Administrator);
        Assert.Contains($"Only the store's Administrator {(administrator.DisplayName is null ? administrator.PrincipalId : $"{administrator.DisplayName} ({administrator.PrincipalId})")} can grant it.", viewerOnShared.Message);
        Assert.Contains($"Grant-CISynapseRole -PrincipalId {Viewer.ObjectId} -Role Contributor", viewerOnShared.RecommendedAction);
        Assert.Contains("Only the store's Administrators can grant it.", strangerOnShared.Message);
        Assert.Contains("no role", strangerOnShared.Message);
    }

    [Fact]
    public async Task Administrators_only_connections_are_listed_for_Administrators_and_for_others_only_when_all_are_asked_for()
    {
        var service = await SeededAsync();
        static IEnumerable<string> Names(CustomerInsightsSynapse.Core.Store.DocumentListing<ConnectionDefinition> listing) => listing.Documents.Select(d => d.Name);

        Assert.Equal(["AdminsOnly", "Shared"], Names(await service.ListUsableAsync(Admin, false, default)));
        Assert.Equal(["Shared"], Names(await service.ListUsableAsync(Contributor, false, default)));
        Assert.Equal(["Shared"], Names(await service.ListUsableAsync(Viewer, false, default)));
        Assert.Equal(["AdminsOnly", "Shared"], Names(await service.ListUsableAsync(Contributor, true, default)));
        Assert.Equal(ErrorIds.RoleRequired, (await Assert.ThrowsAsync<CISynapseException>(() => service.ListUsableAsync(Stranger, true, default))).ErrorId);
    }

    [Fact]
    public async Task Any_role_reads_connections_and_a_principal_without_one_cannot()
    {
        var service = await SeededAsync();

        Assert.Equal(2, (await service.ListAsync(Viewer, default)).Documents.Count);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.ListAsync(Stranger, default));

        Assert.Equal(ErrorIds.RoleRequired, ex.ErrorId);
    }

    [Fact]
    public async Task Only_administrators_grant_and_the_last_administrator_cannot_be_removed_or_demoted()
    {
        var service = await SeededAsync();

        var byContributor = await Assert.ThrowsAsync<CISynapseException>(() => service.Roles.GrantAsync(Contributor, Stranger.ObjectId, CIRole.Administrator, null, default));
        var revokeLast = await Assert.ThrowsAsync<CISynapseException>(() => service.Roles.RevokeAsync(Admin, Admin.ObjectId, null, default));
        var demoteLast = await Assert.ThrowsAsync<CISynapseException>(() => service.Roles.GrantAsync(Admin, Admin.ObjectId, CIRole.Viewer, null, default));

        Assert.Equal(ErrorIds.RoleRequired, byContributor.ErrorId);
        Assert.Equal(ErrorIds.LastAdministrator, revokeLast.ErrorId);
        Assert.Equal(ErrorIds.LastAdministrator, demoteLast.ErrorId);
        Assert.Equal(CIRole.Administrator, await service.Roles.RoleOfAsync(Admin.ObjectId, default));

        await service.Roles.GrantAsync(Admin, Contributor.ObjectId, CIRole.Administrator, null, default);
        await service.Roles.RevokeAsync(Contributor, Admin.ObjectId, CIRole.Administrator, default);
        Assert.Null(await service.Roles.RoleOfAsync(Admin.ObjectId, default));
        var again = await Assert.ThrowsAsync<CISynapseException>(() => service.Roles.RevokeAsync(Contributor, Admin.ObjectId, null, default));
        Assert.Equal(ErrorIds.RoleAssignmentNotFound, again.ErrorId);
    }

    [Fact]
    public async Task Concurrent_grants_from_separate_store_instances_all_land()
    {
        await new ConnectionService(_folder.Open(), null).Roles.EnsureInitializedAsync(Admin, default);
        var principals = Enumerable.Range(1, 12).Select(i => $"00000000-0000-0000-0000-{i:D12}").ToArray();

        await Task.WhenAll(principals.Select(p => Task.Run(() => new RoleService(_folder.Open(TimeSpan.FromMinutes(1))).GrantAsync(Admin, p, CIRole.Viewer, null, default))));

        var all = await new RoleService(_folder.Open()).ListAsync(default);
        Assert.Equal(principals.Length + 1, all.Count);
        Assert.All(principals, p => Assert.Contains(all, a => a.PrincipalId == p && a.Role == CIRole.Viewer));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public async Task Principals_are_object_ids(string principal)
    {
        var service = await SeededAsync();

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => service.Roles.GrantAsync(Admin, principal, CIRole.Viewer, null, default));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }
}
