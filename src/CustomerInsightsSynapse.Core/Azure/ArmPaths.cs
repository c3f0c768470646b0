namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// Every Resource Manager and Synapse data-plane request path the module sends, relative to the endpoint, with its
/// api-version: one place that knows the URL shapes.
/// </summary>
public static class ArmPaths
{
    public static string Subscriptions() => $"subscriptions?api-version={ApiVersions.Subscriptions}";

    public static string Subscription(string subscriptionId) => Resource(AzureResourceId.ForSubscription(subscriptionId), ApiVersions.Subscriptions);

    public static string Workspace(string workspaceResourceId) => Resource(workspaceResourceId, ApiVersions.Synapse);

    public static string StorageAccount(string storageAccountResourceId) => Resource(storageAccountResourceId, ApiVersions.Storage);

    public static string Container(string containerResourceId) => Resource(containerResourceId, ApiVersions.Storage);

    /// <summary>The workspaces of a subscription, or of one of its resource groups.</summary>
    public static string Workspaces(string subscriptionId, string? resourceGroup) =>
        Resource(AzureResourceId.ForResourceType(subscriptionId, resourceGroup, "Microsoft.Synapse/workspaces"), ApiVersions.Synapse);

    /// <summary>The storage accounts of a subscription, or of one of its resource groups.</summary>
    public static string StorageAccounts(string subscriptionId, string? resourceGroup) =>
        Resource(AzureResourceId.ForResourceType(subscriptionId, resourceGroup, "Microsoft.Storage/storageAccounts"), ApiVersions.Storage);

    public static string Containers(string storageAccountResourceId) => Resource(AzureResourceId.ContainersOf(storageAccountResourceId), ApiVersions.Storage);

    public static string FirewallRules(string workspaceResourceId) => Resource($"{workspaceResourceId.TrimEnd('/')}/firewallRules", ApiVersions.Synapse);

    public static string RoleDefinition(string roleDefinitionId) => Resource(roleDefinitionId, ApiVersions.Authorization);

    /// <summary>The id of a built-in or custom role definition as a subscription sees it.</summary>
    public static string RoleDefinitionId(string subscriptionId, string roleGuid) =>
        $"{AzureResourceId.ForSubscription(subscriptionId)}/providers/Microsoft.Authorization/roleDefinitions/{roleGuid}";

    public static string RoleAssignment(string scope, string assignmentName) =>
        Resource($"{scope.TrimEnd('/')}/providers/Microsoft.Authorization/roleAssignments/{assignmentName}", ApiVersions.Authorization);

    /// <summary>The role assignments of a scope, filtered with an OData filter (atScope(), assignedTo('id')).</summary>
    public static string RoleAssignments(string scope, string filter) =>
        Resource($"{scope.TrimEnd('/')}/providers/Microsoft.Authorization/roleAssignments", ApiVersions.Authorization) + "&$filter=" + Uri.EscapeDataString(filter);

    public static string DenyAssignments(string scope, string filter) =>
        Resource($"{scope.TrimEnd('/')}/providers/Microsoft.Authorization/denyAssignments", ApiVersions.Authorization) + "&$filter=" + Uri.EscapeDataString(filter);

    /// <summary>The Synapse RBAC role assignments of a workspace (data plane, on its development endpoint).</summary>
    public static string SynapseRoleAssignments() => $"roleAssignments?api-version={ApiVersions.SynapseDataPlane}";

    public static string SynapseRoleAssignment(string assignmentId) => $"roleAssignments/{assignmentId}?api-version={ApiVersions.SynapseDataPlane}";

    public static string SynapseLinkedServices() => $"linkedservices?api-version={ApiVersions.SynapseDataPlane}";

    private static string Resource(string resourceId, string apiVersion) => $"{resourceId.Trim('/')}?api-version={apiVersion}";
}
