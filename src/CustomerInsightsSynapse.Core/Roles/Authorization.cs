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
    public static void DemandManageConnections(CIRole? role, Caller caller, IReadOnlyList<RoleAssignment>? assignments = null) =>
        Demand(role, CIRole.Administrator, caller, "create, change or remove connections", assignments);

    /// <summary>Any role reads the store's definitions.</summary>
    public static void DemandRead(CIRole? role, Caller caller, IReadOnlyList<RoleAssignment>? assignments = null) =>
        Demand(role, CIRole.Viewer, caller, "read the store's definitions", assignments);

    /// <summary>
    /// Creating, changing, removing or running an export on a connection needs Administrator, or Contributor when
    /// the connection is usable by Administrators and Contributors.
    /// </summary>
    /// <param name="role">The caller's role.</param>
    /// <param name="caller">Who is acting.</param>
    /// <param name="connection">The export's connection.</param>
    /// <param name="attempted">What was attempted, for the message: "run the export 'nightly'", "create exports".</param>
    /// <param name="assignments">The store's role assignments, to name who may grant the role; null when not read.</param>
    public static void DemandExport(CIRole? role, Caller caller, ConnectionDefinition connection, string attempted, IReadOnlyList<RoleAssignment>? assignments = null)
        => Demand(role, NeededFor(connection), caller, $"{attempted} on the connection '{connection.Name}' (usable by {connection.UsableBy})", assignments);

    /// <summary>
    /// Whether a connection is listed for a role without asking for all: Administrators-only connections are listed
    /// for Administrators only, as Customer Insights shows a user the connections they can use.
    /// </summary>
    public static bool IsListedFor(CIRole? role, ConnectionDefinition connection) =>
        connection.UsableBy == ConnectionUsableBy.AdministratorsAndContributors || Allows(role, CIRole.Administrator);

    private static CIRole NeededFor(ConnectionDefinition connection) =>
        connection.UsableBy == ConnectionUsableBy.AdministratorsAndContributors ? CIRole.Contributor : CIRole.Administrator;

    public static bool Allows(CIRole? role, CIRole needed) => role is { } held && held >= needed;

    internal static void Demand(CIRole? role, CIRole needed, Caller caller, string action, IReadOnlyList<RoleAssignment>? assignments = null)
    {
        if (Allows(role, needed))
        {
            return;
        }

        var administrators = (assignments ?? [])
            .Where(a => a.Role == CIRole.Administrator)
            .Select(a => a.DisplayName is null ? a.PrincipalId : $"{a.DisplayName} ({a.PrincipalId})")
            .ToList();
        var granters = administrators.Count == 0
            ? "the store's Administrators"
            : $"the store's Administrator{(administrators.Count == 1 ? string.Empty : "s")} {string.Join(", ", administrators.Take(NameSuggestions.MaxListed))}{(administrators.Count > NameSuggestions.MaxListed ? $" and {administrators.Count - NameSuggestions.MaxListed} more" : string.Empty)}";
        throw new CISynapseException(
            ErrorIds.RoleRequired,
            ErrorKind.PermissionDenied,
            $"{caller} needs the {needed} role in the definition store to {action}; it has {(role is null ? "no role" : "the " + role + " role")}. Only {granters} can grant it.",
            caller.ObjectId)
        {
            RecommendedAction = $"Ask {granters} to run: Grant-CISynapseRole -PrincipalId {caller.ObjectId} -Role {needed}",
        };
    }
}
