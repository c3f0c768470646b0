using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class EffectiveAccessTests
{
    private const string Container = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c";
    private const string Account = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a";

    private static readonly RoleDefinition BlobContributor = new(
        "/providers/Microsoft.Authorization/roleDefinitions/" + WellKnownRoles.StorageBlobDataContributor,
        WellKnownRoles.StorageBlobDataContributor,
        "Storage Blob Data Contributor",
        false,
        [new RbacPermission(
            ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
            [],
            [
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
            ],
            [])]);

    private static readonly RoleDefinition Owner = new("x", WellKnownRoles.Owner, "Owner", false, [new RbacPermission(["*"], [], [], [])]);
    private static readonly RoleDefinition Reader = new("x", WellKnownRoles.Reader, "Reader", false, [new RbacPermission(["*/read"], [], [], [])]);

    private static RoleAssignment Assign(string roleGuid, string scope = Account, string? condition = null) =>
        new("id-" + roleGuid, scope, "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/" + roleGuid, "p", "User", condition);

    private static Dictionary<string, RoleDefinition> Defs(params RoleDefinition[] definitions) => definitions.ToDictionary(d => d.RoleGuid);

    [Theory]
    [InlineData("Microsoft.Storage/*/blobs/*", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true)]
    [InlineData("*/read", "Microsoft.Synapse/workspaces/read", true)]
    [InlineData("*/read", "Microsoft.Synapse/workspaces/write", false)]
    [InlineData("microsoft.storage/storageaccounts/blobservices/containers/blobs/READ", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true)]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/readx", false)]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("Microsoft.Network/*/read", "Microsoft.Network/virtualNetworks/subnets/read", true)]
    [InlineData("a*b*c", "aXXbYYbZZc", true)]
    [InlineData("a*b*c", "aXXbYYbZZ", false)]
    public void Action_patterns_match_like_azure(string pattern, string action, bool expected) =>
        Assert.Equal(expected, ActionPattern.Matches(pattern, action));

    [Fact]
    public void Storage_blob_data_contributor_grants_every_blob_data_action()
    {
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true, [Assign(WellKnownRoles.StorageBlobDataContributor)], Defs(BlobContributor), []);
        Assert.Equal(AccessDecision.Granted, result.Decision);
        Assert.Contains("Storage Blob Data Contributor", result.Reason);
    }

    [Fact]
    public void Owner_gives_no_data_access()
    {
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true, [Assign(WellKnownRoles.Owner)], Defs(Owner), []);
        Assert.Equal(AccessDecision.NotGranted, result.Decision);
        Assert.Equal(5, result.MissingActions.Count);
    }

    [Fact]
    public void A_custom_role_with_wildcard_data_actions_grants_access()
    {
        var custom = new RoleDefinition("c", "11111111-1111-1111-1111-111111111111", "Lake writer", true, [new RbacPermission([], [], ["Microsoft.Storage/*/blobs/*"], [])]);
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true, [Assign(custom.RoleGuid)], Defs(custom), []);
        Assert.Equal(AccessDecision.Granted, result.Decision);
    }

    [Fact]
    public void Not_data_actions_subtract_within_a_role_but_another_role_can_add_back()
    {
        var noDelete = new RoleDefinition("c", "22222222-2222-2222-2222-222222222222", "No delete", true,
            [new RbacPermission([], [], ["Microsoft.Storage/*/blobs/*"], ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"])]);
        var alone = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true, [Assign(noDelete.RoleGuid)], Defs(noDelete), []);
        Assert.Equal(AccessDecision.NotGranted, alone.Decision);
        Assert.Equal(["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"], alone.MissingActions);

        var together = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true,
            [Assign(noDelete.RoleGuid), Assign(WellKnownRoles.StorageBlobDataContributor, Container)], Defs(noDelete, BlobContributor), []);
        Assert.Equal(AccessDecision.Granted, together.Decision);
    }

    [Fact]
    public void A_deny_assignment_beats_a_grant()
    {
        var deny = new DenyAssignment("d", "lock-lake", [new RbacPermission([], [], ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"], [])], [DenyAssignment.Everyone], []);
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true, [Assign(WellKnownRoles.StorageBlobDataContributor)], Defs(BlobContributor), [deny]);
        Assert.Equal(AccessDecision.Denied, result.Decision);
        Assert.Contains("lock-lake", result.Reason);
    }

    [Fact]
    public void A_grant_that_needs_its_condition_is_undetermined_never_granted()
    {
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobContributorDataActions, true,
            [Assign(WellKnownRoles.StorageBlobDataContributor, condition: "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'c'")],
            Defs(BlobContributor), []);
        Assert.Equal(AccessDecision.Undetermined, result.Decision);
        Assert.Contains("condition", result.Reason);
    }

    [Fact]
    public void An_unreadable_role_definition_is_undetermined()
    {
        var result = EffectiveAccess.Evaluate(WellKnownRoles.BlobReaderDataActions, true, [Assign("33333333-3333-3333-3333-333333333333")], Defs(), []);
        Assert.Equal(AccessDecision.Undetermined, result.Decision);
    }

    [Fact]
    public void Reader_grants_control_plane_reads_but_not_writes()
    {
        Assert.Equal(AccessDecision.Granted, EffectiveAccess.Evaluate(WellKnownRoles.ResourceGroupReaderActions, false, [Assign(WellKnownRoles.Reader)], Defs(Reader), []).Decision);
        Assert.Equal(AccessDecision.NotGranted, EffectiveAccess.Evaluate(["Microsoft.Synapse/workspaces/write"], false, [Assign(WellKnownRoles.Reader)], Defs(Reader), []).Decision);
    }

    [Fact]
    public void Assignment_names_are_deterministic_guids()
    {
        var action = new RepairAction(RepairKind.ArmRoleAssignment, Account, WellKnownRoles.StorageBlobDataContributor, "Storage Blob Data Contributor", "p1", "User");
        var name = PrerequisiteRepairer.AssignmentName(action);
        Assert.Equal(name, PrerequisiteRepairer.AssignmentName(action with { Scope = Account.ToUpperInvariant() }));
        Assert.NotEqual(name, PrerequisiteRepairer.AssignmentName(action with { PrincipalId = "p2" }));
        Assert.True(Guid.TryParse(name, out var guid));
        Assert.Equal('5', guid.ToString()[14]);
    }
}
