namespace CustomerInsightsSynapse.Core.Prerequisites;

public enum PrerequisiteStatus
{
    Passed,
    Failed,
    Unknown,
    Warning,
}

public enum PrincipalKind
{
    None,
    ServicePrincipal,
    User,
    WorkspaceIdentity,
    QueryUser,
}

/// <summary>Who a check is about.</summary>
public sealed record PrerequisitePrincipal(PrincipalKind Kind, string? ObjectId, string? DisplayName)
{
    public static readonly PrerequisitePrincipal None = new(PrincipalKind.None, null, null);

    /// <summary>What the directory (or the caller's token) says the principal is: User, Group or ServicePrincipal; null when unknown.</summary>
    public string? DirectoryType { get; init; }

    public bool IsGroup => string.Equals(DirectoryType, "Group", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The principalType sent when a role is assigned to this principal: what the principal is, never a guess from
    /// the check's category (Azure refuses a type that does not match with UnmatchedPrincipalType). Null (left out of
    /// the request) when the directory could not say.
    /// </summary>
    public string? AzurePrincipalType => DirectoryType ?? (Kind is PrincipalKind.ServicePrincipal or PrincipalKind.WorkspaceIdentity ? "ServicePrincipal" : null);
}

public enum RepairKind
{
    ArmRoleAssignment,
    SynapseRoleAssignment,
}

/// <summary>A fix Repair-CISynapsePrerequisite can apply: one role assignment.</summary>
public sealed record RepairAction(RepairKind Kind, string Scope, string RoleId, string RoleName, string PrincipalId, string? PrincipalType, Uri? SynapseEndpoint = null);

/// <summary>The result of one check.</summary>
public sealed record PrerequisiteResult(
    string CheckId,
    string Title,
    PrerequisitePrincipal Principal,
    string Scope,
    string Requirement,
    PrerequisiteStatus Status,
    string Reason,
    string Remediation,
    RepairAction? Repair)
{
    public bool CanRepair => Repair is not null && Status is PrerequisiteStatus.Failed;
}

/// <summary>What to check: the connection's resources and the principals involved.</summary>
public sealed record PrerequisiteTarget(
    string SubscriptionId,
    string WorkspaceResourceGroup,
    string WorkspaceName,
    string StorageAccountResourceId,
    string Container)
{
    /// <summary>The Customer Insights service principal's object id, when known; otherwise it is looked up in Graph by app id.</summary>
    public string? ServicePrincipalObjectId { get; init; }

    public string ServicePrincipalAppId { get; init; } = WellKnownRoles.CustomerInsightsAppId;

    /// <summary>The user's object id; otherwise the signed-in account's.</summary>
    public string? UserObjectId { get; init; }

    /// <summary>People who will query the database and need read access to the data.</summary>
    public IReadOnlyList<string> QueryUserObjectIds { get; init; } = [];

    public string WorkspaceResourceId => Azure.AzureResourceId.ForResource(SubscriptionId, WorkspaceResourceGroup, "Microsoft.Synapse", "workspaces", WorkspaceName);

    public string WorkspaceResourceGroupScope => Azure.AzureResourceId.ForResourceGroup(SubscriptionId, WorkspaceResourceGroup);

    public string ContainerScope => $"{StorageAccountResourceId.TrimEnd('/')}/blobServices/default/containers/{Container}";
}
