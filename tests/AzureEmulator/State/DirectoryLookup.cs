namespace AzureEmulator.State;

/// <summary>Directory lookups over the scenario's principals: by id, by app id, and transitive group membership.</summary>
public static class DirectoryLookup
{
    public static Principal? Find(Scenario s, string? id) =>
        id is null ? null : s.Principals.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    public static Principal? FindUser(Scenario s, string idOrUpn) =>
        s.Principals.FirstOrDefault(p => p.Type == "User" &&
            (string.Equals(p.Id, idOrUpn, StringComparison.OrdinalIgnoreCase) || string.Equals(p.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Every group <paramref name="principalId"/> belongs to, directly or through other groups.</summary>
    public static IReadOnlyList<Principal> TransitiveGroups(Scenario s, string principalId)
    {
        var found = new List<Principal>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>([principalId]);
        while (pending.Count > 0)
        {
            var member = pending.Dequeue();
            foreach (var g in s.Principals.Where(p => p.Type == "Group" && p.Members.Contains(member, StringComparer.OrdinalIgnoreCase)))
            {
                if (seen.Add(g.Id))
                {
                    found.Add(g);
                    pending.Enqueue(g.Id);
                }
            }
        }

        return found;
    }

    /// <summary>The principal itself and all its transitive groups.</summary>
    public static HashSet<string> Identities(Scenario s, string principalId)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { principalId };
        foreach (var g in TransitiveGroups(s, principalId))
        {
            ids.Add(g.Id);
        }

        return ids;
    }
}
