using AzureEmulator.Authorization;

namespace AzureEmulator.State;

/// <summary>
/// The live scenario behind one lock. Readers take a snapshot-consistent view by running inside
/// <see cref="Read{T}"/>; writers go through <see cref="Write{T}"/>. Also holds run-time counters that are
/// not part of the scenario (PUT attempts per principal for the "appears late" option).
/// </summary>
public sealed class EmulatorState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _putAttempts = new(StringComparer.OrdinalIgnoreCase);
    private Scenario _scenario;

    public EmulatorState(Scenario scenario)
    {
        _scenario = Prepare(scenario);
    }

    public T Read<T>(Func<Scenario, T> read)
    {
        lock (_gate)
        {
            return read(_scenario);
        }
    }

    public T Write<T>(Func<Scenario, T> write)
    {
        lock (_gate)
        {
            return write(_scenario);
        }
    }

    public void Replace(Scenario scenario)
    {
        var prepared = Prepare(scenario);
        lock (_gate)
        {
            _scenario = prepared;
            _putAttempts.Clear();
        }
    }

    public string ToJson() => Read(s => s.ToJson());

    /// <summary>Counts a role assignment PUT naming <paramref name="principalId"/>; true while it should still look unreplicated.</summary>
    public bool StillReplicating(Principal principal)
    {
        lock (_gate)
        {
            _putAttempts.TryGetValue(principal.Id, out var attempts);
            _putAttempts[principal.Id] = attempts + 1;
            return attempts < principal.PrincipalNotFoundForFirstPuts;
        }
    }

    /// <summary>Fills the defaults a scenario may leave out: assignment names, role ids from names, principal types.</summary>
    public static Scenario Prepare(Scenario scenario)
    {
        var s = scenario.Clone();
        FillEmptyLists(s);
        foreach (var a in s.RoleAssignments)
        {
            Complete(s, a);
        }

        foreach (var d in s.DenyAssignments)
        {
            d.Id ??= Scopes.StableGuid(d.Scope + "|" + d.DenyAssignmentName);
        }

        foreach (var ws in s.SynapseWorkspaces)
        {
            foreach (var ra in ws.RoleAssignments)
            {
                if (ra.RoleId is null && ra.RoleName is not null)
                {
                    ra.RoleId = SynapseRoles.ByName(ra.RoleName)?.Id
                        ?? throw new InvalidDataException($"Unknown Synapse role '{ra.RoleName}' in the scenario.");
                }

                ra.RoleName ??= ra.RoleId is null ? null : SynapseRoles.ById(ra.RoleId)?.Name;
                ra.Scope ??= $"workspaces/{ws.Name}";
                ra.Id ??= Scopes.StableGuid($"{ra.Scope}|{ra.RoleId}|{ra.PrincipalId}");
            }
        }

        return s;
    }

    /// <summary>A scenario edited in PowerShell may say null where it means "none"; the handlers expect empty lists.</summary>
    private static void FillEmptyLists(Scenario s)
    {
        s.Principals ??= [];
        s.Subscriptions ??= [];
        s.StorageAccounts ??= [];
        s.SynapseWorkspaces ??= [];
        s.RoleDefinitions ??= [];
        s.RoleAssignments ??= [];
        s.DenyAssignments ??= [];
        s.Options ??= new ScenarioOptions();
        foreach (var p in s.Principals)
        {
            p.Members ??= [];
        }

        foreach (var sub in s.Subscriptions)
        {
            sub.ResourceGroups ??= [];
        }

        foreach (var a in s.StorageAccounts)
        {
            a.Containers ??= [];
            a.NetworkAcls ??= new NetworkAcls();
            a.NetworkAcls.IpRules ??= [];
            a.NetworkAcls.VirtualNetworkRules ??= [];
            a.NetworkAcls.ResourceAccessRules ??= [];
        }

        foreach (var w in s.SynapseWorkspaces)
        {
            w.Identity ??= new ManagedIdentity { Type = "None" };
            w.FirewallRules ??= [];
            w.RoleAssignments ??= [];
            w.LinkedServices ??= [];
            w.SqlLogins ??= [];
            w.ConnectivityEndpoints ??= new(StringComparer.OrdinalIgnoreCase);
        }

        foreach (var r in s.RoleDefinitions)
        {
            r.Permissions ??= [];
            r.AssignableScopes ??= [];
        }

        foreach (var d in s.DenyAssignments)
        {
            d.Permissions ??= [];
            d.Principals ??= [];
            d.ExcludePrincipals ??= [];
        }

        foreach (var p in s.RoleDefinitions.SelectMany(r => r.Permissions).Concat(s.DenyAssignments.SelectMany(d => d.Permissions)))
        {
            p.Actions ??= [];
            p.NotActions ??= [];
            p.DataActions ??= [];
            p.NotDataActions ??= [];
        }
    }

    public static void Complete(Scenario s, RoleAssignment a)
    {
        if (a.RoleDefinitionId is null)
        {
            var byName = a.RoleName is null ? null : RoleCatalog.ByName(s, a.RoleName);
            a.RoleDefinitionId = byName?.Id ?? throw new InvalidDataException($"Role assignment at '{a.Scope}' names no known role ('{a.RoleName}').");
        }

        var guid = RoleCatalog.GuidOf(a.RoleDefinitionId);
        var sub = Scopes.SubscriptionOf(a.Scope);
        a.RoleDefinitionId = sub is null
            ? $"/providers/Microsoft.Authorization/roleDefinitions/{guid}"
            : $"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}";
        a.RoleName ??= RoleCatalog.ById(s, guid)?.RoleName;
        a.Scope = Scopes.Normalize(a.Scope);
        a.PrincipalType ??= DirectoryLookup.Find(s, a.PrincipalId)?.Type;
        a.Name ??= Scopes.StableGuid($"{a.Scope}|{guid}|{a.PrincipalId}");
        a.CreatedOn ??= new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
