using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AzureEmulator.State;
using AzureEmulator.Testing;
using AzureEmulator.Tokens;

namespace AzureEmulator.Tests;

/// <summary>An emulator started in-process on a free port with a scenario, and an HTTPS client that trusts its certificate.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    public const string Tenant = "11111111-0000-4000-8000-000000000000";
    public const string Sub = "22222222-0000-4000-8000-000000000000";
    public const string Rg = "rg-data";
    public const string Account = "lakeacct";
    public const string Container = "exports";
    public const string Workspace = "ws-test";
    public const string AdminUser = "aaaaaaaa-0000-4000-8000-000000000001";
    public const string User = "aaaaaaaa-0000-4000-8000-000000000002";
    public const string InnerGroup = "aaaaaaaa-0000-4000-8000-000000000003";
    public const string OuterGroup = "aaaaaaaa-0000-4000-8000-000000000004";
    public const string DataOnlyUser = "aaaaaaaa-0000-4000-8000-000000000005";
    public const string ServicePrincipal = "aaaaaaaa-0000-4000-8000-000000000006";
    public const string CiAppId = "0bfc4568-a4ba-4c58-bd3e-5d3e76bd7fff";

    public static readonly string SubScope = $"/subscriptions/{Sub}";
    public static readonly string RgScope = $"{SubScope}/resourceGroups/{Rg}";
    public static readonly string AccountScope = $"{RgScope}/providers/Microsoft.Storage/storageAccounts/{Account}";
    public static readonly string ContainerScope = $"{AccountScope}/blobServices/default/containers/{Container}";

    private TestEmulator(LocalEmulator local, HttpClient client)
    {
        Local = local;
        Client = client;
    }

    public LocalEmulator Local { get; }

    public EmulatorHost Host => Local.Host;

    public HttpClient Client { get; }

    public Uri BaseUrl => Host.BaseUrl;

    public static async Task<TestEmulator> StartAsync(Scenario? scenario = null, TimeProvider? clock = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var local = await LocalEmulator.StartAsync(scenario ?? BaseScenario(), new Uri("https://127.0.0.1:10443/devstoreaccount1"), clock, certificate: certificate);
        var client = new HttpClient(local.CreateHandler()) { BaseAddress = local.Host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        return new TestEmulator(local, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Local.DisposeAsync();
    }

    /// <summary>A small tenant: an admin (Owner on the subscription), a user in nested groups, a data-only user, the CI service principal.</summary>
    public static Scenario BaseScenario() => new()
    {
        TenantId = Tenant,
        SignedInUser = AdminUser,
        Principals =
        [
            new Principal { Id = AdminUser, Type = "User", DisplayName = "Admin", UserPrincipalName = "admin@contoso.example" },
            new Principal { Id = User, Type = "User", DisplayName = "User", UserPrincipalName = "user@contoso.example" },
            new Principal { Id = DataOnlyUser, Type = "User", DisplayName = "Data only", UserPrincipalName = "data@contoso.example" },
            new Principal { Id = InnerGroup, Type = "Group", DisplayName = "Inner", Members = [User] },
            new Principal { Id = OuterGroup, Type = "Group", DisplayName = "Outer", Members = [InnerGroup] },
            new Principal { Id = ServicePrincipal, Type = "ServicePrincipal", DisplayName = "Dynamics 365 AI for Customer Insights", AppId = CiAppId },
        ],
        Subscriptions = [new Subscription { SubscriptionId = Sub, DisplayName = "Test", ResourceGroups = [new ResourceGroup { Name = Rg }] }],
        StorageAccounts =
        [
            new StorageAccount { SubscriptionId = Sub, ResourceGroup = Rg, Name = Account, IsHnsEnabled = true, Containers = [new BlobContainer { Name = Container }] },
        ],
        SynapseWorkspaces =
        [
            new SynapseWorkspace
            {
                SubscriptionId = Sub, ResourceGroup = Rg, Name = Workspace,
                Identity = new ManagedIdentity { PrincipalId = ServicePrincipal },
                DefaultDataLakeStorage = new DataLakeStorage { AccountName = Account, Filesystem = Container },
                FirewallRules =
                [
                    new FirewallRule { Name = "AllowAllWindowsAzureIps", StartIpAddress = "0.0.0.0", EndIpAddress = "0.0.0.0" },
                    new FirewallRule { Name = "ClientIp-127.0.0.1", StartIpAddress = "127.0.0.1", EndIpAddress = "127.0.0.1" },
                ],
                RoleAssignments = [new SynapseRoleAssignment { RoleName = "Synapse Administrator", PrincipalId = AdminUser, PrincipalType = "User" }],
            },
        ],
        RoleAssignments =
        [
            new RoleAssignment { Scope = SubScope, RoleName = "Owner", PrincipalId = AdminUser },
            new RoleAssignment { Scope = AccountScope, RoleName = "Storage Blob Data Contributor", PrincipalId = DataOnlyUser },
        ],
    };

    public static string Token(string oid, string audience, TimeSpan? lifetime = null) =>
        TokenValidator.CreateToken(oid, Tenant, audience, DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromHours(1)));

    public string ArmToken(string oid = AdminUser) => Token(oid, BaseUrl.GetLeftPart(UriPartial.Authority));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? token, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> ArmGetAsync(string pathAndQuery, string? oid = AdminUser) =>
        SendAsync(HttpMethod.Get, pathAndQuery, oid is null ? null : ArmToken(oid));

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public async Task<JsonNode> AdminAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var response = await SendAsync(method, "/_admin/" + path, null, body);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static string RoleAssignments(string scope, string? filter = null) =>
        $"{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01" + (filter is null ? "" : "&$filter=" + Uri.EscapeDataString(filter));
}
