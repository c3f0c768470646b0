using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class AuthenticationTests
{
    private static readonly string AccountPath = $"{AccountScope}?api-version=2023-01-01";

    [Fact]
    public async Task ExpiredTokenGets401ExpiredAuthenticationToken()
    {
        await using var emu = await StartAsync();
        var expired = Token(AdminUser, emu.BaseUrl.GetLeftPart(UriPartial.Authority), TimeSpan.FromMinutes(-5));

        using var r = await emu.SendAsync(HttpMethod.Get, AccountPath, expired);

        Assert.Equal(401, (int)r.StatusCode);
        Assert.Equal("ExpiredAuthenticationToken", (await JsonAsync(r))["error"]!["code"]!.GetValue<string>());
        Assert.Contains("invalid_token", r.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task MissingOrMalformedTokenGets401()
    {
        await using var emu = await StartAsync();

        using var missing = await emu.SendAsync(HttpMethod.Get, AccountPath, null);
        using var garbage = await emu.SendAsync(HttpMethod.Get, AccountPath, "not-a-jwt");

        Assert.Equal("AuthenticationFailed", (await JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(401, (int)garbage.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", (await JsonAsync(garbage))["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://management.azure.com", 200)]
    [InlineData("https://management.azure.com/", 200)]
    [InlineData("https://graph.microsoft.com", 401)]
    [InlineData("https://dev.azuresynapse.net", 401)]
    public async Task ArmAcceptsOnlyResourceManagerAudiences(string audience, int expected)
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, AccountPath, Token(AdminUser, audience));

        Assert.Equal(expected, (int)r.StatusCode);
    }

    [Fact]
    public async Task ArmAcceptsItsOwnAuthorityAsAudience()
    {
        await using var emu = await StartAsync();

        using var r = await emu.SendAsync(HttpMethod.Get, AccountPath, emu.ArmToken());

        Assert.Equal(200, (int)r.StatusCode);
    }

    [Fact]
    public async Task ListingRoleAssignmentsWithoutRoleAssignmentsReadGets403()
    {
        await using var emu = await StartAsync();

        // Storage Blob Data Contributor has data actions and container actions, not Microsoft.Authorization/roleAssignments/read.
        using var r = await emu.ArmGetAsync(RoleAssignments(ContainerScope, "atScope()"), DataOnlyUser);

        Assert.Equal(403, (int)r.StatusCode);
        var error = (await JsonAsync(r))["error"]!;
        Assert.Equal("AuthorizationFailed", error["code"]!.GetValue<string>());
        Assert.Contains("Microsoft.Authorization/roleAssignments/read", error["message"]!.GetValue<string>());
        Assert.Contains(DataOnlyUser, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task TakingAwayReaderThroughTheAdminApiTakesAwayListing()
    {
        var s = BaseScenario();
        s.RoleAssignments.Add(new State.RoleAssignment { Name = "cccccccc-0000-4000-8000-000000000001", Scope = RgScope, RoleName = "Reader", PrincipalId = DataOnlyUser });
        await using var emu = await StartAsync(s);

        using var before = await emu.ArmGetAsync(RoleAssignments(ContainerScope, "atScope()"), DataOnlyUser);
        await emu.AdminAsync(HttpMethod.Delete, "roleAssignments/cccccccc-0000-4000-8000-000000000001");
        using var after = await emu.ArmGetAsync(RoleAssignments(ContainerScope, "atScope()"), DataOnlyUser);

        Assert.Equal(200, (int)before.StatusCode);
        Assert.Equal(403, (int)after.StatusCode);
    }

    [Fact]
    public async Task UnknownApiVersionGets400WithTheSupportedVersions()
    {
        await using var emu = await StartAsync();

        using var authz = await emu.ArmGetAsync($"{AccountScope}/providers/Microsoft.Authorization/roleAssignments?api-version=2099-01-01");
        using var storage = await emu.ArmGetAsync($"{AccountScope}?api-version=2099-01-01");
        using var missing = await emu.ArmGetAsync($"{AccountScope}");

        Assert.Equal(400, (int)authz.StatusCode);
        var error = (await JsonAsync(authz))["error"]!;
        Assert.Equal("InvalidApiVersionParameter", error["code"]!.GetValue<string>());
        Assert.Contains("2022-04-01", error["message"]!.GetValue<string>());
        Assert.Equal("NoRegisteredProviderFound", (await JsonAsync(storage))["error"]!["code"]!.GetValue<string>());
        Assert.Equal("MissingApiVersionParameter", (await JsonAsync(missing))["error"]!["code"]!.GetValue<string>());
    }
}
