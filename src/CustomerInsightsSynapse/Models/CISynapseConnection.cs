using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Models;

/// <summary>A connection to a Synapse workspace and the storage account and container exports land in.</summary>
public sealed class CISynapseConnection
{
    internal CISynapseConnection(StoredDocument<ConnectionDefinition> document, string storeLocation)
    {
        var c = document.Content;
        Name = c.Name;
        DisplayName = c.DisplayName;
        UsableBy = c.UsableBy.ToString();
        SubscriptionId = c.SubscriptionId;
        WorkspaceName = c.WorkspaceName;
        WorkspaceResourceGroupName = c.WorkspaceResourceGroupName;
        WorkspaceResourceId = c.WorkspaceResourceId;
        StorageAccountName = c.StorageAccountName;
        StorageAccountResourceGroupName = c.StorageAccountResourceGroupName;
        StorageAccountResourceId = c.StorageAccountResourceId;
        Container = c.Container;
        Validated = c.Validated;
        CreatedBy = c.CreatedBy;
        CreatedOn = c.CreatedOn;
        ModifiedBy = c.ModifiedBy;
        ModifiedOn = c.ModifiedOn;
        Revision = document.Revision;
        StoreLocation = storeLocation;
    }

    /// <summary>The connection's key, unique in the store without regard to case.</summary>
    public string Name { get; }

    public string DisplayName { get; }

    /// <summary>Administrators, or AdministratorsAndContributors: who may create exports on it.</summary>
    public string UsableBy { get; }

    public string SubscriptionId { get; }

    public string WorkspaceName { get; }

    public string WorkspaceResourceGroupName { get; }

    public string WorkspaceResourceId { get; }

    public string StorageAccountName { get; }

    public string StorageAccountResourceGroupName { get; }

    public string StorageAccountResourceId { get; }

    public string Container { get; }

    /// <summary>Whether the subscription, workspace, storage account and container were checked in Azure when last saved.</summary>
    public bool Validated { get; }

    /// <summary>Object id of the principal that created it.</summary>
    public string CreatedBy { get; }

    public DateTimeOffset CreatedOn { get; }

    public string? ModifiedBy { get; }

    public DateTimeOffset ModifiedOn { get; }

    /// <summary>The document version; Set- and Remove-CISynapseConnection refuse a stale one.</summary>
    public long Revision { get; }

    public string StoreLocation { get; }
}
