using global::Azure.Core;
using global::Azure.Identity;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// What the module signs in with: the cloud, the credential and the tenant. Lives in memory only.
/// </summary>
public sealed class AzureSession
{
    private AzureSession(CloudEnvironment cloud, TokenCredential credential, SignInMethod method, string? tenantId, string? managedIdentityClientId)
    {
        Cloud = cloud;
        Credential = credential;
        Method = method;
        TenantId = tenantId;
        ManagedIdentityClientId = managedIdentityClientId;
    }

    public CloudEnvironment Cloud { get; }

    /// <summary>
    /// The credential. Internal on purpose: the cmdlet assembly must never touch an Azure SDK type (it would
    /// bind to whatever Azure.Core the session loaded first); Core services take the session instead.
    /// </summary>
    internal TokenCredential Credential { get; }

    /// <summary>With supplied tokens: the audiences a token was given for; empty otherwise.</summary>
    public IReadOnlyList<string> SuppliedTokenAudiences =>
        Credential is AccessTokenCredential supplied ? supplied.Audiences.OrderBy(a => a, StringComparer.Ordinal).ToArray() : [];

    /// <summary>Blob clients signed in with this session.</summary>
    public BlobClientFactory CreateBlobClientFactory() => new(Credential);

    /// <summary>A JSON REST client for a service of this session's cloud, or one at an endpoint that Azure returned.</summary>
    public AzureRestClient CreateRestClient(Uri baseUri, string audience) => new(baseUri, Credential, audience);

    /// <summary>A client for this session's Resource Manager endpoint.</summary>
    public AzureRestClient CreateResourceManagerClient() => CreateRestClient(Cloud.ResourceManagerUrl, Cloud.ResourceManagerAudience);

    /// <summary>A client for this session's Microsoft Graph endpoint.</summary>
    public AzureRestClient CreateGraphClient() => CreateRestClient(Cloud.GraphUrl, Cloud.GraphAudience);

    public SignInMethod Method { get; }

    /// <summary>The tenant asked for at sign-in; the token's tid wins when known.</summary>
    public string? TenantId { get; }

    public string? ManagedIdentityClientId { get; }

    public static AzureSession WithDefaultCredential(CloudEnvironment cloud, string? tenantId = null)
    {
        var options = new DefaultAzureCredentialOptions { AuthorityHost = cloud.AuthorityHost };
        if (!string.IsNullOrEmpty(tenantId))
        {
            options.TenantId = tenantId;
        }

        return new AzureSession(cloud, new DefaultAzureCredential(options), SignInMethod.Default, tenantId, null);
    }

    /// <summary>
    /// The session of a process where nobody connected: the default credential chain in the given cloud, failing
    /// with NotConnected (and the commands that sign in) when the chain finds no credential.
    /// </summary>
    public static AzureSession NotSignedIn(CloudEnvironment cloud)
    {
        var chain = new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = cloud.AuthorityHost });
        return new AzureSession(cloud, new NotSignedInCredential(chain), SignInMethod.Default, null, null);
    }

    public static AzureSession WithManagedIdentity(CloudEnvironment cloud, string? clientId = null, string? tenantId = null)
    {
        var id = string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId);
        var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id) { AuthorityHost = cloud.AuthorityHost });
        return new AzureSession(cloud, credential, SignInMethod.ManagedIdentity, tenantId, clientId);
    }

    /// <summary>
    /// Sign in with tokens the caller holds. <paramref name="resourceManagerToken"/> is required; the others
    /// are needed only by the operations that call those services.
    /// </summary>
    public static AzureSession WithAccessTokens(
        CloudEnvironment cloud,
        string resourceManagerToken,
        string? storageToken = null,
        string? synapseToken = null,
        string? graphToken = null,
        string? sqlToken = null,
        string? tenantId = null,
        TimeProvider? clock = null)
    {
        if (string.IsNullOrWhiteSpace(resourceManagerToken))
        {
            throw new CISynapseException(ErrorIds.InvalidAccessToken, ErrorKind.InvalidArgument, "The Resource Manager access token is empty.");
        }

        var claims = JwtClaims.Parse(resourceManagerToken);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        if (claims.ExpiresOn is { } exp && exp <= now)
        {
            throw new CISynapseException(
                ErrorIds.AccessTokenExpired,
                ErrorKind.AuthenticationError,
                $"The Resource Manager access token expired at {exp:u}. Get a new token and connect again.");
        }

        var tokens = new Dictionary<string, string>
        {
            [cloud.ResourceManagerAudience] = resourceManagerToken,
        };
        Add(tokens, cloud.StorageAudience, storageToken);
        Add(tokens, cloud.SynapseAudience, synapseToken);
        Add(tokens, cloud.GraphAudience, graphToken);
        Add(tokens, cloud.SqlAudience, sqlToken);
        return new AzureSession(cloud, new AccessTokenCredential(tokens, clock), SignInMethod.AccessToken, tenantId ?? claims.TenantId, null);
    }

    /// <summary>Gets a token for an audience and reads who it names. The token itself is not returned.</summary>
    public async Task<JwtClaims> GetIdentityAsync(string audience, CancellationToken cancellationToken)
    {
        AccessToken token;
        try
        {
            token = await Credential.GetTokenAsync(new TokenRequestContext([CloudEnvironment.ScopeFor(audience)], tenantId: TenantId), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new CISynapseException(
                ErrorIds.AuthenticationFailed,
                ErrorKind.AuthenticationError,
                $"Could not get an access token for '{audience}': {ex.Message}",
                audience,
                ex)
            {
                RecommendedAction = "Sign in with Connect-AzAccount or az login, use -Identity in a runbook, or pass -AccessToken.",
            };
        }

        return JwtClaims.TryParse(token.Token, out var claims) && claims is not null
            ? claims
            : new JwtClaims(null, TenantId, audience, null, null, token.ExpiresOn);
    }

    private static void Add(Dictionary<string, string> tokens, string audience, string? token)
    {
        if (!string.IsNullOrWhiteSpace(token))
        {
            tokens[audience] = token;
        }
    }
}
