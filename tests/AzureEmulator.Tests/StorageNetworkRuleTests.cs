using System.Net;
using AzureEmulator.State;
using AzureEmulator.Storage;
using AzureEmulator.Testing;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

/// <summary>The storage front door (the emulator's storage proxy) applies each account's network rules as Azure does.</summary>
public sealed class StorageNetworkRuleTests
{
    /// <summary>
    /// An emulator whose storage proxy forwards to a stand-in for Azurite (<see cref="BlobStandIn"/>), each on a port
    /// chosen when it binds: a request the rules admit is forwarded and answered by the stand-in; one they refuse
    /// never leaves the proxy.
    /// </summary>
    private static async Task<(EmulatorHost Host, BlobStandIn StandIn, HttpClient Client, int ProxyPort)> StartWithProxyAsync(Scenario scenario)
    {
        var standIn = await BlobStandIn.StartAsync();
        var certificate = LocalEmulator.CreateCertificate();
        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(new EmulatorOptions(scenario, certificate, 0, standIn.AccountUrl, SqlPort: -1) { StorageProxyPort = 0 });
        }
        catch
        {
            await standIn.DisposeAsync();
            throw;
        }

        var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
        return (host, standIn, client, host.Context.StorageProxy!.Port);
    }

    private static Scenario WithAcls(string defaultAction, string publicNetworkAccess = "Enabled", params string[] ipRules)
    {
        var s = BaseScenario();
        s.StorageAccounts[0].PublicNetworkAccess = publicNetworkAccess;
        s.StorageAccounts[0].NetworkAcls = new NetworkAcls
        {
            DefaultAction = defaultAction,
            IpRules = ipRules.Select(r => new IpRule { Value = r }).ToList(),
            ResourceAccessRules = [new ResourceAccessRule { TenantId = Tenant, ResourceId = $"{RgScope}/providers/Microsoft.Synapse/workspaces/{Workspace}" }],
        };
        return s;
    }

    [Theory]
    [InlineData("Deny", "Enabled", new string[0], true)]
    [InlineData("Deny", "Enabled", new[] { "203.0.113.7" }, true)]
    [InlineData("Deny", "Disabled", new[] { "127.0.0.1" }, true)]
    [InlineData("Deny", "Enabled", new[] { "127.0.0.1" }, false)]
    [InlineData("Deny", "Enabled", new[] { "127.0.0.0/8" }, false)]
    [InlineData("Allow", "Enabled", new string[0], false)]
    public async Task A_data_request_is_refused_with_AuthorizationFailure_unless_the_network_rules_admit_the_client(string defaultAction, string publicNetworkAccess, string[] ipRules, bool refused)
    {
        var (host, standIn, client, proxyPort) = await StartWithProxyAsync(WithAcls(defaultAction, publicNetworkAccess, ipRules));
        await using var _ = standIn;
        await using var __ = host;
        using var ___ = client;

        using var response = await client.GetAsync($"https://127.0.0.1:{proxyPort}/{Account}/{Container}?restype=container&comp=list");
        var body = await response.Content.ReadAsStringAsync();

        if (refused)
        {
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal(StorageNetworkRules.RefusedCode, response.Headers.GetValues("x-ms-error-code").Single());
            Assert.Contains("<Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.", body);
        }
        else
        {
            Assert.False(response.Headers.TryGetValues("x-ms-error-code", out var code) && code.Contains(StorageNetworkRules.RefusedCode), body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(BlobStandIn.Size, body.Length);
        }
    }

    [Fact]
    public void The_prepared_tenant_admits_the_local_client_through_an_IP_rule_although_it_denies_by_default()
    {
        var scenario = LocalEmulator.LoadScenario("prepared-tenant");
        var account = scenario.StorageAccounts[0];

        Assert.Equal("Deny", account.NetworkAcls.DefaultAction);
        Assert.True(StorageNetworkRules.Admits(scenario, account.Name, IPAddress.Loopback));
        Assert.False(StorageNetworkRules.Admits(scenario, account.Name, IPAddress.Parse("198.51.100.4")));
    }
}
