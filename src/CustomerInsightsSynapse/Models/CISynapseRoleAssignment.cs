using CustomerInsightsSynapse.Core.Roles;

namespace CustomerInsightsSynapse.Models;

/// <summary>A principal's Customer Insights role in the definition store.</summary>
public sealed class CISynapseRoleAssignment
{
    internal CISynapseRoleAssignment(RoleAssignment assignment, string storeLocation)
    {
        PrincipalId = assignment.PrincipalId;
        Role = assignment.Role.ToString();
        DisplayName = assignment.DisplayName;
        AssignedBy = assignment.AssignedBy;
        AssignedOn = assignment.AssignedOn;
        StoreLocation = storeLocation;
    }

    /// <summary>The Microsoft Entra object id of the user, group or service principal.</summary>
    public string PrincipalId { get; }

    /// <summary>Administrator, Contributor or Viewer.</summary>
    public string Role { get; }

    public string? DisplayName { get; }

    /// <summary>Object id of the Administrator who granted it.</summary>
    public string AssignedBy { get; }

    public DateTimeOffset AssignedOn { get; }

    public string StoreLocation { get; }
}
