using AzureEmulator.Authorization;
using AzureEmulator.State;

namespace AzureEmulator.Sql;

/// <summary>OPENROWSET's storage rights from the scenario: RBAC data roles, the workspace identity and Synapse roles.</summary>
public static class ScenarioStorageAccess
{
    private const string WriteBlobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";

    public static SqlStorageContext Create(EmulatorState state, ISqlFileStore files) => new(
        files,
        (principal, account, container) => state.Read(s => CanRead(s, principal, account, container)),
        () => state.Read(WorkspaceIdentity),
        principal => state.Read(s => IsSynapseAdministrator(s, principal)),
        principal => state.Read(s => DirectoryLookup.Identities(s, principal)),
        name => state.Read(s => FindPrincipal(s, name)),
        (principal, account, container) => state.Read(s => CanWrite(s, principal, account, container)));

    /// <summary>
    /// CREATE USER … FROM EXTERNAL PROVIDER: the name is a user's UPN, or the display name of a group or service
    /// principal (Learn, "CREATE USER": Microsoft Entra principals); null when none, or more than one, matches.
    /// </summary>
    public static SqlDirectoryPrincipal? FindPrincipal(Scenario s, string name)
    {
        var matches = s.Principals.Where(p => p.Type == "User"
                ? string.Equals(p.UserPrincipalName, name, StringComparison.OrdinalIgnoreCase)
                : string.Equals(p.DisplayName, name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return matches is [var only] ? new SqlDirectoryPrincipal(only.Id, only.Type == "Group") : null;
    }

    /// <summary>A storage data role (blobs/read data action) on the container or above, as Azure RBAC evaluates it.</summary>
    public static bool CanRead(Scenario s, string principal, string account, string container) =>
        HoldsDataAction(s, principal, account, container, OpenRowsetSource.ReadPermission);

    /// <summary>
    /// A storage data role that writes blobs (Storage Blob Data Contributor or Owner) on the container or above: what CETAS
    /// needs on its target (Learn, develop-tables-cetas: "you need to provide the data source for which you have write permissions").
    /// </summary>
    public static bool CanWrite(Scenario s, string principal, string account, string container) =>
        HoldsDataAction(s, principal, account, container, WriteBlobs);

    private static bool HoldsDataAction(Scenario s, string principal, string account, string container, string action)
    {
        var storage = s.StorageAccounts.FirstOrDefault(a => a.Name.Equals(account, StringComparison.OrdinalIgnoreCase));
        return storage is not null && PermissionEvaluator.IsAllowed(
            s, principal, $"{storage.ResourceId}/blobServices/default/containers/{container}", action, dataAction: true);
    }

    public static string? WorkspaceIdentity(Scenario s) =>
        s.SynapseWorkspaces is [{ Identity.PrincipalId: { } principal }] ? principal : null;

    public static bool IsSynapseAdministrator(Scenario s, string principal)
    {
        var identities = DirectoryLookup.Identities(s, principal);
        return s.SynapseWorkspaces.SelectMany(w => w.RoleAssignments).Any(a =>
            identities.Contains(a.PrincipalId)
            && (string.Equals(a.RoleId, SynapseRoles.Administrator, StringComparison.OrdinalIgnoreCase)
                || string.Equals(a.RoleName, "Synapse Administrator", StringComparison.OrdinalIgnoreCase)));
    }
}
