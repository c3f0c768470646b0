using System.Net;
using System.Text;
using System.Text.Json;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Tests.Connections;

/// <summary>
/// A Resource Manager stand-in at the transport level: answers GETs for the resources it was given with the
/// real response shapes, and 404 with the real error bodies for everything else. Records every request.
/// </summary>
public sealed class FakeArm : HttpClientTransport
{
    public const string SubscriptionId = "11111111-2222-3333-4444-555555555555";
    public const string ResourceGroup = "rg-ci";
    public const string Workspace = "ciws";
    public const string StorageAccount = "cistorage";
    public const string Container = "exports";

    private readonly Handler _handler;

    private FakeArm(Handler handler)
        : base(new HttpClient(handler))
    {
        _handler = handler;
    }

    public static FakeArm WithEverything(string subscriptionState = "Enabled")
    {
        var arm = new FakeArm(new Handler());
        arm.AddSubscription(SubscriptionId, subscriptionState);
        arm.AddWorkspace(SubscriptionId, ResourceGroup, Workspace);
        arm.AddStorageAccount(SubscriptionId, ResourceGroup, StorageAccount);
        arm.AddContainer(SubscriptionId, ResourceGroup, StorageAccount, Container);
        return arm;
    }

    public IReadOnlyList<string> Requests => _handler.Requests;

    public void AddSubscription(string id, string state) =>
        _handler.Resources[$"/subscriptions/{id}"] = new
        {
            id = $"/subscriptions/{id}",
            authorizationSource = "RoleBased",
            subscriptionId = id,
            tenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            displayName = "CI subscription",
            state,
            subscriptionPolicies = new { locationPlacementId = "Public_2014-09-01", quotaId = "PayAsYouGo_2014-09-01", spendingLimit = "Off" },
        };

    public void AddWorkspace(string sub, string rg, string name) =>
        _handler.Resources[$"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Synapse/workspaces/{name}"] = new
        {
            id = $"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Synapse/workspaces/{name}",
            name,
            type = "Microsoft.Synapse/workspaces",
            location = "westeurope",
            identity = new { type = "SystemAssigned", principalId = "99999999-0000-0000-0000-000000000001", tenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" },
            properties = new
            {
                defaultDataLakeStorage = new { accountUrl = $"https://{StorageAccount}.dfs.core.windows.net", filesystem = Container },
                connectivityEndpoints = new { dev = $"https://{name}.dev.azuresynapse.net", sqlOnDemand = $"{name}-ondemand.sql.azuresynapse.net" },
                provisioningState = "Succeeded",
            },
        };

    public void AddStorageAccount(string sub, string rg, string name) =>
        _handler.Resources[$"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}"] = new
        {
            id = $"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}",
            name,
            type = "Microsoft.Storage/storageAccounts",
            kind = "StorageV2",
            location = "westeurope",
            properties = new
            {
                isHnsEnabled = true,
                networkAcls = new { bypass = "AzureServices", defaultAction = "Allow", ipRules = Array.Empty<object>(), virtualNetworkRules = Array.Empty<object>() },
                primaryEndpoints = new { dfs = $"https://{name}.dfs.core.windows.net/", blob = $"https://{name}.blob.core.windows.net/" },
            },
        };

    public void AddContainer(string sub, string rg, string account, string name) =>
        _handler.Resources[$"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{account}/blobServices/default/containers/{name}"] = new
        {
            id = $"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{account}/blobServices/default/containers/{name}",
            name,
            type = "Microsoft.Storage/storageAccounts/blobServices/containers",
            etag = "\"0x8D589847D51C7DE\"",
            properties = new { publicAccess = "None", hasImmutabilityPolicy = false, hasLegalHold = false },
        };

    public void Remove(string resourceIdSuffix)
    {
        foreach (var key in _handler.Resources.Keys.Where(k => k.EndsWith(resourceIdSuffix, StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            _handler.Resources.Remove(key);
        }
    }

    /// <summary>A client for this fake, signed in with an unsigned test token.</summary>
    public AzureRestClient Client()
    {
        var options = new AzureClientOptions { Transport = this };
        options.Retry.MaxRetries = 0;
        return new AzureRestClient(new Uri("https://management.azure.com/"), new TestTokenCredential(), "https://management.azure.com", options);
    }

    private sealed class Handler : HttpMessageHandler
    {
        public Dictionary<string, object> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            lock (Requests)
            {
                Requests.Add($"{request.Method} {uri.PathAndQuery}");
            }

            if (request.Headers.Authorization?.Scheme != "Bearer")
            {
                return Task.FromResult(Json(HttpStatusCode.Unauthorized, new { error = new { code = "AuthenticationFailed", message = "Authentication failed." } }));
            }

            var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimEnd('/');
            if (Resources.TryGetValue(path, out var resource))
            {
                return Task.FromResult(Json(HttpStatusCode.OK, resource));
            }

            var error = path switch
            {
                _ when path.Split('/').Length == 3 => new { code = "SubscriptionNotFound", message = $"The subscription '{path.Split('/')[2]}' could not be found." },
                _ when path.Contains("/containers/", StringComparison.Ordinal) => new { code = "ContainerNotFound", message = "The specified container does not exist." },
                _ => new { code = "ResourceNotFound", message = $"The Resource '{path}' was not found." },
            };
            return Task.FromResult(Json(HttpStatusCode.NotFound, new { error }));
        }

        private static HttpResponseMessage Json(HttpStatusCode status, object body) => new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
    }
}

/// <summary>Hands out an unsigned JWT; the fake transport only checks that a bearer token is sent.</summary>
public sealed class TestTokenCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new("header.payload.signature", DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
