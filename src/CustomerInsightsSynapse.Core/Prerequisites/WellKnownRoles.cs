namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>Built-in role ids (the same in every cloud) and the actions the checks look for.</summary>
public static class WellKnownRoles
{
    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";

    /// <summary>Synapse RBAC (data plane) role ids: not ARM role definitions.</summary>
    public const string SynapseAdministrator = "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78";
    public const string SynapseSqlAdministrator = "7af0c69a-a548-47d6-aea3-d00e69bd83aa";

    /// <summary>The least Synapse RBAC role; any Synapse role lets its holder list Synapse role assignments.</summary>
    public const string SynapseUser = "2a385764-43e8-416c-9825-7b18d05a2c4b";

    /// <summary>The Customer Insights ("Dynamics 365 AI for Customer Insights") application id.</summary>
    public const string CustomerInsightsAppId = "0bfc4568-a4ba-4c58-bd3e-5d3e76bd7fff";

    private const string Blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

    /// <summary>What Storage Blob Data Contributor grants on blobs; the export needs all of it.</summary>
    public static readonly IReadOnlyList<string> BlobContributorDataActions =
        [$"{Blobs}/read", $"{Blobs}/write", $"{Blobs}/delete", $"{Blobs}/add/action", $"{Blobs}/move/action"];

    /// <summary>What a query user needs on blobs.</summary>
    public static readonly IReadOnlyList<string> BlobReaderDataActions = [$"{Blobs}/read"];

    /// <summary>Representative control-plane reads that Reader on the workspace's resource group grants.</summary>
    public static readonly IReadOnlyList<string> ResourceGroupReaderActions =
        ["Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Synapse/workspaces/read", "Microsoft.Storage/storageAccounts/read"];

    public static string NameOf(string roleId) => roleId.ToLowerInvariant() switch
    {
        Owner => "Owner",
        Contributor => "Contributor",
        Reader => "Reader",
        UserAccessAdministrator => "User Access Administrator",
        StorageBlobDataOwner => "Storage Blob Data Owner",
        StorageBlobDataContributor => "Storage Blob Data Contributor",
        StorageBlobDataReader => "Storage Blob Data Reader",
        SynapseAdministrator => "Synapse Administrator",
        SynapseSqlAdministrator => "Synapse SQL Administrator",
        SynapseUser => "Synapse User",
        _ => roleId,
    };

    /// <summary>The GUID at the end of a role definition id, lower case.</summary>
    public static string RoleGuid(string roleDefinitionId) =>
        roleDefinitionId.TrimEnd('/').Split('/')[^1].ToLowerInvariant();
}
