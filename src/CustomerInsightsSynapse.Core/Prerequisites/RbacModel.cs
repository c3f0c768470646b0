using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>One permission block of a role definition or deny assignment.</summary>
public sealed record RbacPermission(
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> NotActions,
    IReadOnlyList<string> DataActions,
    IReadOnlyList<string> NotDataActions)
{
    internal static RbacPermission FromJson(JsonElement e) => new(
        Strings(e, "actions"),
        Strings(e, "notActions"),
        Strings(e, "dataActions"),
        Strings(e, "notDataActions"));

    internal static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray()
            : [];
}

/// <summary>An ARM role definition: its GUID, name and permissions.</summary>
public sealed record RoleDefinition(string Id, string RoleGuid, string RoleName, bool IsCustom, IReadOnlyList<RbacPermission> Permissions)
{
    public static RoleDefinition FromJson(JsonElement e)
    {
        var id = Json.String(e, "id") ?? string.Empty;
        var properties = Json.Object(e, "properties");
        var permissions = properties.TryGetProperty("permissions", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(RbacPermission.FromJson).ToArray()
            : [];
        return new RoleDefinition(
            id,
            WellKnownRoles.RoleGuid(Json.String(e, "name") ?? id),
            Json.String(properties, "roleName") ?? id,
            string.Equals(Json.String(properties, "type"), "CustomRole", StringComparison.OrdinalIgnoreCase),
            permissions);
    }
}

/// <summary>An ARM role assignment.</summary>
public sealed record RoleAssignment(string Id, string Scope, string RoleDefinitionId, string PrincipalId, string? PrincipalType, string? Condition)
{
    public string RoleGuid => WellKnownRoles.RoleGuid(RoleDefinitionId);

    public static RoleAssignment FromJson(JsonElement e)
    {
        var properties = Json.Object(e, "properties");
        return new RoleAssignment(
            Json.String(e, "id") ?? string.Empty,
            Json.String(properties, "scope") ?? string.Empty,
            Json.String(properties, "roleDefinitionId") ?? string.Empty,
            Json.String(properties, "principalId") ?? string.Empty,
            Json.String(properties, "principalType"),
            Json.String(properties, "condition"));
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
        var properties = Json.Object(e, "properties");
        return new DenyAssignment(
            Json.String(e, "id") ?? string.Empty,
            Json.String(properties, "denyAssignmentName") ?? Json.String(e, "name") ?? string.Empty,
            properties.TryGetProperty("permissions", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().Select(RbacPermission.FromJson).ToArray() : [],
            Ids(properties, "principals"),
            Ids(properties, "excludePrincipals"))
        {
            Scope = Json.String(properties, "scope") ?? string.Empty,
            DoNotApplyToChildScopes = Json.Bool(properties, "doNotApplyToChildScopes") == true,
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
        properties.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(p => Json.String(p, "id")).OfType<string>().ToArray()
            : [];
}

/// <summary>A Synapse RBAC role assignment (data plane).</summary>
public sealed record SynapseRoleAssignment(string Id, string RoleDefinitionId, string PrincipalId, string? PrincipalType, string Scope)
{
    public static SynapseRoleAssignment FromJson(JsonElement e) => new(
        Json.String(e, "id") ?? string.Empty,
        Json.String(e, "roleDefinitionId") ?? string.Empty,
        Json.String(e, "principalId") ?? string.Empty,
        Json.String(e, "principalType"),
        Json.String(e, "scope") ?? string.Empty);
}

/// <summary>Small, tolerant JSON readers for REST bodies.</summary>
internal static class Json
{
    public static string? String(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in e.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
        }

        return null;
    }

    public static JsonElement Object(JsonElement e, string name)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Object)
                {
                    return property.Value;
                }
            }
        }

        return default;
    }

    public static bool? Bool(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in e.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String when bool.TryParse(property.Value.GetString(), out var b) => b,
                    _ => null,
                };
            }
        }

        return null;
    }

    public static IEnumerable<JsonElement> Array(JsonElement e, string name)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array)
                {
                    return property.Value.EnumerateArray().ToArray();
                }
            }
        }

        return [];
    }
}
