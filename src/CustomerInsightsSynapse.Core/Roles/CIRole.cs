namespace CustomerInsightsSynapse.Core.Roles;

/// <summary>
/// Customer Insights roles, in increasing power. They are guard rails like Customer Insights' own, kept in the
/// definition store; the security boundary is Azure RBAC on the store and on the storage account.
/// </summary>
public enum CIRole
{
    /// <summary>Reads connections, exports and runs.</summary>
    Viewer = 1,

    /// <summary>Viewer, plus creates and runs exports on connections usable by Administrators and Contributors.</summary>
    Contributor = 2,

    /// <summary>Everything: connections, exports on any connection, and roles.</summary>
    Administrator = 3,
}

/// <summary>One principal's role in the store.</summary>
public sealed record RoleAssignment(string PrincipalId, CIRole Role, string? DisplayName, string AssignedBy, DateTimeOffset AssignedOn);

/// <summary>The content of the store's role document: every principal that holds a role.</summary>
public sealed record RoleAssignmentSet(IReadOnlyList<RoleAssignment> Assignments)
{
    public RoleAssignment? Find(string principalId) =>
        Assignments.FirstOrDefault(a => string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Who is acting: the object id (oid) from the Resource Manager token, and a name to show.</summary>
public sealed record Caller(string ObjectId, string? DisplayName = null)
{
    public override string ToString() => DisplayName is null ? ObjectId : $"{DisplayName} ({ObjectId})";
}
