using AzureEmulator.State;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class ResourceTests
{
    [Fact]
    public async Task StorageAccountPointsAtAzuriteAndReportsHierarchicalNamespaceAndFirewall()
    {
        var s = BaseScenario();
        var account = s.StorageAccounts.Single();
        account.NetworkAcls = new NetworkAcls
        {
            DefaultAction = "Deny",
            Bypass = "AzureServices",
            ResourceAccessRules = [new ResourceAccessRule { TenantId = Tenant, ResourceId = s.SynapseWorkspaces.Single().ResourceId }],
        };
        await using var emu = await StartAsync(s);

        using var r = await emu.ArmGetAsync($"{AccountScope}?api-version=2023-01-01");

        var props = (await JsonAsync(r))["properties"]!;
        Assert.True(props["isHnsEnabled"]!.GetValue<bool>());
        Assert.Equal($"https://127.0.0.1:10443/{Account}/", props["primaryEndpoints"]!["blob"]!.GetValue<string>());
        Assert.Equal("Deny", props["networkAcls"]!["defaultAction"]!.GetValue<string>());
        Assert.EndsWith($"/workspaces/{Workspace}", props["networkAcls"]!["resourceAccessRules"]![0]!["resourceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ContainersAndFirewallRulesAreListedAndMissingOnesGet404()
    {
        await using var emu = await StartAsync();

        using var container = await emu.ArmGetAsync($"{ContainerScope}?api-version=2023-01-01");
        using var missing = await emu.ArmGetAsync($"{AccountScope}/blobServices/default/containers/nope?api-version=2023-01-01");
        using var rules = await emu.ArmGetAsync($"{RgScope}/providers/Microsoft.Synapse/workspaces/{Workspace}/firewallRules?api-version=2021-06-01");

        Assert.Equal(200, (int)container.StatusCode);
        Assert.Equal("ContainerNotFound", (await JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
        Assert.Equal("AllowAllWindowsAzureIps", (await JsonAsync(rules))["value"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListsOverASubscriptionAnswerOnlyWhatTheCallerCanReadAndRefuseWhomItDoesNotKnow()
    {
        await using var emu = await StartAsync();
        var workspaces = $"{SubScope}/providers/Microsoft.Synapse/workspaces?api-version=2021-06-01";
        var accounts = $"{SubScope}/providers/Microsoft.Storage/storageAccounts?api-version=2023-01-01";

        using var owner = await emu.ArmGetAsync(workspaces);
        using var dataOnly = await emu.ArmGetAsync(accounts, DataOnlyUser);
        using var stranger = await emu.ArmGetAsync(workspaces, User);
        using var missing = await emu.ArmGetAsync(accounts.Replace(Sub, "33333333-0000-4000-8000-000000000000"));

        Assert.Equal(Workspace, (await JsonAsync(owner))["value"]![0]!["name"]!.GetValue<string>());
        // A data role on the account shows the subscription but not the account (no Microsoft.Storage/storageAccounts/read).
        Assert.Empty((await JsonAsync(dataOnly))["value"]!.AsArray());
        Assert.Equal(403, (int)stranger.StatusCode);
        Assert.Equal("AuthorizationFailed", (await JsonAsync(stranger))["error"]!["code"]!.GetValue<string>());
        Assert.Equal("SubscriptionNotFound", (await JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Enabled")]
    [InlineData("Disabled")]
    [InlineData("Warned")]
    public async Task SubscriptionStateIsReported(string state)
    {
        var s = BaseScenario();
        s.Subscriptions.Single().State = state;
        await using var emu = await StartAsync(s);

        using var r = await emu.ArmGetAsync($"{SubScope}?api-version=2022-12-01");

        Assert.Equal(state, (await JsonAsync(r))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminStateRoundTripsAndReplaces()
    {
        await using var emu = await StartAsync();

        var state = await emu.AdminAsync(HttpMethod.Get, "state");
        state["storageAccounts"]![0]!["isHnsEnabled"] = false;
        await emu.AdminAsync(HttpMethod.Put, "state", state);
        using var r = await emu.ArmGetAsync($"{AccountScope}?api-version=2023-01-01");

        Assert.False((await JsonAsync(r))["properties"]!["isHnsEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NullListsInAReplacedStateMeanNone()
    {
        await using var emu = await StartAsync();

        var state = await emu.AdminAsync(HttpMethod.Get, "state");
        state["storageAccounts"]![0]!["containers"] = null;
        state["synapseWorkspaces"]![0]!["firewallRules"] = null;
        state["denyAssignments"] = null;
        await emu.AdminAsync(HttpMethod.Put, "state", state);
        using var containers = await emu.ArmGetAsync($"{AccountScope}/blobServices/default/containers?api-version=2023-01-01");
        using var rules = await emu.ArmGetAsync($"{RgScope}/providers/Microsoft.Synapse/workspaces/{Workspace}/firewallRules?api-version=2021-06-01");
        using var deny = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01&$filter=atScope()");

        Assert.Empty((await JsonAsync(containers))["value"]!.AsArray());
        Assert.Empty((await JsonAsync(rules))["value"]!.AsArray());
        Assert.Empty((await JsonAsync(deny))["value"]!.AsArray());
    }

    [Fact]
    public async Task GetSubscriptionNeedsARoleInTheSubscription()
    {
        var scenario = BaseScenario();
        scenario.RoleAssignments.Add(new AzureEmulator.State.RoleAssignment { Scope = RgScope, RoleName = "Reader", PrincipalId = User });
        await using var emu = await StartAsync(scenario);

        using var outsider = await emu.ArmGetAsync($"/subscriptions/{Sub}?api-version=2022-12-01", ServicePrincipal);
        using var member = await emu.ArmGetAsync($"/subscriptions/{Sub}?api-version=2022-12-01", User);

        Assert.Equal(403, (int)outsider.StatusCode);
        Assert.Equal("AuthorizationFailed", (await JsonAsync(outsider))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(200, (int)member.StatusCode);
    }
}
