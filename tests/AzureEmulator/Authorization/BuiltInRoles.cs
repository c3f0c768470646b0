using AzureEmulator.State;

namespace AzureEmulator.Authorization;

/// <summary>The Azure built-in roles the prerequisite checks meet, with their published ids and permissions.</summary>
public static class BuiltInRoles
{
    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public const string RoleBasedAccessControlAdministrator = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    public const string StorageBlobDelegator = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";
    public const string StorageAccountContributor = "17d1049b-9a84-46fb-8f53-869881c3d3ab";

    private const string Blob = "Microsoft.Storage/storageAccounts/blobServices";

    public static IReadOnlyList<RoleDefinition> All { get; } =
    [
        Role(Owner, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            actions: ["*"]),
        Role(Contributor, "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
            actions: ["*"],
            notActions:
            [
                "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
                "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
                "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
            ]),
        Role(Reader, "Reader", "View all resources, but does not allow you to make any changes.", actions: ["*/read"]),
        Role(UserAccessAdministrator, "User Access Administrator", "Lets you manage user access to Azure resources.",
            actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"]),
        Role(RoleBasedAccessControlAdministrator, "Role Based Access Control Administrator",
            "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.",
            actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"]),
        Role(StorageBlobDataOwner, "Storage Blob Data Owner",
            "Provides full access to Azure Storage blob containers and data, including assigning POSIX access control.",
            actions: [$"{Blob}/containers/*", $"{Blob}/generateUserDelegationKey/action"],
            dataActions: [$"{Blob}/containers/blobs/*"]),
        Role(StorageBlobDataContributor, "Storage Blob Data Contributor",
            "Allows for read, write and delete access to Azure Storage blob containers and data",
            actions: [$"{Blob}/containers/delete", $"{Blob}/containers/read", $"{Blob}/containers/write", $"{Blob}/generateUserDelegationKey/action"],
            dataActions:
            [
                $"{Blob}/containers/blobs/delete", $"{Blob}/containers/blobs/read", $"{Blob}/containers/blobs/write",
                $"{Blob}/containers/blobs/move/action", $"{Blob}/containers/blobs/add/action",
            ]),
        Role(StorageBlobDataReader, "Storage Blob Data Reader", "Allows for read access to Azure Storage blob containers and data",
            actions: [$"{Blob}/containers/read", $"{Blob}/generateUserDelegationKey/action"],
            dataActions: [$"{Blob}/containers/blobs/read"]),
        Role(StorageBlobDelegator, "Storage Blob Delegator",
            "Allows for generation of a user delegation key which can be used to sign SAS tokens",
            actions: [$"{Blob}/generateUserDelegationKey/action"]),
        Role(StorageAccountContributor, "Storage Account Contributor",
            "Lets you manage storage accounts, including accessing storage account keys which provide full access to storage account data.",
            actions:
            [
                "Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Insights/diagnosticSettings/*",
                "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action", "Microsoft.ResourceHealth/availabilityStatuses/read",
                "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Storage/storageAccounts/*",
                "Microsoft.Support/*",
            ]),
    ];

    private static RoleDefinition Role(string id, string name, string description, List<string>? actions = null, List<string>? notActions = null, List<string>? dataActions = null) =>
        new()
        {
            Id = id,
            RoleName = name,
            Description = description,
            Type = "BuiltInRole",
            AssignableScopes = ["/"],
            Permissions = [new Permission { Actions = actions ?? [], NotActions = notActions ?? [], DataActions = dataActions ?? [] }],
        };
}
