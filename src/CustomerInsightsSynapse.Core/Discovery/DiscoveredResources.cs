using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>A subscription the signed-in account can see.</summary>
public sealed record DiscoveredSubscription(string SubscriptionId, string DisplayName, string? State)
{
    internal static DiscoveredSubscription? From(JsonElement e) =>
        Json.String(e, "subscriptionId") is { Length: > 0 } id
            ? new DiscoveredSubscription(id, Json.String(e, "displayName") ?? id, Json.String(e, "state"))
            : null;
}

/// <summary>A Synapse workspace with the storage linked to it by default and its managed identity.</summary>
public sealed record DiscoveredWorkspace(
    string ResourceId,
    string SubscriptionId,
    string ResourceGroupName,
    string Name,
    string? Location,
    string? DefaultDataLakeStorageAccountName,
    string? DefaultDataLakeStorageAccountResourceId,
    string? DefaultDataLakeStorageFilesystem,
    string? ManagedIdentityPrincipalId)
{
    internal static DiscoveredWorkspace? From(JsonElement e)
    {
        if (!TryParse(Json.String(e, "id"), out var id) || id.Name is null || id.ResourceGroup is null)
        {
            return null;
        }

        var lake = Json.Object(Json.Object(e, "properties"), "defaultDataLakeStorage");
        var lakeId = Json.String(lake, "resourceId") is { Length: > 0 } r ? r : null;
        var accountName = AccountNameFromUrl(Json.String(lake, "accountUrl"))
            ?? (lakeId is not null && TryParse(lakeId, out var parsed) ? parsed.Name : null);
        return new DiscoveredWorkspace(
            id.ToString(),
            id.SubscriptionId,
            id.ResourceGroup,
            id.Name,
            Json.String(e, "location"),
            accountName,
            lakeId,
            Json.String(lake, "filesystem") is { Length: > 0 } fs ? fs : null,
            Json.String(Json.Object(e, "identity"), "principalId"));
    }

    /// <summary>Whether the storage account is this workspace's default data lake account (by resource id, else by name).</summary>
    public bool HasDefaultDataLake(string accountResourceId, string accountName) =>
        DefaultDataLakeStorageAccountResourceId is not null
            ? AzureResourceId.SameId(DefaultDataLakeStorageAccountResourceId, accountResourceId)
            : string.Equals(DefaultDataLakeStorageAccountName, accountName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The storage account name from a data lake URL: the first label of its host (https://name.dfs.core.windows.net),
    /// or the first path segment of a path-style URL (an emulator at an IP address).
    /// </summary>
    private static string? AccountNameFromUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var name = uri.HostNameType == UriHostNameType.Dns ? uri.Host.Split('.')[0] : uri.AbsolutePath.Trim('/').Split('/')[0];
        return name.Length > 0 ? name : null;
    }

    internal static bool TryParse(string? resourceId, out AzureResourceId id)
    {
        id = null!;
        if (string.IsNullOrEmpty(resourceId))
        {
            return false;
        }

        try
        {
            id = AzureResourceId.Parse(resourceId);
            return true;
        }
        catch (Diagnostics.CISynapseException)
        {
            return false;
        }
    }
}

/// <summary>A storage account, with whether hierarchical namespace (ADLS Gen2) is enabled.</summary>
public sealed record DiscoveredStorageAccount(string ResourceId, string SubscriptionId, string ResourceGroupName, string Name, string? Kind, bool? IsHnsEnabled)
{
    internal static DiscoveredStorageAccount? From(JsonElement e) =>
        DiscoveredWorkspace.TryParse(Json.String(e, "id"), out var id) && id.Name is not null && id.ResourceGroup is not null
            ? new DiscoveredStorageAccount(id.ToString(), id.SubscriptionId, id.ResourceGroup, id.Name, Json.String(e, "kind"), Json.Bool(Json.Object(e, "properties"), "isHnsEnabled"))
            : null;
}

/// <summary>A blob container (a data lake filesystem) of a storage account.</summary>
public sealed record DiscoveredContainer(string Name, string StorageAccountResourceId)
{
    internal static DiscoveredContainer? From(JsonElement e, string storageAccountResourceId) =>
        Json.String(e, "name") is { Length: > 0 } name ? new DiscoveredContainer(name, storageAccountResourceId) : null;
}
