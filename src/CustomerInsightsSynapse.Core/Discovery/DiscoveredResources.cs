using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>A subscription the signed-in account can see.</summary>
public sealed record DiscoveredSubscription(string SubscriptionId, string DisplayName, string? State)
{
    internal static DiscoveredSubscription? From(JsonElement e) =>
        TolerantJson.String(e, "subscriptionId") is { Length: > 0 } id
            ? new DiscoveredSubscription(id, TolerantJson.String(e, "displayName") ?? id, TolerantJson.String(e, "state"))
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
        var workspace = WorkspaceResource.FromJson(e);
        if (!AzureResourceId.TryParse(workspace.ResourceId, out var id) || id.Name is null || id.ResourceGroup is null)
        {
            return null;
        }

        var lake = workspace.DefaultDataLake;
        return new DiscoveredWorkspace(
            id.ToString(),
            id.SubscriptionId,
            id.ResourceGroup,
            id.Name,
            workspace.Location,
            lake.AccountName,
            lake.ResourceId,
            lake.Filesystem,
            workspace.ManagedIdentityPrincipalId);
    }

    /// <summary>Whether the storage account is this workspace's default data lake account (by resource id, else by name).</summary>
    public bool HasDefaultDataLake(string accountResourceId, string accountName) =>
        DefaultDataLakeStorageAccountResourceId is not null
            ? AzureResourceId.SameId(DefaultDataLakeStorageAccountResourceId, accountResourceId)
            : string.Equals(DefaultDataLakeStorageAccountName, accountName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A storage account, with whether hierarchical namespace (ADLS Gen2) is enabled.</summary>
public sealed record DiscoveredStorageAccount(string ResourceId, string SubscriptionId, string ResourceGroupName, string Name, string? Kind, bool? IsHnsEnabled)
{
    internal static DiscoveredStorageAccount? From(JsonElement e)
    {
        var account = StorageAccountResource.FromJson(e);
        return AzureResourceId.TryParse(account.ResourceId, out var id) && id.Name is not null && id.ResourceGroup is not null
            ? new DiscoveredStorageAccount(id.ToString(), id.SubscriptionId, id.ResourceGroup, id.Name, account.Kind, account.IsHnsEnabled)
            : null;
    }
}

/// <summary>A blob container (a data lake filesystem) of a storage account.</summary>
public sealed record DiscoveredContainer(string Name, string StorageAccountResourceId)
{
    internal static DiscoveredContainer? From(JsonElement e, string storageAccountResourceId) =>
        TolerantJson.String(e, "name") is { Length: > 0 } name ? new DiscoveredContainer(name, storageAccountResourceId) : null;
}
