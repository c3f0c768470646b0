namespace CustomerInsightsSynapse.Core.Connections;

/// <summary>Who may create exports on a connection (as in Customer Insights' "Choose who can use this connection").</summary>
public enum ConnectionUsableBy
{
    Administrators,
    AdministratorsAndContributors,
}

/// <summary>
/// A connection to a Synapse workspace and the storage account and container its exports land in, as kept in
/// the definition store. <see cref="Name"/> is the key (unique without regard to case).
/// </summary>
public sealed record ConnectionDefinition
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public ConnectionUsableBy UsableBy { get; init; } = ConnectionUsableBy.Administrators;

    public required string SubscriptionId { get; init; }

    public required string WorkspaceResourceId { get; init; }

    public required string WorkspaceName { get; init; }

    public required string WorkspaceResourceGroupName { get; init; }

    public required string StorageAccountResourceId { get; init; }

    public required string StorageAccountName { get; init; }

    public required string StorageAccountResourceGroupName { get; init; }

    public required string Container { get; init; }

    /// <summary>Object id of the principal that created the connection.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedOn { get; init; }

    public string? ModifiedBy { get; init; }

    public required DateTimeOffset ModifiedOn { get; init; }

    /// <summary>Whether the workspace, storage account and container were checked against Azure when last saved.</summary>
    public bool Validated { get; init; }
}
