using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>What the module reads of a storage account (Microsoft.Storage/storageAccounts).</summary>
public sealed record StorageAccountResource(
    string ResourceId,
    string? Name,
    string? Kind,
    bool? IsHnsEnabled,
    string? BlobEndpoint,
    string? PublicNetworkAccess,
    StorageNetworkRules NetworkRules)
{
    public bool PublicNetworkAccessDisabled => string.Equals(PublicNetworkAccess, "Disabled", StringComparison.OrdinalIgnoreCase);

    internal static StorageAccountResource FromJson(JsonElement e)
    {
        var properties = TolerantJson.Object(e, "properties");
        var acls = TolerantJson.Object(properties, "networkAcls");
        return new StorageAccountResource(
            TolerantJson.String(e, "id") ?? string.Empty,
            TolerantJson.String(e, "name"),
            TolerantJson.String(e, "kind"),
            TolerantJson.Bool(properties, "isHnsEnabled"),
            TolerantJson.String(TolerantJson.Object(properties, "primaryEndpoints"), "blob"),
            TolerantJson.String(properties, "publicNetworkAccess"),
            new StorageNetworkRules(
                TolerantJson.String(acls, "defaultAction") ?? "Allow",
                TolerantJson.Array(acls, "resourceAccessRules").Select(r => TolerantJson.String(r, "resourceId")).OfType<string>().ToArray()));
    }
}

/// <summary>A storage account's firewall: its default action and the resource instances its rules let in.</summary>
public sealed record StorageNetworkRules(string DefaultAction, IReadOnlyList<string> ResourceAccessRuleIds)
{
    public bool AllowsByDefault => DefaultAction.Equals("Allow", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What the module reads of a Synapse workspace (Microsoft.Synapse/workspaces).</summary>
public sealed record WorkspaceResource(
    string ResourceId,
    string? Name,
    string? Location,
    string? ManagedIdentityPrincipalId,
    string? DevEndpoint,
    string? SqlOnDemandEndpoint,
    DefaultDataLake DefaultDataLake,
    string? PublicNetworkAccess = null)
{
    internal static WorkspaceResource FromJson(JsonElement e)
    {
        var properties = TolerantJson.Object(e, "properties");
        var endpoints = TolerantJson.Object(properties, "connectivityEndpoints");
        var lake = TolerantJson.Object(properties, "defaultDataLakeStorage");
        return new WorkspaceResource(
            TolerantJson.String(e, "id") ?? string.Empty,
            TolerantJson.String(e, "name"),
            TolerantJson.String(e, "location"),
            TolerantJson.String(TolerantJson.Object(e, "identity"), "principalId"),
            TolerantJson.String(endpoints, "dev"),
            TolerantJson.String(endpoints, "sqlOnDemand"),
            new DefaultDataLake(
                TolerantJson.String(lake, "resourceId") is { Length: > 0 } id ? id : null,
                TolerantJson.String(lake, "accountUrl"),
                TolerantJson.String(lake, "filesystem") is { Length: > 0 } fs ? fs : null),
            TolerantJson.String(properties, "publicNetworkAccess"));
    }

    /// <summary>The development endpoint (Synapse data plane), when it is a URL.</summary>
    public Uri? DevEndpointUri => Uri.TryCreate(DevEndpoint, UriKind.Absolute, out var uri) ? uri : null;
}

/// <summary>The storage a workspace was created with: its default data lake account and filesystem.</summary>
public sealed record DefaultDataLake(string? ResourceId, string? AccountUrl, string? Filesystem)
{
    /// <summary>The account name from the account URL, else from the resource id.</summary>
    public string? AccountName =>
        AccountNameFromUrl(AccountUrl) ?? (ResourceId is not null && AzureResourceId.TryParse(ResourceId, out var id) ? id.Name : null);

    /// <summary>Whether the account is this default data lake: by resource id, or by the account named in the URL.</summary>
    public bool Is(string accountResourceId, string accountName) =>
        AzureResourceId.SameId(ResourceId, accountResourceId)
        || (AccountNameFromUrl(AccountUrl) is { } account && string.Equals(account, accountName, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The storage account name from a data lake URL: the first label of its host (https://name.dfs.core.windows.net),
    /// or the first path segment of a path-style URL (an emulator at an IP address).
    /// </summary>
    public static string? AccountNameFromUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? AccountNameFromUri(uri) : null;

    internal static string? AccountNameFromUri(Uri uri) =>
        (uri.HostNameType == UriHostNameType.Dns ? uri.Host.Split('.')[0] : uri.AbsolutePath.Trim('/').Split('/')[0]) is { Length: > 0 } name ? name : null;
}
