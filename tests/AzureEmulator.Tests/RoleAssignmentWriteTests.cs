using System.Text.Json.Nodes;
using AzureEmulator.Authorization;
using AzureEmulator.State;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class RoleAssignmentWriteTests
{
    private static JsonObject Body(string roleGuid, string principalId, string? principalType = null, string? condition = null) => new()
    {
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = $"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleDefinitions/{roleGuid}",
            ["principalId"] = principalId,
            ["principalType"] = principalType,
            ["condition"] = condition,
        },
    };

    private static string Put(string scope, string name) =>
        $"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01";

    [Fact]
    public async Task CreateReturns201AndDuplicateUnderAnotherNameReturns409()
    {
        await using var emu = await StartAsync();
        var token = emu.ArmToken();

        using var created = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), token, Body(BuiltInRoles.StorageBlobDataContributor, ServicePrincipal, "ServicePrincipal"));
        using var duplicate = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), token, Body(BuiltInRoles.StorageBlobDataContributor, ServicePrincipal, "ServicePrincipal"));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(ServicePrincipal, (await JsonAsync(created))["properties"]!["principalId"]!.GetValue<string>());
        Assert.Equal(409, (int)duplicate.StatusCode);
        Assert.Equal("RoleAssignmentExists", (await JsonAsync(duplicate))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreatedAssignmentIsListedAndDeleteRemovesIt()
    {
        await using var emu = await StartAsync();
        var token = emu.ArmToken();
        var name = Guid.NewGuid().ToString();

        using var created = await emu.SendAsync(HttpMethod.Put, Put(ContainerScope, name), token, Body(BuiltInRoles.StorageBlobDataReader, User, "User"));
        using var listed = await emu.ArmGetAsync(RoleAssignments(ContainerScope, $"atScope() and assignedTo('{User}')"));
        using var deleted = await emu.SendAsync(HttpMethod.Delete, Put(ContainerScope, name), token);
        using var after = await emu.ArmGetAsync(RoleAssignments(ContainerScope, $"atScope() and assignedTo('{User}')"));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Single((await JsonAsync(listed))["value"]!.AsArray());
        Assert.Equal(200, (int)deleted.StatusCode);
        Assert.Empty((await JsonAsync(after))["value"]!.AsArray());
    }

    [Fact]
    public async Task UnknownPrincipalGivesPrincipalNotFound()
    {
        await using var emu = await StartAsync();

        using var response = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), emu.ArmToken(), Body(BuiltInRoles.Reader, Guid.NewGuid().ToString(), "User"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("PrincipalNotFound", (await JsonAsync(response))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task PrincipalThatAppearsLateFailsForTheFirstPutsOnly()
    {
        var s = BaseScenario();
        s.Principals.Single(p => p.Id == ServicePrincipal).PrincipalNotFoundForFirstPuts = 2;
        await using var emu = await StartAsync(s);
        var name = Guid.NewGuid().ToString();

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, name), emu.ArmToken(), Body(BuiltInRoles.StorageBlobDataContributor, ServicePrincipal, "ServicePrincipal"));
            statuses.Add((int)r.StatusCode);
        }

        Assert.Equal([400, 400, 201], statuses);
    }

    [Fact]
    public async Task UnknownRoleGivesRoleDefinitionDoesNotExist()
    {
        await using var emu = await StartAsync();

        // The Synapse Administrator id is a Synapse RBAC role, not an ARM role definition.
        using var response = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), emu.ArmToken(), Body(SynapseRoles.Administrator, User));

        Assert.Equal("RoleDefinitionDoesNotExist", (await JsonAsync(response))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConditionRoundTrips()
    {
        await using var emu = await StartAsync();
        const string condition = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:ContainerName] StringEqualsIgnoreCase 'exports'";

        using var created = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), emu.ArmToken(), Body(BuiltInRoles.StorageBlobDataContributor, User, "User", condition));
        using var listed = await emu.ArmGetAsync(RoleAssignments(AccountScope, $"atScope() and assignedTo('{User}')"));

        Assert.Equal(201, (int)created.StatusCode);
        var props = (await JsonAsync(listed))["value"]!.AsArray().Single()!["properties"]!;
        Assert.Equal(condition, props["condition"]!.GetValue<string>());
        Assert.Equal("2.0", props["conditionVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallerWithoutWritePermissionGets403()
    {
        await using var emu = await StartAsync();

        using var response = await emu.SendAsync(HttpMethod.Put, Put(AccountScope, Guid.NewGuid().ToString()), emu.ArmToken(DataOnlyUser), Body(BuiltInRoles.Reader, User, "User"));

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Contains("Microsoft.Authorization/roleAssignments/write", (await JsonAsync(response))["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoleDefinitionsFilterByNameGivesTheBuiltInIdAndCustomRolesAreListed()
    {
        var s = BaseScenario();
        s.RoleDefinitions.Add(new RoleDefinition
        {
            Id = "99999999-0000-4000-8000-000000000001",
            RoleName = "Lake writer",
            AssignableScopes = [SubScope],
            Permissions = [new Permission { DataActions = ["Microsoft.Storage/*/blobs/*"] }],
        });
        await using var emu = await StartAsync(s);

        using var builtIn = await emu.ArmGetAsync($"{SubScope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter={Uri.EscapeDataString("roleName eq 'Storage Blob Data Contributor'")}");
        using var custom = await emu.ArmGetAsync($"{SubScope}/providers/Microsoft.Authorization/roleDefinitions/99999999-0000-4000-8000-000000000001?api-version=2022-04-01");

        var role = (await JsonAsync(builtIn))["value"]!.AsArray().Single()!;
        Assert.Equal(BuiltInRoles.StorageBlobDataContributor, role["name"]!.GetValue<string>());
        Assert.Equal("BuiltInRole", role["properties"]!["type"]!.GetValue<string>());
        var customJson = await JsonAsync(custom);
        Assert.Equal("CustomRole", customJson["properties"]!["type"]!.GetValue<string>());
        Assert.Equal("Microsoft.Storage/*/blobs/*", customJson["properties"]!["permissions"]![0]!["dataActions"]![0]!.GetValue<string>());
    }
}
