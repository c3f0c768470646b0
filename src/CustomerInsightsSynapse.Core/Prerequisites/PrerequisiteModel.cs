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

    /// <summary>The principalType Azure wants when a role is assigned to this principal.</summary>
    public string AzurePrincipalType => Kind == PrincipalKind.User || Kind == PrincipalKind.QueryUser ? "User" : "ServicePrincipal";
}

public enum RepairKind
{
    ArmRoleAssignment,
    SynapseRoleAssignment,
}

/// <summary>A fix Repair-CISynapsePrerequisite can apply: one role assignment.</summary>
public sealed record RepairAction(RepairKind Kind, string Scope, string RoleId, string RoleName, string PrincipalId, string PrincipalType, Uri? SynapseEndpoint = null);

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
