using System.Text.Json.Nodes;
using AzureEmulator.Authorization;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class SynapseTests
{
    private const string Audience = "https://dev.azuresynapse.net";
    private static readonly string Base = $"/synapse/{Workspace}";

    [Fact]
    public async Task WorkspaceAdvertisesTheEmulatorsDevEndpointAndTheLinkedLake()
    {
        await using var emu = await StartAsync();

        using var r = await emu.ArmGetAsync($"{RgScope}/providers/Microsoft.Synapse/workspaces/{Workspace}?api-version=2021-06-01");

        var props = (await JsonAsync(r))["properties"]!;
        Assert.Equal($"{emu.BaseUrl.GetLeftPart(UriPartial.Authority)}/synapse/{Workspace}", props["connectivityEndpoints"]!["dev"]!.GetValue<string>());
        Assert.Equal($"https://127.0.0.1:10443/{Account}", props["defaultDataLakeStorage"]!["accountUrl"]!.GetValue<string>());
        Assert.Equal(Container, props["defaultDataLakeStorage"]!["filesystem"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreatedAssignmentWithoutPrincipalTypeIsListedWithNull()
    {
        await using var emu = await StartAsync();
        var token = Token(AdminUser, Audience);
        var body = new JsonObject { ["roleId"] = SynapseRoles.Administrator, ["principalId"] = ServicePrincipal, ["scope"] = $"workspaces/{Workspace}" };

        using var created = await emu.SendAsync(HttpMethod.Put, $"{Base}/roleAssignments/{Guid.NewGuid()}?api-version=2020-12-01", token, body);
        using var duplicate = await emu.SendAsync(HttpMethod.Put, $"{Base}/roleAssignments/{Guid.NewGuid()}?api-version=2020-12-01", token, body);
        using var listed = await emu.SendAsync(HttpMethod.Get, $"{Base}/roleAssignments?api-version=2020-12-01&principalId={ServicePrincipal}", token);

        Assert.Equal(200, (int)created.StatusCode);
        Assert.Equal(409, (int)duplicate.StatusCode);
        var json = await JsonAsync(listed);
        Assert.Equal(1, json["count"]!.GetValue<int>());
        var item = json["value"]!.AsArray().Single()!.AsObject();
        Assert.True(item.ContainsKey("principalType"));
        Assert.Null(item["principalType"]);
    }

    [Fact]
    public async Task CallerWithoutSynapseRoleCannotList()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, $"{Base}/roleAssignments?api-version=2020-12-01", Token(User, Audience));

        Assert.Equal(403, (int)r.StatusCode);
        Assert.Contains("Microsoft.Synapse/workspaces/read", (await JsonAsync(r))["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckAccessAllowsAnAdministratorAndDeniesOthers()
    {
        await using var emu = await StartAsync();
        JsonObject Body(string principal) => new()
        {
            ["subject"] = new JsonObject { ["principalId"] = principal, ["groupIds"] = new JsonArray() },
            ["actions"] = new JsonArray(new JsonObject { ["id"] = "Microsoft.Synapse/workspaces/roleAssignments/write", ["isDataAction"] = true }),
            ["scope"] = $"workspaces/{Workspace}",
        };

        using var admin = await emu.SendAsync(HttpMethod.Post, $"{Base}/checkAccessSynapseRbac?api-version=2020-12-01", Token(AdminUser, Audience), Body(AdminUser));
        using var other = await emu.SendAsync(HttpMethod.Post, $"{Base}/checkAccessSynapseRbac?api-version=2020-12-01", Token(AdminUser, Audience), Body(User));

        Assert.Equal("Allowed", (await JsonAsync(admin))["accessDecisions"]![0]!["accessDecision"]!.GetValue<string>());
        Assert.Equal("NotAllowed", (await JsonAsync(other))["accessDecisions"]![0]!["accessDecision"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoleDefinitionsAreABareArrayWithTheRealIds()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, $"{Base}/roleDefinitions?api-version=2020-12-01", Token(AdminUser, Audience));

        var roles = (await JsonAsync(r)).AsArray();
        Assert.Contains(roles, x => x!["name"]!.GetValue<string>() == "Synapse Administrator" && x["id"]!.GetValue<string>() == "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78");
    }

    [Fact]
    public async Task ContinuationHeaderPagesAssignments()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "options", new JsonObject { ["pageSize"] = 1 });
        await emu.AdminAsync(HttpMethod.Post, $"workspaces/{Workspace}/roleAssignments", new JsonObject { ["roleName"] = "Synapse User", ["principalId"] = User, ["principalType"] = "User" });

        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/roleAssignments?api-version=2020-12-01");
        request.Headers.Authorization = new("Bearer", Token(AdminUser, Audience));
        using var first = await emu.Client.SendAsync(request);
        var continuation = first.Headers.GetValues("x-ms-continuation").Single();
        var second = new HttpRequestMessage(HttpMethod.Get, $"{Base}/roleAssignments?api-version=2020-12-01");
        second.Headers.Authorization = new("Bearer", Token(AdminUser, Audience));
        second.Headers.Add("x-ms-continuation", continuation);
        using var next = await emu.Client.SendAsync(second);

        Assert.Single((await JsonAsync(first))["value"]!.AsArray());
        Assert.Single((await JsonAsync(next))["value"]!.AsArray());
        Assert.False(next.Headers.Contains("x-ms-continuation"));
    }

    [Fact]
    public async Task LinkedServicesCanCarryAnExpressionUrlOrOnlyAConnectionString()
    {
        var scenario = BaseScenario();
        scenario.SynapseWorkspaces[0].LinkedServices =
        [
            new AzureEmulator.State.LinkedService { Name = "ByExpression", Type = "AzureBlobFS", Url = "https://lake.dfs.core.windows.net/", UrlAsExpression = true },
            new AzureEmulator.State.LinkedService { Name = "ByConnectionString", Type = "AzureBlobStorage", ConnectionString = "DefaultEndpointsProtocol=https;AccountName=lake;EndpointSuffix=core.windows.net" },
        ];
        await using var emu = await StartAsync(scenario);

        using var r = await emu.SendAsync(HttpMethod.Get, $"{Base}/linkedservices?api-version=2020-12-01", Token(AdminUser, Audience));

        var items = (await JsonAsync(r))["value"]!.AsArray();
        var url = items[0]!["properties"]!["typeProperties"]!["url"]!;
        Assert.Equal("Expression", url["type"]!.GetValue<string>());
        Assert.Equal("https://lake.dfs.core.windows.net/", url["value"]!.GetValue<string>());
        var byConnection = items[1]!["properties"]!["typeProperties"]!.AsObject();
        Assert.False(byConnection.ContainsKey("url"));
        Assert.StartsWith("DefaultEndpointsProtocol=https;AccountName=lake", byConnection["connectionString"]!.GetValue<string>());
    }
}
