using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>One permission block of a role definition or deny assignment.</summary>
public sealed record RbacPermission(
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> NotActions,
    IReadOnlyList<string> DataActions,
    IReadOnlyList<string> NotDataActions)
{
    internal static RbacPermission FromJson(JsonElement e) => new(
        TolerantJson.Strings(e, "actions"),
        TolerantJson.Strings(e, "notActions"),
        TolerantJson.Strings(e, "dataActions"),
        TolerantJson.Strings(e, "notDataActions"));
}

/// <summary>An ARM role definition: its GUID, name and permissions.</summary>
public sealed record RoleDefinition(string Id, string RoleGuid, string RoleName, bool IsCustom, IReadOnlyList<RbacPermission> Permissions)
{
    public static RoleDefinition FromJson(JsonElement e)
    {
        var id = TolerantJson.String(e, "id") ?? string.Empty;
        var properties = TolerantJson.Object(e, "properties");
        var permissions = TolerantJson.Array(properties, "permissions").Select(RbacPermission.FromJson).ToArray();
        return new RoleDefinition(
            id,
            WellKnownRoles.RoleGuid(TolerantJson.String(e, "name") ?? id),
            TolerantJson.String(properties, "roleName") ?? id,
            string.Equals(TolerantJson.String(properties, "type"), "CustomRole", StringComparison.OrdinalIgnoreCase),
            permissions);
    }
}

/// <summary>An ARM role assignment.</summary>
public sealed record RoleAssignment(string Id, string Scope, string RoleDefinitionId, string PrincipalId, string? PrincipalType, string? Condition)
{
    public string RoleGuid => WellKnownRoles.RoleGuid(RoleDefinitionId);

    public static RoleAssignment FromJson(JsonElement e)
    {
        var properties = TolerantJson.Object(e, "properties");
        return new RoleAssignment(
            TolerantJson.String(e, "id") ?? string.Empty,
            TolerantJson.String(properties, "scope") ?? string.Empty,
            TolerantJson.String(properties, "roleDefinitionId") ?? string.Empty,
            TolerantJson.String(properties, "principalId") ?? string.Empty,
            TolerantJson.String(properties, "principalType"),
            TolerantJson.String(properties, "condition"));
    }
}

/// <summary>An ARM deny assignment: who it applies to, who is excluded, what it blocks.</summary>
public sealed record DenyAssignment(string Id, string Name, IReadOnlyList<RbacPermission> Permissions, IReadOnlyList<string> PrincipalIds, IReadOnlyList<string> ExcludedPrincipalIds)
{
    /// <summary>Where the deny assignment is made; empty when the listing did not say.</summary>
    public string Scope { get; init; } = string.Empty;

    /// <summary>When true it blocks only at <see cref="Scope"/> itself, not at the scopes below it.</summary>
    public bool DoNotApplyToChildScopes { get; init; }

    public const string Everyone = "00000000-0000-0000-0000-000000000000";

    public static DenyAssignment FromJson(JsonElement e)
    {
        var properties = TolerantJson.Object(e, "properties");
        return new DenyAssignment(
            TolerantJson.String(e, "id") ?? string.Empty,
            TolerantJson.String(properties, "denyAssignmentName") ?? TolerantJson.String(e, "name") ?? string.Empty,
            TolerantJson.Array(properties, "permissions").Select(RbacPermission.FromJson).ToArray(),
            Ids(properties, "principals"),
            Ids(properties, "excludePrincipals"))
        {
            Scope = TolerantJson.String(properties, "scope") ?? string.Empty,
            DoNotApplyToChildScopes = TolerantJson.Bool(properties, "doNotApplyToChildScopes") == true,
        };
    }

    /// <summary>
    /// Whether it blocks at a scope it was listed for: <c>atScope()</c> also returns deny assignments made at a parent
    /// with doNotApplyToChildScopes, which do not reach the scope below.
    /// </summary>
    public bool AppliesAt(string scope) =>
        !DoNotApplyToChildScopes || Scope.Length == 0 || string.Equals(Scope.TrimEnd('/'), scope.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether it applies to a principal known by its identities (its object id and its groups): it names everyone or
    /// one of them, and excludes none of them.
    /// </summary>
    public bool AppliesTo(IReadOnlySet<string> identities) =>
        !ExcludedPrincipalIds.Any(identities.Contains)
        && PrincipalIds.Any(id => string.Equals(id, Everyone, StringComparison.OrdinalIgnoreCase) || identities.Contains(id));

    private static IReadOnlyList<string> Ids(JsonElement properties, string name) =>
        TolerantJson.Array(properties, name).Select(p => TolerantJson.String(p, "id")).OfType<string>().ToArray();
}

/// <summary>A Synapse RBAC role assignment (data plane).</summary>
public sealed record SynapseRoleAssignment(string Id, string RoleDefinitionId, string PrincipalId, string? PrincipalType, string Scope)
{
    public static SynapseRoleAssignment FromJson(JsonElement e) => new(
        TolerantJson.String(e, "id") ?? string.Empty,
        TolerantJson.String(e, "roleDefinitionId") ?? string.Empty,
        TolerantJson.String(e, "principalId") ?? string.Empty,
        TolerantJson.String(e, "principalType"),
        TolerantJson.String(e, "scope") ?? string.Empty);
}
