using System.Text.Json.Nodes;
using AzureEmulator.Authorization;
using AzureEmulator.Testing;

namespace AzureEmulator.Tests;

/// <summary>The shipped prepared tenant meets every prerequisite, as seen through the emulator's own answers.</summary>
public sealed class PreparedTenantTests
{
    private const string CiAppId = "0bfc4568-a4ba-4c58-bd3e-5d3e76bd7fff";

    [Fact]
    public async Task EveryPrincipalHasItsRolesAndTheResourcesAreConfigured()
    {
        var scenario = LocalEmulator.LoadScenario("prepared-tenant");
        await using var emu = await LocalEmulator.StartAsync(scenario);
        using var client = new HttpClient(emu.CreateHandler()) { BaseAddress = emu.ResourceManagerUrl };
        var user = scenario.SignedInUser!;
        var ws = scenario.SynapseWorkspaces.Single();
        var account = scenario.StorageAccounts.Single();
        var container = $"{account.ResourceId}/blobServices/default/containers/{account.Containers.Single().Name}";
        var rg = $"/subscriptions/{ws.SubscriptionId}/resourceGroups/{ws.ResourceGroup}";

        async Task<JsonNode> Get(string path, string audience)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", emu.Token(user, audience));
            using var response = await client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        var sp = (await Get($"graph/v1.0/servicePrincipals?$filter={Uri.EscapeDataString($"appId eq '{CiAppId}'")}", "https://graph.microsoft.com"))["value"]![0]!["id"]!.GetValue<string>();
        var workspace = await Get($"{ws.ResourceId}?api-version=2021-06-01", emu.ResourceManagerAudience);
        var mi = workspace["identity"]!["principalId"]!.GetValue<string>();

        async Task<HashSet<string>> Roles(string scope, string principal) =>
            (await Get($"{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter={Uri.EscapeDataString($"atScope() and assignedTo('{principal}')")}", emu.ResourceManagerAudience))["value"]!
                .AsArray().Select(a => RoleCatalog.GuidOf(a!["properties"]!["roleDefinitionId"]!.GetValue<string>())).ToHashSet();

        foreach (var principal in new[] { sp, user, mi })
        {
            Assert.Contains(BuiltInRoles.StorageBlobDataContributor, await Roles(container, principal));
        }

        Assert.Contains(BuiltInRoles.Reader, await Roles(rg, sp));
        Assert.Contains(BuiltInRoles.Reader, await Roles(rg, user));

        var synapse = await Get($"synapse/{ws.Name}/roleAssignments?api-version=2020-12-01&principalId={sp}", "https://dev.azuresynapse.net");
        var adminAssignment = synapse["value"]!.AsArray().Single()!;
        Assert.Equal(SynapseRoles.Administrator, adminAssignment["roleDefinitionId"]!.GetValue<string>());
        Assert.Equal("ServicePrincipal", adminAssignment["principalType"]!.GetValue<string>());

        var storage = await Get($"{account.ResourceId}?api-version=2023-01-01", emu.ResourceManagerAudience);
        Assert.True(storage["properties"]!["isHnsEnabled"]!.GetValue<bool>());
        Assert.Contains(storage["properties"]!["networkAcls"]!["resourceAccessRules"]!.AsArray(), r => r!["resourceId"]!.GetValue<string>() == ws.ResourceId);
        Assert.Equal(account.ResourceId, workspace["properties"]!["defaultDataLakeStorage"]!["resourceId"]!.GetValue<string>());
        var rules = await Get($"{ws.ResourceId}/firewallRules?api-version=2021-06-01", emu.ResourceManagerAudience);
        Assert.Contains(rules["value"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "AllowAllWindowsAzureIps");
        var sub = await Get($"/subscriptions/{ws.SubscriptionId}?api-version=2022-12-01", emu.ResourceManagerAudience);
        Assert.Equal("Enabled", sub["state"]!.GetValue<string>());
    }
}
