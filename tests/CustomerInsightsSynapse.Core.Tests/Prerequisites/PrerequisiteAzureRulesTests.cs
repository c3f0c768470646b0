using Azure.Core.Pipeline;
using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using EmulatorState = AzureEmulator.State;
using static CustomerInsightsSynapse.Core.Tests.Prerequisites.PrerequisiteCheckerEmulatorTests;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

/// <summary>
/// The checks and repairs as Azure really answers (issue 18): principal types from the directory, group query users,
/// 409 codes, deny assignments listed with a documented filter, the Synapse Administrator scope, container-only
/// storage roles and a caller without a Synapse role.
/// </summary>
public sealed class PrerequisiteAzureRulesTests
{
    private const string Sub = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string Rg = $"/subscriptions/{Sub}/resourceGroups/rg-ci-synapse";
    private const string AccountId = $"{Rg}/providers/Microsoft.Storage/storageAccounts/cisynapselake";
    private const string ContainerScope = $"{AccountId}/blobServices/default/containers/customerinsights";
    private const string User = "a1b2c3d4-0000-4000-8000-000000000011";
    private const string Sp = "a1b2c3d4-0000-4000-8000-000000000022";
    private const string QueryUser = "a1b2c3d4-0000-4000-8000-000000000044";
    private const string ReadersGroup = "a1b2c3d4-0000-4000-8000-000000000055";
    private const string NestedGroup = "a1b2c3d4-0000-4000-8000-000000000057";
    private const string RunbookIdentity = "a1b2c3d4-0000-4000-8000-000000000088";

    private static PrerequisiteTarget Target(params string[] queryUsers) =>
        new(Sub, "rg-ci-synapse", "ws-ci-export", AccountId, "customerinsights") { QueryUserObjectIds = queryUsers };

    private static PrerequisiteResult Check(IEnumerable<PrerequisiteResult> results, string id) => results.Single(r => r.CheckId == id);

    internal static PrerequisiteRepairer RepairerFor(LocalEmulator emulator, string userId)
    {
        var credential = new ScopeTokenCredential(new Dictionary<string, string>
        {
            [emulator.ResourceManagerAudience] = emulator.Token(userId, emulator.ResourceManagerAudience),
            ["https://dev.azuresynapse.net"] = emulator.Token(userId, "https://dev.azuresynapse.net"),
        });
        AzureClientOptions Options() => new() { Transport = new HttpClientTransport(emulator.CreateHandler()), Retry = { MaxRetries = 0 } };
        return new PrerequisiteRepairer(
            new AzureRestClient(emulator.ResourceManagerUrl, credential, emulator.ResourceManagerAudience, Options()),
            endpoint => new AzureRestClient(endpoint, credential, "https://dev.azuresynapse.net", Options()))
        { PrincipalNotFoundBackoff = [] };
    }

    private static void RemoveAssignment(EmulatorState.Scenario scenario, string descriptionStart) =>
        Assert.Equal(1, scenario.RoleAssignments.RemoveAll(a => a.Description?.StartsWith(descriptionStart, StringComparison.Ordinal) == true));

    [Fact]
    public async Task A_query_user_that_is_a_service_principal_is_repaired_with_principalType_ServicePrincipal()
    {
        var scenario = PreparedTenant();
        scenario.Principals.Add(new EmulatorState.Principal { Id = RunbookIdentity, Type = "ServicePrincipal", DisplayName = "runbook", ServicePrincipalType = "ManagedIdentity" });
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var failed = Check(await CheckerFor(emulator, User).TestAsync(Target(RunbookIdentity), OperationContext.None), "QueryUserStorageAccess");
        Assert.Equal(PrerequisiteStatus.Failed, failed.Status);
        Assert.Equal("ServicePrincipal", failed.Repair!.PrincipalType);

        var outcome = await RepairerFor(emulator, User).RepairAsync(failed.Repair, OperationContext.None);

        Assert.True(outcome.Status == RepairStatus.Created, outcome.Message);
    }

    [Fact]
    public async Task An_application_caller_is_repaired_as_a_ServicePrincipal_from_its_token_when_Graph_cannot_say()
    {
        var scenario = PreparedTenant();
        scenario.Options.GraphForbidden = true;
        scenario.Principals.Add(new EmulatorState.Principal { Id = RunbookIdentity, Type = "ServicePrincipal", DisplayName = "runbook", ServicePrincipalType = "ManagedIdentity" });
        scenario.RoleAssignments.Add(new EmulatorState.RoleAssignment { Scope = $"/subscriptions/{Sub}", RoleName = "Owner", PrincipalId = RunbookIdentity });
        scenario.SynapseWorkspaces[0].RoleAssignments.Add(new EmulatorState.SynapseRoleAssignment { RoleName = "Synapse Administrator", PrincipalId = RunbookIdentity, PrincipalType = "ServicePrincipal" });
        await using var emulator = await LocalEmulator.StartAsync(scenario);
        var target = Target() with { ServicePrincipalObjectId = Sp };

        var failed = Check(await CheckerFor(emulator, RunbookIdentity, callerType: "ServicePrincipal").TestAsync(target, OperationContext.None), "UserStorageAccess");
        Assert.Equal(PrerequisiteStatus.Failed, failed.Status);
        Assert.Equal("ServicePrincipal", failed.Repair!.PrincipalType);

        var outcome = await RepairerFor(emulator, RunbookIdentity).RepairAsync(failed.Repair, OperationContext.None);
        Assert.True(outcome.Status == RepairStatus.Created, outcome.Message);
    }

