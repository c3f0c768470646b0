using System.Text.RegularExpressions;
using AzureEmulator.State;

namespace AzureEmulator.Authorization;

/// <summary>
/// Azure RBAC evaluation over the scenario: a principal may perform an action at a scope when a role assigned
/// to it or to one of its groups, at that scope or above, lists the action (wildcards allowed) and does not
/// exclude it, and no deny assignment that applies blocks it.
/// </summary>
public static class PermissionEvaluator
{
    public static IEnumerable<RoleAssignment> EffectiveAssignments(Scenario s, string principalId, string scope)
    {
        var identities = DirectoryLookup.Identities(s, principalId);
        return s.RoleAssignments.Where(a => identities.Contains(a.PrincipalId) && Scopes.IsAtOrAbove(a.Scope, scope));
    }

    public static bool IsAllowed(Scenario s, string principalId, string scope, string action, bool dataAction = false)
    {
        var granted = EffectiveAssignments(s, principalId, scope)
            .Select(a => RoleCatalog.ById(s, a.RoleDefinitionId!))
            .Where(r => r is not null)
            .SelectMany(r => r!.Permissions)
            .Any(p => Grants(p, action, dataAction));
        return granted && !IsDenied(s, principalId, scope, action, dataAction);
    }

    public static bool IsDenied(Scenario s, string principalId, string scope, string action, bool dataAction)
    {
        var identities = DirectoryLookup.Identities(s, principalId);
        return ApplicableDenyAssignments(s, scope)
            .Where(d => AppliesTo(d, identities))
            .SelectMany(d => d.Permissions)
            .Any(p => Grants(p, action, dataAction));
    }

    public static IEnumerable<DenyAssignment> ApplicableDenyAssignments(Scenario s, string scope) =>
        s.DenyAssignments.Where(d => d.DoNotApplyToChildScopes ? Scopes.Equal(d.Scope, scope) : Scopes.IsAtOrAbove(d.Scope, scope));

    public static bool AppliesTo(DenyAssignment d, IReadOnlySet<string> identities)
    {
        if (d.ExcludePrincipals.Any(p => identities.Contains(p.Id)))
        {
            return false;
        }

        return d.Principals.Any(p => p.Id == Guid.Empty.ToString() || identities.Contains(p.Id));
    }

    public static bool Grants(Permission p, string action, bool dataAction) =>
        dataAction
            ? p.DataActions.Any(a => Matches(a, action)) && !p.NotDataActions.Any(a => Matches(a, action))
            : p.Actions.Any(a => Matches(a, action)) && !p.NotActions.Any(a => Matches(a, action));

    /// <summary>Case-insensitive match where '*' stands for any run of characters, '/' included.</summary>
    public static bool Matches(string pattern, string action) =>
        Regex.IsMatch(action, "^" + Regex.Escape(pattern).Replace("\\*", ".*") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
