using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>
/// What a grant or revoke changes, decided in Core: the membership only when it differs, the storage role only in
/// CallerIdentity mode (assigned when the check found it missing, removed only with -IncludeStorageRole and only the
/// assignment a grant makes), and the command to run when the caller may not assign it.
/// </summary>
public sealed class QueryAccessPlanTests
{
    private const string Account = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cistorage";
    private const string Ana = "a1b2c3d4-0000-4000-8000-0000000000a1";

    private static readonly QueryPrincipal AnaUser = new(Ana, QueryPrincipalType.User, "ana@contoso.com", "Ana");

    private static QueryAccessPlan Plan(QueryAccessChange change, QueryAccessMode mode, bool isMember, PrerequisiteStatus? storage = null, bool includeStorageRole = false)
    {
        var connection = new ConnectionDefinition
        {
            Name = "lake", DisplayName = "lake", SubscriptionId = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2",
            WorkspaceResourceId = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws",
            WorkspaceName = "ciws", WorkspaceResourceGroupName = "rg-ci", StorageAccountResourceId = Account, StorageAccountName = "cistorage",
            StorageAccountResourceGroupName = "rg-ci", Container = "exports", CreatedBy = Ana, CreatedOn = DateTimeOffset.UnixEpoch, ModifiedOn = DateTimeOffset.UnixEpoch,
        };
        var export = new ExportDefinition
        {
            Name = "Sales", DisplayName = "Sales", ConnectionName = "lake", Source = "./cdm", DatabaseName = "SalesDb", Entities = ["Customer"],
            QueryAccess = mode, CreatedBy = Ana, CreatedOn = DateTimeOffset.UnixEpoch, ModifiedOn = DateTimeOffset.UnixEpoch,
        };
        var repair = new RepairAction(RepairKind.ArmRoleAssignment, Account, WellKnownRoles.StorageBlobDataReader, "Storage Blob Data Reader", Ana, "User");
        var check = storage is { } status
            ? new PrerequisiteResult(CheckIds.QueryUserStorageAccess, "t", new PrerequisitePrincipal(PrincipalKind.QueryUser, Ana, "Ana"), Account, "r", status, "No role reads the blobs.",
                "Ask someone.", status == PrerequisiteStatus.Failed ? repair : null)
            : null;
        var request = new QueryAccessRequest("Sales", new QueryPrincipalName(UserPrincipalName: "ana@contoso.com"), change) { IncludeStorageRole = includeStorageRole };
        return new QueryAccessPlan(request, export, connection, AnaUser, SqlEndpoint.Parse("ciws-ondemand.sql.azuresynapse.net"), new QueryAccessState(true, isMember ? "E" : null, isMember), check);
    }

    [Fact]
    public void The_membership_changes_only_when_it_differs()
    {
        Assert.True(Plan(QueryAccessChange.Grant, QueryAccessMode.WorkspaceIdentity, isMember: false).ChangesMembership);
        Assert.False(Plan(QueryAccessChange.Grant, QueryAccessMode.WorkspaceIdentity, isMember: true).ChangesMembership);
        Assert.True(Plan(QueryAccessChange.Revoke, QueryAccessMode.WorkspaceIdentity, isMember: true).ChangesMembership);
        Assert.False(Plan(QueryAccessChange.Revoke, QueryAccessMode.WorkspaceIdentity, isMember: false).ChangesMembership);
        Assert.Contains("ADD MEMBER [ana@contoso.com]", Plan(QueryAccessChange.Grant, QueryAccessMode.WorkspaceIdentity, false).Script.Text, StringComparison.Ordinal);
        Assert.Contains("DROP MEMBER [ana@contoso.com]", Plan(QueryAccessChange.Revoke, QueryAccessMode.WorkspaceIdentity, true).Script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkspaceIdentity_needs_and_touches_no_storage_role()
    {
        var grant = Plan(QueryAccessChange.Grant, QueryAccessMode.WorkspaceIdentity, false, PrerequisiteStatus.Failed);
        var revoke = Plan(QueryAccessChange.Revoke, QueryAccessMode.WorkspaceIdentity, true, includeStorageRole: true);

        Assert.Equal(QueryStorageRoleStatus.NotNeeded, grant.StorageStatusBefore);
        Assert.Null(grant.StorageRoleToAssign);
        Assert.Null(revoke.StorageRoleToRemove);
    }

    [Theory]
    [InlineData(PrerequisiteStatus.Passed, QueryStorageRoleStatus.Present, false)]
    [InlineData(PrerequisiteStatus.Warning, QueryStorageRoleStatus.Present, false)]
    [InlineData(PrerequisiteStatus.Failed, QueryStorageRoleStatus.Missing, true)]
    [InlineData(PrerequisiteStatus.Unknown, QueryStorageRoleStatus.Unknown, false)]
    public void CallerIdentity_grant_assigns_the_storage_role_only_when_the_check_failed(PrerequisiteStatus check, QueryStorageRoleStatus expected, bool assigns)
    {
        var plan = Plan(QueryAccessChange.Grant, QueryAccessMode.CallerIdentity, false, check);

        Assert.Equal(expected, plan.StorageStatusBefore);
        Assert.Equal(assigns, plan.StorageRoleToAssign is not null);
    }

    [Fact]
    public void CallerIdentity_revoke_keeps_storage_roles_unless_asked_and_then_removes_only_the_one_a_grant_makes()
    {
        Assert.Null(Plan(QueryAccessChange.Revoke, QueryAccessMode.CallerIdentity, true).StorageRoleToRemove);
        Assert.Equal(QueryStorageRoleStatus.Kept, Plan(QueryAccessChange.Revoke, QueryAccessMode.CallerIdentity, true).StorageStatusBefore);

        var removal = Plan(QueryAccessChange.Revoke, QueryAccessMode.CallerIdentity, true, includeStorageRole: true).StorageRoleToRemove!;
        var granted = Plan(QueryAccessChange.Grant, QueryAccessMode.CallerIdentity, false, PrerequisiteStatus.Failed).StorageRoleToAssign!;
        Assert.Equal(PrerequisiteRepairer.AssignmentName(granted), PrerequisiteRepairer.AssignmentName(removal));
    }

    [Fact]
    public void A_caller_who_may_not_assign_the_role_is_told_the_command_to_ask_for()
    {
        var plan = Plan(QueryAccessChange.Grant, QueryAccessMode.CallerIdentity, false, PrerequisiteStatus.Failed);

        var ex = ExportQueryAccess.StorageRoleMissing(plan, "Assigning it failed: AuthorizationFailed.");

        Assert.Equal(ErrorIds.QueryUserStorageRoleMissing, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("ana@contoso.com", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"Ask an Owner or User Access Administrator of the storage account to run: New-AzRoleAssignment -ObjectId '{Ana}' -RoleDefinitionName 'Storage Blob Data Reader' -Scope '{Account}'", ex.RecommendedAction);
    }
}
