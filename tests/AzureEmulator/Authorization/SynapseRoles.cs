namespace AzureEmulator.Authorization;

/// <summary>Synapse RBAC built-in roles (data plane), with their published ids. Permission lists are abridged to the actions the module evaluates.</summary>
public static class SynapseRoles
{
    public const string Administrator = "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78";
    public const string SqlAdministrator = "7af0c69a-a548-47d6-aea3-d00e69bd83aa";

    public sealed record Role(string Id, string Name, string Description, IReadOnlyList<string> DataActions);

    private const string Ws = "Microsoft.Synapse/workspaces";

    public static IReadOnlyList<Role> All { get; } =
    [
        new(Administrator, "Synapse Administrator", "Full Synapse access to SQL pools, Data Explorer pools, Apache Spark pools, and Integration runtimes. Includes create, read, update, and delete access to all published code artifacts. Includes Compute Operator, Linked Data Manager, and Credential User permissions on the workspace system identity credential. Includes assigning Synapse RBAC roles.",
            [$"{Ws}/read", $"{Ws}/roleAssignments/write", $"{Ws}/roleAssignments/delete", $"{Ws}/managedPrivateEndpoint/write", $"{Ws}/managedPrivateEndpoint/delete",
             $"{Ws}/bigDataPools/useCompute/action", $"{Ws}/bigDataPools/viewLogs/action", $"{Ws}/integrationRuntimes/useCompute/action",
             $"{Ws}/artifacts/read", $"{Ws}/notebooks/write", $"{Ws}/sqlScripts/write", $"{Ws}/linkedServices/write", $"{Ws}/credentials/write",
             $"{Ws}/linkedServices/useSecret/action", $"{Ws}/credentials/useSecret/action"]),
        new("7af0c69a-a548-47d6-aea3-d00e69bd83aa", "Synapse SQL Administrator", "Full access to serverless SQL pools and SQL scripts.",
            [$"{Ws}/read", $"{Ws}/artifacts/read", $"{Ws}/sqlScripts/write", $"{Ws}/sqlScripts/delete"]),
        new("c3a6d2f1-a26f-4810-9b0f-591308d5cbf1", "Apache Spark Administrator", "Full Synapse access to Apache Spark Pools.",
            [$"{Ws}/read", $"{Ws}/bigDataPools/useCompute/action", $"{Ws}/bigDataPools/viewLogs/action", $"{Ws}/notebooks/write", $"{Ws}/artifacts/read"]),
        new("7572bffe-f453-4b66-912a-46cc5ef38fda", "Synapse Contributor", "Full Synapse access to Apache Spark pools and Integration runtimes.",
            [$"{Ws}/read", $"{Ws}/artifacts/read", $"{Ws}/notebooks/write", $"{Ws}/sqlScripts/write", $"{Ws}/linkedServices/write", $"{Ws}/bigDataPools/useCompute/action", $"{Ws}/integrationRuntimes/useCompute/action"]),
        new("05930f57-09a3-4c0d-9fa9-6d1eb91c178b", "Synapse Artifact Publisher", "Create, read, update, and delete access to published code artifacts and their outputs.",
            [$"{Ws}/read", $"{Ws}/artifacts/read", $"{Ws}/notebooks/write", $"{Ws}/sqlScripts/write"]),
        new("53faaa0e-40b6-40c8-a2ff-e38f2d388875", "Synapse Artifact User", "Read access to published code artifacts and their outputs.",
            [$"{Ws}/read", $"{Ws}/artifacts/read"]),
        new("e3844cc7-4670-42cb-9349-9bdac1ee7881", "Synapse Compute Operator", "Submit Spark jobs and notebooks and view logs.",
            [$"{Ws}/read", $"{Ws}/bigDataPools/useCompute/action", $"{Ws}/bigDataPools/viewLogs/action", $"{Ws}/integrationRuntimes/useCompute/action"]),
        new("5eb298b4-692c-4241-9cf0-f58a3b42bb25", "Synapse Credential User", "Runtime and configuration-time use of secrets within credentials and linked services.",
            [$"{Ws}/read", $"{Ws}/linkedServices/useSecret/action", $"{Ws}/credentials/useSecret/action"]),
        new("dd665582-e433-40ca-b183-1b1b33e73375", "Synapse Linked Data Manager", "Creation and management of managed private endpoints, linked services, and credentials.",
            [$"{Ws}/read", $"{Ws}/managedPrivateEndpoint/write", $"{Ws}/linkedServices/write", $"{Ws}/credentials/write"]),
        new("2a385764-43e8-416c-9825-7b18d05a2c4b", "Synapse User", "List and view details of SQL pools, Apache Spark pools, Integration runtimes, and published linked services and credentials.",
            [$"{Ws}/read"]),
    ];

    public static Role? ById(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    public static Role? ByName(string name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
