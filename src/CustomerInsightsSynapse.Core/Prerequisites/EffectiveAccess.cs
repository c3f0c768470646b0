namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>Whether a principal holds a set of actions at a scope, and why.</summary>
public enum AccessDecision
{
    Granted,
    NotGranted,
    Denied,
    Undetermined,
}

/// <summary>The outcome of an effective-access evaluation, with what decided it.</summary>
public sealed record AccessResult(AccessDecision Decision, string Reason, IReadOnlyList<string> MissingActions, IReadOnlyList<RoleAssignment> GrantingAssignments);

/// <summary>
/// Effective access as Azure computes it: the union over every assignment that applies (at the scope or a parent,
/// to the principal or one of its groups) of actions minus notActions (control plane) or dataActions minus
/// notDataActions (data plane), then minus whatever a deny assignment blocks. Conditional assignments are not
/// evaluated: when one would be needed, the decision is Undetermined rather than Granted.
/// Assignments and deny assignments passed in are those that apply to the principal (listed with
/// <c>atScope() and assignedTo('{id}')</c>, which covers parent scopes and groups, transitively).
/// </summary>
public static class EffectiveAccess
{
    public static AccessResult Evaluate(
        IReadOnlyList<string> requiredActions,
        bool dataActions,
        IEnumerable<RoleAssignment> assignments,
        IReadOnlyDictionary<string, RoleDefinition> definitionsByGuid,
        IEnumerable<DenyAssignment> denyAssignments)
    {
        var applicable = assignments.ToArray();
        var unconditional = applicable.Where(a => string.IsNullOrWhiteSpace(a.Condition)).ToArray();
        var conditional = applicable.Where(a => !string.IsNullOrWhiteSpace(a.Condition)).ToArray();
        var unknownRoles = applicable.Where(a => !definitionsByGuid.ContainsKey(a.RoleGuid)).Select(a => a.RoleDefinitionId).Distinct().ToArray();

        var missing = requiredActions.Where(action => !unconditional.Any(a => Grants(a, action))).ToArray();
        var granting = unconditional.Where(a => requiredActions.Any(action => Grants(a, action))).ToArray();

        var blocking = denyAssignments
            .Select(d => (Deny: d, Actions: requiredActions.Where(action => Blocks(d, action, dataActions)).ToArray()))
            .Where(x => x.Actions.Length > 0)
            .ToArray();
        if (blocking.Length > 0)
        {
            var names = string.Join(", ", blocking.Select(b => $"'{b.Deny.Name}' blocks {string.Join(", ", b.Actions)}"));
            return new AccessResult(AccessDecision.Denied, $"A deny assignment applies: {names}.", blocking.SelectMany(b => b.Actions).Distinct().ToArray(), granting);
        }

        if (missing.Length == 0)
        {
            var roles = string.Join(", ", granting.Select(a => $"{RoleName(a)} at {a.Scope}").Distinct());
            return new AccessResult(AccessDecision.Granted, $"Granted by {roles}.", [], granting);
        }

        var conditionalCovers = missing.All(action => conditional.Any(a => Grants(a, action)));
        if (conditionalCovers && conditional.Length > 0)
        {
            var roles = string.Join(", ", conditional.Select(a => $"{RoleName(a)} at {a.Scope}").Distinct());
            return new AccessResult(AccessDecision.Undetermined, $"Only granted with a condition, which is not evaluated: {roles}.", missing, granting);
        }

        if (unknownRoles.Length > 0)
        {
            return new AccessResult(AccessDecision.Undetermined, $"The role definitions {string.Join(", ", unknownRoles)} could not be read.", missing, granting);
        }

        var found = applicable.Length == 0
            ? "No role assignment applies."
            : $"Assigned roles ({string.Join(", ", applicable.Select(RoleName).Distinct())}) do not grant {string.Join(", ", missing)}.";
        return new AccessResult(AccessDecision.NotGranted, found, missing, granting);

        bool Grants(RoleAssignment assignment, string action) =>
            definitionsByGuid.TryGetValue(assignment.RoleGuid, out var definition)
            && definition.Permissions.Any(p => dataActions
                ? ActionPattern.MatchesAny(p.DataActions, action) && !ActionPattern.MatchesAny(p.NotDataActions, action)
                : ActionPattern.MatchesAny(p.Actions, action) && !ActionPattern.MatchesAny(p.NotActions, action));

        string RoleName(RoleAssignment assignment) =>
            definitionsByGuid.TryGetValue(assignment.RoleGuid, out var definition) ? definition.RoleName : WellKnownRoles.NameOf(assignment.RoleGuid);
    }

    private static bool Blocks(DenyAssignment deny, string action, bool dataActions) =>
        deny.Permissions.Any(p => dataActions
            ? ActionPattern.MatchesAny(p.DataActions, action) && !ActionPattern.MatchesAny(p.NotDataActions, action)
            : ActionPattern.MatchesAny(p.Actions, action) && !ActionPattern.MatchesAny(p.NotActions, action));
}
