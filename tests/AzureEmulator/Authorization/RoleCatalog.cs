using AzureEmulator.State;

namespace AzureEmulator.Authorization;

/// <summary>Built-in plus the scenario's custom role definitions, found by GUID or name.</summary>
public static class RoleCatalog
{
    public static IEnumerable<RoleDefinition> All(Scenario s) => BuiltInRoles.All.Concat(s.RoleDefinitions);

    /// <summary>The last GUID segment of a role definition id (or the GUID itself).</summary>
    public static string GuidOf(string roleDefinitionId) => roleDefinitionId.TrimEnd('/').Split('/')[^1];

    public static RoleDefinition? ById(Scenario s, string roleDefinitionId)
    {
        var guid = GuidOf(roleDefinitionId);
        return All(s).FirstOrDefault(r => string.Equals(r.Id, guid, StringComparison.OrdinalIgnoreCase));
    }

    public static RoleDefinition? ByName(Scenario s, string name) =>
        All(s).FirstOrDefault(r => string.Equals(r.RoleName, name, StringComparison.OrdinalIgnoreCase));
}
