using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using EmulatorState = AzureEmulator.State;
using static CustomerInsightsSynapse.Core.Tests.Prerequisites.PrerequisiteCheckerEmulatorTests;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

/// <summary>
/// WorkspaceFirewallAllowsCaller (the workspace firewall and public network access, seen from this computer) and
/// UserSqlRights (what the signed-in account may do on serverless SQL), against the emulator (issue 18).
/// </summary>
public sealed class WorkspaceNetworkAndSqlRightsTests
{
    private const string Sub = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string AccountId = $"/subscriptions/{Sub}/resourceGroups/rg-ci-synapse/providers/Microsoft.Storage/storageAccounts/cisynapselake";
    private const string User = "a1b2c3d4-0000-4000-8000-000000000011";

    private static readonly PrerequisiteTarget Target = new(Sub, "rg-ci-synapse", "ws-ci-export", AccountId, "customerinsights");

    private static PrerequisiteResult Check(IEnumerable<PrerequisiteResult> results, string id) => results.Single(r => r.CheckId == id);

    private static EmulatorState.Scenario Tenant(Action<EmulatorState.SynapseWorkspace> change)
    {
        var scenario = PreparedTenant();
        change(scenario.SynapseWorkspaces[0]);
        return scenario;
    }

    [Fact]
    public async Task The_prepared_tenant_admits_this_computer_by_a_firewall_rule()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());

        var check = Check(await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None), WorkspaceNetworkCheck.CheckId);

        Assert.Equal(PrerequisiteStatus.Passed, check.Status);
        Assert.Equal(Target.WorkspaceResourceId, check.Scope);
    }

    [Fact]
    public async Task Without_a_rule_for_this_computer_the_check_fails_with_the_rule_to_add_and_the_Synapse_checks_say_why_they_cannot_decide()
    {
        await using var emulator = await LocalEmulator.StartAsync(Tenant(w => w.FirewallRules.RemoveAll(r => r.Name != "AllowAllWindowsAzureIps")));

        var results = await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None);

        var check = Check(results, WorkspaceNetworkCheck.CheckId);
        Assert.Equal(PrerequisiteStatus.Failed, check.Status);
        Assert.Equal("The workspace 'ws-ci-export' answered 403 ClientIpAddressNotAuthorized: no firewall rule covers this computer's address (127.0.0.1).", check.Reason);
        Assert.Equal("New-AzSynapseFirewallRule -ResourceGroupName 'rg-ci-synapse' -WorkspaceName 'ws-ci-export' -Name 'ClientIp-127.0.0.1' -StartIpAddress '127.0.0.1' -EndIpAddress '127.0.0.1' Repair-CISynapsePrerequisite does not change this.", check.Remediation);
        Assert.False(check.CanRepair);
        // AllowAllWindowsAzureIps is there: it admits Azure services, not this computer.
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, "WorkspaceFirewallAllowsAzureServices").Status);
        var synapse = Check(results, "ServicePrincipalSynapseAdministrator");
        Assert.Equal(PrerequisiteStatus.Unknown, synapse.Status);
        Assert.StartsWith("Could not be decided: the workspace firewall refused this computer", synapse.Reason);
        Assert.Contains(WorkspaceNetworkCheck.CheckId, synapse.Remediation);
        Assert.DoesNotContain("Synapse User", synapse.Remediation);
    }

    [Fact]
    public async Task Public_network_access_disabled_fails_with_the_private_endpoint_advice()
    {
        await using var emulator = await LocalEmulator.StartAsync(Tenant(w => w.PublicNetworkAccess = "Disabled"));

        var check = Check(await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None), WorkspaceNetworkCheck.CheckId);

        Assert.Equal(PrerequisiteStatus.Failed, check.Status);
        Assert.Equal("Public network access to workspace 'ws-ci-export' is disabled: its development and serverless SQL endpoints admit only private endpoints.", check.Reason);
        Assert.Contains("private endpoints", check.Remediation);
        Assert.Contains("-Method PATCH -Path '/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci-synapse/providers/Microsoft.Synapse/workspaces/ws-ci-export?api-version=2021-06-01' -Payload '{\"properties\":{\"publicNetworkAccess\":\"Enabled\"}}'", check.Remediation);
    }

    [Theory]
    [InlineData("GET x returned 403 ClientIpAddressNotAuthorized: Client Ip address : 203.0.113.7", "203.0.113.7")]
    [InlineData("Client Ip address:2001:db8::1", "2001:db8::1")]
    [InlineData("Forbidden", null)]
    public void The_refused_address_is_read_from_the_Synapse_message(string message, string? address) =>
        Assert.Equal(address, WorkspaceNetworkCheck.AddressIn(message));

    [Theory]
    [InlineData(true, false, "Passed")]
    [InlineData(false, true, "Passed")]
    [InlineData(false, false, "Failed")]
    public async Task The_SQL_rights_check_passes_for_a_sysadmin_or_a_database_creator(bool sysAdmin, bool creator, string expected)
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());
        string? probed = null;
        Task<SqlRights> Probe(string endpoint, CancellationToken ct)
        {
            probed = endpoint;
            return Task.FromResult(new SqlRights(sysAdmin, creator));
        }

        var check = Check(await CheckerFor(emulator, User, probeSql: Probe).TestAsync(Target, OperationContext.None), SqlRightsCheck.CheckId);

        Assert.Equal(expected, check.Status.ToString());
        Assert.Equal(emulator.Host.Sql!.Endpoint, probed);
        Assert.Equal(User, check.Principal.ObjectId);
        if (expected == "Failed")
        {
            Assert.Contains("lacks CREATE ANY DATABASE", check.Reason);
            Assert.StartsWith("Ask a Synapse Administrator of 'ws-ci-export' for the Synapse SQL Administrator role: New-AzSynapseRoleAssignment", check.Remediation);
            Assert.Contains("ALTER SERVER ROLE dbcreator ADD MEMBER", check.Remediation);
            Assert.True(check.CanRepair);
            Assert.Equal(RepairKind.SynapseRoleAssignment, check.Repair!.Kind);
            Assert.Equal(WellKnownRoles.SynapseSqlAdministrator, check.Repair.RoleId);
            Assert.Equal(User, check.Repair.PrincipalId);
            Assert.Equal("User", check.Repair.PrincipalType);
        }
    }

    [Fact]
    public async Task The_role_definitions_are_read_while_the_SQL_probe_is_still_answering()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());
        var definitionReadDuringProbe = false;
        async Task<SqlRights> Probe(string endpoint, CancellationToken ct)
        {
            // A probe that answers only once a role definition was asked for, or after the deadline.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!(definitionReadDuringProbe = emulator.Host.Context.Requests.Snapshot().Any(r => r.Route == "GET roleDefinition")) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, ct);
            }

            return new SqlRights(true, true);
        }

        var results = await CheckerFor(emulator, User, probeSql: Probe).TestAsync(Target, OperationContext.None);

        Assert.True(definitionReadDuringProbe);
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, SqlRightsCheck.CheckId).Status);
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, CheckIds.UserStorageAccess).Status);
        Assert.Equal(PrerequisiteStatus.Passed, Check(results, CheckIds.UserResourceGroupReader).Status);
    }

    [Fact]
    public async Task The_SQL_rights_check_is_Unknown_with_the_reason_when_master_cannot_be_queried()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());

        var check = Check(
            await CheckerFor(emulator, User, probeSql: (_, _) => throw new InvalidOperationException("A network-related error occurred.")).TestAsync(Target, OperationContext.None),
            SqlRightsCheck.CheckId);

        Assert.Equal(PrerequisiteStatus.Unknown, check.Status);
        Assert.Equal($"Could not be decided: could not query master on '{emulator.Host.Sql!.Endpoint}': A network-related error occurred.", check.Reason);
        Assert.False(check.CanRepair);
    }

    [Fact]
    public async Task The_SQL_rights_of_another_user_named_with_UserObjectId_are_not_probed_with_the_signed_in_token()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());
        var probes = 0;

        var check = Check(
            await CheckerFor(emulator, User, probeSql: (_, _) => { probes++; return Task.FromResult(new SqlRights(true, true)); })
                .TestAsync(Target with { UserObjectId = "a1b2c3d4-0000-4000-8000-000000000044" }, OperationContext.None),
            SqlRightsCheck.CheckId);

        Assert.Equal(0, probes);
        Assert.Equal(PrerequisiteStatus.Unknown, check.Status);
        Assert.Contains("-UserObjectId names the user instead", check.Reason);
    }

    [Fact]
    public async Task Without_a_SQL_probe_the_SQL_rights_check_is_left_out()
    {
        await using var emulator = await LocalEmulator.StartAsync(PreparedTenant());

        var results = await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None);

        Assert.DoesNotContain(results, r => r.CheckId == SqlRightsCheck.CheckId);
    }
}
