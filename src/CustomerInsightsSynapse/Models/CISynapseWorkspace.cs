using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Models;

/// <summary>
/// A Synapse workspace the signed-in account can see, with the storage linked to it by default. Pipes into
/// New-CISynapseConnection by property name: Name, SubscriptionId, ResourceGroupName and Id name the workspace (as
/// Get-AzSynapseWorkspace output does); the default data lake account and filesystem name the storage and container.
/// </summary>
public sealed class CISynapseWorkspace
{
    internal CISynapseWorkspace(WorkspaceListing listing)
    {
        var w = listing.Workspace;
        Name = w.Name;
        ResourceGroupName = w.ResourceGroupName;
        SubscriptionId = w.SubscriptionId;
        SubscriptionName = listing.SubscriptionName;
        Id = w.ResourceId;
        Location = w.Location;
        DefaultDataLakeStorageAccountName = w.DefaultDataLakeStorageAccountName ?? listing.DefaultDataLakeStorageAccount?.Name;
        DefaultDataLakeStorageAccountResourceId = w.DefaultDataLakeStorageAccountResourceId ?? listing.DefaultDataLakeStorageAccount?.ResourceId;
        DefaultDataLakeStorageFilesystem = w.DefaultDataLakeStorageFilesystem;
        DefaultDataLakeStorageIsHnsEnabled = listing.DefaultDataLakeStorageAccount?.IsHnsEnabled;
        ManagedIdentityPrincipalId = w.ManagedIdentityPrincipalId;
    }

    /// <summary>The workspace name.</summary>
    public string Name { get; }

    public string ResourceGroupName { get; }

    public string SubscriptionId { get; }

    /// <summary>The subscription's display name.</summary>
    public string? SubscriptionName { get; }

    /// <summary>The workspace's resource id.</summary>
    public string Id { get; }

    public string? Location { get; }

    /// <summary>The storage account of the workspace's primary (default) ADLS Gen2 file system.</summary>
    public string? DefaultDataLakeStorageAccountName { get; }

    /// <summary>Its resource id; null when Resource Manager does not give it and the account cannot read the account.</summary>
    public string? DefaultDataLakeStorageAccountResourceId { get; }

    /// <summary>The default file system: a container of the default data lake account.</summary>
    public string? DefaultDataLakeStorageFilesystem { get; }

    /// <summary>Whether the default data lake account has hierarchical namespace enabled; null when the account cannot read it.</summary>
    public bool? DefaultDataLakeStorageIsHnsEnabled { get; }

    /// <summary>The object id of the workspace's system-assigned managed identity (it needs Storage Blob Data Contributor).</summary>
    public string? ManagedIdentityPrincipalId { get; }

    /// <summary>account/filesystem, for the table view.</summary>
    public string DefaultDataLake => DefaultDataLakeStorageAccountName is null ? string.Empty : $"{DefaultDataLakeStorageAccountName}/{DefaultDataLakeStorageFilesystem}";
}
