using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Models;

/// <summary>Who the module acts as, and in which cloud. Holds no token.</summary>
public sealed class CISynapseContext
{
    internal CISynapseContext(AzureSession session, JwtClaims? identity)
    {
        Account = identity?.ObjectId;
        UserPrincipalName = identity?.UserPrincipalName;
        ApplicationId = identity?.AppId;
        TenantId = identity?.TenantId ?? session.TenantId;
        Environment = session.Cloud.Name;
        ResourceManagerUrl = session.Cloud.ResourceManagerUrl.AbsoluteUri;
        GraphUrl = session.Cloud.GraphUrl.AbsoluteUri;
        SignInMethod = session.Method.ToString();
        ManagedIdentityClientId = session.ManagedIdentityClientId;
        TokenExpiresOn = identity?.ExpiresOn;
        TokenAudiences = session.SuppliedTokenAudiences;
    }

    /// <summary>The object id (oid) of the signed-in user, service principal or managed identity.</summary>
    public string? Account { get; }

    public string? UserPrincipalName { get; }

    /// <summary>The application id when the account is a service principal or managed identity.</summary>
    public string? ApplicationId { get; }

    public string? TenantId { get; }

    /// <summary>AzureCloud, AzureUSGovernment, AzureChinaCloud or Custom.</summary>
    public string Environment { get; }

    public string ResourceManagerUrl { get; }

    public string GraphUrl { get; }

    /// <summary>Default, ManagedIdentity or AccessToken.</summary>
    public string SignInMethod { get; }

    public string? ManagedIdentityClientId { get; }

    /// <summary>When the Resource Manager token seen at sign-in expires.</summary>
    public DateTimeOffset? TokenExpiresOn { get; }

    /// <summary>With -AccessToken: the audiences a token was supplied for.</summary>
    public IReadOnlyList<string> TokenAudiences { get; }
}
