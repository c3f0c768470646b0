using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Roles;

/// <summary>
/// The Customer Insights role rules. Guard rails, not the security boundary: that is Azure RBAC on the store
/// and on the storage account.
/// </summary>
public static class Authorization
{
    /// <summary>Only Administrators create, change or remove connections.</summary>
    public static void DemandManageConnections(CIRole? role, Caller caller) =>
        Demand(role, CIRole.Administrator, caller, "create, change or remove connections");

    /// <summary>Any role reads the store's definitions.</summary>
    public static void DemandRead(CIRole? role, Caller caller) => Demand(role, CIRole.Viewer, caller, "read the store's definitions");

    /// <summary>
    /// Creating (or changing) an export on a connection needs Administrator, or Contributor when the connection
    /// is usable by Administrators and Contributors.
    /// </summary>
    public static void DemandCreateExport(CIRole? role, Caller caller, ConnectionDefinition connection)
    {
        var needed = connection.UsableBy == ConnectionUsableBy.AdministratorsAndContributors ? CIRole.Contributor : CIRole.Administrator;
        Demand(role, needed, caller, $"create exports on the connection '{connection.Name}' (usable by {connection.UsableBy})");
    }

    public static bool Allows(CIRole? role, CIRole needed) => role is { } held && held >= needed;

    internal static void Demand(CIRole? role, CIRole needed, Caller caller, string action)
    {
        if (Allows(role, needed))
        {
            return;
        }

        throw new CISynapseException(
            ErrorIds.RoleRequired,
            ErrorKind.PermissionDenied,
            $"{caller} needs the {needed} role in the definition store to {action}; it has {(role is null ? "no role" : "the " + role + " role")}.",
            caller.ObjectId)
        {
            RecommendedAction = "Ask an Administrator of the store to run Grant-CISynapseRole for you.",
        };
    }
}
