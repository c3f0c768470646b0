namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// The id of every prerequisite check (<see cref="PrerequisiteResult.CheckId"/>): stable names scripts filter on
/// (<c>Where-Object CheckId -eq ...</c>) and the help lists. A new check adds its id here and to <see cref="All"/>.
/// </summary>
public static class CheckIds
{
    public const string SubscriptionEnabled = "SubscriptionEnabled";
    public const string ContainerExists = "ContainerExists";
    public const string HierarchicalNamespace = "HierarchicalNamespace";
    public const string StorageLinkedToWorkspace = "StorageLinkedToWorkspace";
    public const string StorageFirewallAllowsWorkspace = "StorageFirewallAllowsWorkspace";
    public const string StorageNetworkAllowsCaller = "StorageNetworkAllowsCaller";
    public const string WorkspaceFirewallAllowsAzureServices = "WorkspaceFirewallAllowsAzureServices";
    public const string WorkspaceFirewallAllowsCaller = "WorkspaceFirewallAllowsCaller";
    public const string ServicePrincipalExists = "ServicePrincipalExists";
    public const string ServicePrincipalStorageAccess = "ServicePrincipalStorageAccess";
    public const string UserStorageAccess = "UserStorageAccess";
    public const string WorkspaceIdentityStorageAccess = "WorkspaceIdentityStorageAccess";
    public const string QueryUserStorageAccess = "QueryUserStorageAccess";
    public const string ServicePrincipalResourceGroupReader = "ServicePrincipalResourceGroupReader";
    public const string UserResourceGroupReader = "UserResourceGroupReader";
    public const string ServicePrincipalSynapseAdministrator = "ServicePrincipalSynapseAdministrator";
    public const string SynapseAssignmentPrincipalType = "SynapseAssignmentPrincipalType";
    public const string UserSqlRights = "UserSqlRights";

    public static IReadOnlyList<string> All { get; } =
    [
        SubscriptionEnabled,
        ContainerExists,
        HierarchicalNamespace,
        StorageLinkedToWorkspace,
        StorageFirewallAllowsWorkspace,
        StorageNetworkAllowsCaller,
        WorkspaceFirewallAllowsAzureServices,
        WorkspaceFirewallAllowsCaller,
        ServicePrincipalExists,
        ServicePrincipalStorageAccess,
        UserStorageAccess,
        WorkspaceIdentityStorageAccess,
        QueryUserStorageAccess,
        ServicePrincipalResourceGroupReader,
        UserResourceGroupReader,
        ServicePrincipalSynapseAdministrator,
        SynapseAssignmentPrincipalType,
        UserSqlRights,
    ];
}
