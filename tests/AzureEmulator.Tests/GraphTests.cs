using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class GraphTests
{
    private const string GraphAudience = "https://graph.microsoft.com";

    [Fact]
    public async Task ServicePrincipalIsFoundByAppId()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/servicePrincipals?$filter={Uri.EscapeDataString($"appId eq '{CiAppId}'")}&$select=id,appId,displayName", Token(AdminUser, GraphAudience));
        using var none = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/servicePrincipals?$filter={Uri.EscapeDataString($"appId eq '{Guid.NewGuid()}'")}", Token(AdminUser, GraphAudience));

        var sp = (await JsonAsync(r))["value"]!.AsArray().Single()!;
        Assert.Equal(ServicePrincipal, sp["id"]!.GetValue<string>());
        Assert.Null(sp["servicePrincipalType"]); // not selected
        Assert.Empty((await JsonAsync(none))["value"]!.AsArray());
    }

    [Fact]
    public async Task TransitiveMemberOfListsNestedGroups()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/users/{User}/transitiveMemberOf", Token(AdminUser, GraphAudience));
        using var direct = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/users/{User}/memberOf", Token(AdminUser, GraphAudience));

        var ids = (await JsonAsync(r))["value"]!.AsArray().Select(g => g!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal([InnerGroup, OuterGroup], ids);
        Assert.Equal([InnerGroup], (await JsonAsync(direct))["value"]!.AsArray().Select(g => g!["id"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task UnknownObjectGets404AndWrongAudienceGets401()
    {
        await using var emu = await StartAsync();

        using var missing = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/directoryObjects/{Guid.NewGuid()}", Token(AdminUser, GraphAudience));
        using var wrongAudience = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/users/{User}", emu.ArmToken());

        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("Request_ResourceNotFound", (await JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(401, (int)wrongAudience.StatusCode);
    }

    [Fact]
    public async Task DirectoryObjectsCarryTheirODataType()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, $"/graph/v1.0/directoryObjects/{ServicePrincipal}", Token(AdminUser, GraphAudience));

        Assert.Equal("#microsoft.graph.servicePrincipal", (await JsonAsync(r))["@odata.type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetMemberGroupsListsEveryGroupTransitivelyForAnyDirectoryObject()
    {
        await using var emu = await StartAsync();

        using var user = await emu.SendAsync(HttpMethod.Post, $"/graph/v1.0/directoryObjects/{User}/getMemberGroups", Token(AdminUser, GraphAudience), new System.Text.Json.Nodes.JsonObject { ["securityEnabledOnly"] = true });
        using var group = await emu.SendAsync(HttpMethod.Post, $"/graph/v1.0/directoryObjects/{InnerGroup}/getMemberGroups", Token(AdminUser, GraphAudience), new System.Text.Json.Nodes.JsonObject { ["securityEnabledOnly"] = true });
        using var noFlag = await emu.SendAsync(HttpMethod.Post, $"/graph/v1.0/directoryObjects/{User}/getMemberGroups", Token(AdminUser, GraphAudience), new System.Text.Json.Nodes.JsonObject());

        Assert.Equal([InnerGroup, OuterGroup], (await JsonAsync(user))["value"]!.AsArray().Select(g => g!.GetValue<string>()).Order().ToList());
        Assert.Equal([OuterGroup], (await JsonAsync(group))["value"]!.AsArray().Select(g => g!.GetValue<string>()).ToList());
        Assert.Equal(400, (int)noFlag.StatusCode);
    }
}