    [Fact]
    public async Task A_wrong_principalType_is_refused_as_Resource_Manager_refuses_it()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());
        var action = new RepairAction(RepairKind.ArmRoleAssignment, ContainerScope, WellKnownRoles.StorageBlobDataReader, "Storage Blob Data Reader", Sp, "User");

        var outcome = await RepairerFor(emulator, User).RepairAsync(action, OperationContext.None);

        Assert.Equal(RepairStatus.Failed, outcome.Status);
        Assert.Contains("UnmatchedPrincipalType", outcome.Message);
    }

    [Fact]
    public void The_token_says_whether_the_caller_is_an_application()
    {
        static string Token(string payload) => $"e30.{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.x";

        Assert.Equal("ServicePrincipal", JwtClaims.Parse(Token("""{"oid":"o","idtyp":"app"}""")).PrincipalType);
        Assert.Equal("User", JwtClaims.Parse(Token("""{"oid":"o","idtyp":"user"}""")).PrincipalType);
        Assert.Equal("User", JwtClaims.Parse(Token("""{"oid":"o","scp":"user_impersonation"}""")).PrincipalType);
        Assert.Null(JwtClaims.Parse(Token("""{"oid":"o"}""")).PrincipalType);
    }

    [Fact]
    public async Task A_group_query_user_is_evaluated_through_its_own_and_its_parent_groups_assignments()
    {
        var scenario = PreparedTenant();
        scenario.Principals.Add(new EmulatorState.Principal { Id = NestedGroup, Type = "Group", DisplayName = "Analysts" });
        scenario.Principals.Single(p => p.Id == ReadersGroup).Members.Add(NestedGroup);
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var results = await CheckerFor(emulator, User).TestAsync(Target(ReadersGroup, NestedGroup), OperationContext.None);

        var direct = results.Where(r => r.CheckId == "QueryUserStorageAccess").ToArray();
        Assert.All(direct, r => Assert.True(r.Status == PrerequisiteStatus.Passed, $"{r.Principal.ObjectId}: {r.Status} {r.Reason}"));
        Assert.Contains("Query group", direct[0].Title);
        Assert.DoesNotContain(emulator.Host.Context.Requests.Snapshot(), r => r.Status >= 400);
    }

    [Fact]
    public async Task A_group_query_user_without_the_role_fails_and_is_repaired_as_a_Group()
    {
        var scenario = PreparedTenant();
        RemoveAssignment(scenario, "Query users (group)");
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var failed = Check(await CheckerFor(emulator, User).TestAsync(Target(ReadersGroup), OperationContext.None), "QueryUserStorageAccess");
        Assert.Equal(PrerequisiteStatus.Failed, failed.Status);
        Assert.Equal("Group", failed.Repair!.PrincipalType);

        var outcome = await RepairerFor(emulator, User).RepairAsync(failed.Repair, OperationContext.None);
        Assert.True(outcome.Status == RepairStatus.Created, outcome.Message);
        // The query user is in the group: the new assignment covers both.
        var again = (await CheckerFor(emulator, User).TestAsync(Target(ReadersGroup, QueryUser), OperationContext.None)).Where(r => r.CheckId == "QueryUserStorageAccess").ToArray();
        Assert.Equal(2, again.Length);
        Assert.All(again, r => Assert.Equal(PrerequisiteStatus.Passed, r.Status));
    }

    [Fact]
    public async Task A_409_other_than_RoleAssignmentExists_is_a_failure_with_its_own_message()
    {
        var scenario = PreparedTenant();
        scenario.Subscriptions[0].State = "Disabled";
        await using var emulator = await LocalEmulator.StartAsync(scenario);
        var action = new RepairAction(RepairKind.ArmRoleAssignment, AccountId, WellKnownRoles.StorageBlobDataReader, "Storage Blob Data Reader", QueryUser, "User");

        var outcome = await RepairerFor(emulator, User).RepairAsync(action, OperationContext.None);

        Assert.Equal(RepairStatus.Failed, outcome.Status);
        Assert.Contains("ReadOnlyDisabledSubscription", outcome.Message);
    }

    [Fact]
    public async Task A_deny_assignment_through_a_group_blocks_and_one_excluding_the_group_does_not()
    {
        var scenario = PreparedTenant();
        var read = new EmulatorState.Permission { DataActions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] };
        scenario.DenyAssignments.Add(new EmulatorState.DenyAssignment
        {
            DenyAssignmentName = "Block readers", Scope = AccountId, Permissions = [read],
            Principals = [new EmulatorState.DenyPrincipal { Id = ReadersGroup, Type = "Group" }],
        });
        scenario.DenyAssignments.Add(new EmulatorState.DenyAssignment
        {
            DenyAssignmentName = "Everyone but readers", Scope = AccountId, Permissions = [read],
            Principals = [new EmulatorState.DenyPrincipal { Id = "00000000-0000-0000-0000-000000000000", Type = "SystemDefined" }],
            ExcludePrincipals = [new EmulatorState.DenyPrincipal { Id = ReadersGroup, Type = "Group" }, new EmulatorState.DenyPrincipal { Id = User, Type = "User" },
                new EmulatorState.DenyPrincipal { Id = Sp, Type = "ServicePrincipal" }, new EmulatorState.DenyPrincipal { Id = "a1b2c3d4-0000-4000-8000-000000000033", Type = "ServicePrincipal" }],
        });
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var results = await CheckerFor(emulator, User).TestAsync(Target(QueryUser), OperationContext.None);

        var denied = Check(results, "QueryUserStorageAccess");
        Assert.Equal(PrerequisiteStatus.Failed, denied.Status);
        Assert.Contains("'Block readers' blocks", denied.Reason);
        Assert.DoesNotContain("Everyone but readers", denied.Reason);
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, "UserStorageAccess").Status);
        var denyRequests = emulator.Host.Context.Requests.Snapshot().Where(r => r.Path.Contains("denyAssignments", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.NotEmpty(denyRequests);
        Assert.All(denyRequests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Synapse_Administrator_on_a_Spark_pool_only_does_not_count_for_the_workspace()
    {
        var scenario = PreparedTenant();
        scenario.SynapseWorkspaces[0].RoleAssignments.Single(a => a.PrincipalId == Sp).Scope = "workspaces/ws-ci-export/bigDataPools/sparkpool1";
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var check = Check(await CheckerFor(emulator, User).TestAsync(Target(), OperationContext.None), "ServicePrincipalSynapseAdministrator");

        Assert.Equal(PrerequisiteStatus.Failed, check.Status);
        Assert.Contains("'workspaces/ws-ci-export/bigDataPools/sparkpool1'", check.Reason);
        Assert.Equal("workspaces/ws-ci-export", check.Repair!.Scope);
    }

    [Fact]
    public async Task Storage_Blob_Data_Contributor_on_the_container_only_is_a_warning()
    {
        var scenario = PreparedTenant();
        scenario.RoleAssignments.Single(a => a.Description!.StartsWith("Customer Insights service principal: Storage Blob Data Contributor", StringComparison.Ordinal)).Scope = ContainerScope;
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var results = await CheckerFor(emulator, User).TestAsync(Target(QueryUser), OperationContext.None);

        var check = Check(results, "ServicePrincipalStorageAccess");
        Assert.Equal(PrerequisiteStatus.Warning, check.Status);
        Assert.Contains($"-Scope '{AccountId}'", check.Remediation);
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, "UserStorageAccess").Status);
    }

    [Fact]
    public async Task A_caller_without_a_Synapse_role_is_told_to_ask_for_Synapse_User()
    {
        var scenario = PreparedTenant();
        scenario.SynapseWorkspaces[0].RoleAssignments.RemoveAll(a => a.PrincipalId == User);
        await using var emulator = await LocalEmulator.StartAsync(scenario);

        var results = await CheckerFor(emulator, User).TestAsync(Target(), OperationContext.None);

        foreach (var id in new[] { "ServicePrincipalSynapseAdministrator", "SynapseAssignmentPrincipalType" })
        {
            var check = Check(results, id);
            Assert.Equal(PrerequisiteStatus.Unknown, check.Status);
            Assert.Contains("Synapse User", check.Reason);
            Assert.Contains($"-RoleDefinitionId '{WellKnownRoles.SynapseUser}' -ObjectId '{User}'", check.Remediation);
        }
    }

    [Theory]
    [InlineData(null, "Passed")]
    [InlineData("AuthorizationPermissionMismatch", "Passed")]
    [InlineData("AuthorizationFailure", "Failed")]
    public async Task The_storage_network_check_fails_only_when_storage_answers_AuthorizationFailure(string? errorCode, string expected)
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());
        Uri? probed = null;
        Task Probe(Uri endpoint, string container, CancellationToken ct)
        {
            probed = new Uri(endpoint, container);
            return errorCode is null ? Task.CompletedTask : throw new global::Azure.RequestFailedException(403, "This request is not authorized to perform this operation.", errorCode, null);
        }

        var results = await CheckerFor(emulator, User, probeContainer: Probe).TestAsync(Target(), OperationContext.None);

        var check = Check(results, "StorageNetworkAllowsCaller");
        Assert.Equal(expected, check.Status.ToString());
        Assert.Contains("cisynapselake", probed!.AbsoluteUri);
        Assert.EndsWith("/customerinsights", probed.AbsoluteUri);
        if (expected == "Failed")
        {
            Assert.StartsWith("Add-AzStorageAccountNetworkRule -ResourceGroupName 'rg-ci-synapse' -Name 'cisynapselake' -IPAddressOrRange", check.Remediation);
        }
    }
}
