using System.Text.Json.Nodes;
using AzureEmulator.State;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class RoleAssignmentFilterTests
{
    private static Scenario ScenarioWithLayers()
    {
        var s = BaseScenario();
        s.RoleAssignments.AddRange(
        [
            new RoleAssignment { Name = "00000000-0000-4000-8000-0000000000a1", Scope = SubScope, RoleName = "Reader", PrincipalId = User },
            new RoleAssignment { Name = "00000000-0000-4000-8000-0000000000a2", Scope = RgScope, RoleName = "Reader", PrincipalId = DataOnlyUser },
            new RoleAssignment { Name = "00000000-0000-4000-8000-0000000000a3", Scope = AccountScope, RoleName = "Storage Blob Data Reader", PrincipalId = User },
            new RoleAssignment { Name = "00000000-0000-4000-8000-0000000000a4", Scope = ContainerScope, RoleName = "Storage Blob Data Owner", PrincipalId = User },
            new RoleAssignment { Name = "00000000-0000-4000-8000-0000000000a5", Scope = RgScope, RoleName = "Storage Blob Data Contributor", PrincipalId = OuterGroup },
        ]);
        return s;
    }

    private static async Task<List<string>> NamesAsync(TestEmulator emu, string path)
    {
        using var response = await emu.ArmGetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        return json["value"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task AtScopeIncludesParentScopesAndExcludesChildren()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        var names = await NamesAsync(emu, RoleAssignments(AccountScope, "atScope()"));

        Assert.Contains("00000000-0000-4000-8000-0000000000a1", names); // subscription
        Assert.Contains("00000000-0000-4000-8000-0000000000a2", names); // resource group
        Assert.Contains("00000000-0000-4000-8000-0000000000a3", names); // the account itself
        Assert.DoesNotContain("00000000-0000-4000-8000-0000000000a4", names); // container below
    }

    [Fact]
    public async Task NoFilterIncludesChildScopesToo()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        var names = await NamesAsync(emu, RoleAssignments(AccountScope));

        Assert.Contains("00000000-0000-4000-8000-0000000000a4", names);
        Assert.Contains("00000000-0000-4000-8000-0000000000a1", names);
    }

    [Fact]
    public async Task AtScopeAtContainerSeesEveryLayerAbove()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        var names = await NamesAsync(emu, RoleAssignments(ContainerScope, $"atScope() and assignedTo('{User}')"));

        Assert.Equal(
            ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a3", "00000000-0000-4000-8000-0000000000a4", "00000000-0000-4000-8000-0000000000a5"],
            names.Order().ToList());
    }

    [Fact]
    public async Task AssignedToIncludesGroupsTransitively()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        // User is in InnerGroup, which is in OuterGroup; a5 is assigned to OuterGroup.
        var names = await NamesAsync(emu, RoleAssignments(AccountScope, $"atScope() and assignedTo('{User}')"));

        Assert.Contains("00000000-0000-4000-8000-0000000000a5", names);
        Assert.DoesNotContain("00000000-0000-4000-8000-0000000000a2", names); // another principal's
    }

    [Fact]
    public async Task PrincipalIdEqualsIsDirectOnly()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        var names = await NamesAsync(emu, RoleAssignments(AccountScope, $"principalId eq '{User}'"));

        Assert.DoesNotContain("00000000-0000-4000-8000-0000000000a5", names); // only through a group
        Assert.Contains("00000000-0000-4000-8000-0000000000a4", names); // child scope included without atScope()
        Assert.All(names, n => Assert.NotEqual("00000000-0000-4000-8000-0000000000a2", n));
    }

    [Fact]
    public async Task UnsupportedFilterIsRejected()
    {
        await using var emu = await StartAsync();

        using var response = await emu.ArmGetAsync(RoleAssignments(AccountScope, "roleDefinitionId eq 'x' or 1 eq 1"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.NotNull((await JsonAsync(response))["error"]!["code"]);
    }

    [Fact]
    public async Task DenyAssignmentsAreListedWithAtScopeAndBlockAccess()
    {
        var s = ScenarioWithLayers();
        s.DenyAssignments.Add(new DenyAssignment
        {
            DenyAssignmentName = "block readers",
            Scope = RgScope,
            Permissions = [new Permission { Actions = ["*/read"] }],
            Principals = [new DenyPrincipal { Id = InnerGroup, Type = "Group" }],
        });
        await using var emu = await StartAsync(s);

        using var list = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01&$filter=atScope()");
        var deny = (await JsonAsync(list))["value"]!.AsArray().Single()!;
        Assert.Equal("block readers", deny["properties"]!["denyAssignmentName"]!.GetValue<string>());

        // User has Reader on the subscription, but the deny through its group blocks reading the account.
        using var read = await emu.ArmGetAsync($"{AccountScope}?api-version=2023-01-01", User);
        Assert.Equal(403, (int)read.StatusCode);
        Assert.Equal("AuthorizationFailed", (await JsonAsync(read))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task PermissionsListsTheCallersRolesAtTheResource()
    {
        await using var emu = await StartAsync();

        using var response = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01", DataOnlyUser);

        var entry = (await JsonAsync(response))["value"]!.AsArray().Single()!;
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            entry["dataActions"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task AssignedToRefusesAGroupIdAsResourceManagerDoes()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        using var response = await emu.ArmGetAsync(RoleAssignments(AccountScope, $"atScope() and assignedTo('{OuterGroup}')"));

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("UnsupportedQuery", error["code"]!.GetValue<string>());
        Assert.Contains("is a group", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PrincipalIdEqListsAGroupsOwnAssignmentsButNotTogetherWithAtScope()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        var names = await NamesAsync(emu, RoleAssignments(AccountScope, $"principalId eq '{OuterGroup}'"));
        using var combined = await emu.ArmGetAsync(RoleAssignments(AccountScope, $"atScope() and principalId eq '{OuterGroup}'"));

        Assert.Equal(["00000000-0000-4000-8000-0000000000a5"], names);
        Assert.Equal(400, (int)combined.StatusCode);
    }

    [Fact]
    public async Task DenyAssignmentsRefuseAssignedToWhichTheSpecificationDoesNotList()
    {
        await using var emu = await StartAsync(ScenarioWithLayers());

        using var refused = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01&$filter={Uri.EscapeDataString($"atScope() and assignedTo('{User}')")}");
        using var byPrincipal = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01&$filter={Uri.EscapeDataString($"principalId eq '{User}'")}");

        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("UnsupportedQuery", (await JsonAsync(refused))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(200, (int)byPrincipal.StatusCode);
    }
}
