using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Models;

/// <summary>What Grant- or Revoke-CISynapseExportAccess did for one query principal of an export.</summary>
public sealed class CISynapseExportAccess
{
    internal CISynapseExportAccess(QueryAccessResult result)
    {
        var plan = result.Plan;
        ExportName = plan.Export.Name;
        DatabaseName = plan.Export.DatabaseName;
        QueryAccessMode = plan.AccessMode.ToString();
        Principal = plan.Principal.SqlName;
        PrincipalType = plan.Principal.Type.ToString();
        ObjectId = plan.Principal.ObjectId;
        Status = result.Status.ToString();
        UserDropped = result.UserDropped;
        StorageRole = result.StorageRole.ToString();
    }

    public string ExportName { get; }

    public string DatabaseName { get; }

    /// <summary>CallerIdentity or WorkspaceIdentity: whether the principal also needs a storage data role.</summary>
    public string QueryAccessMode { get; }

    /// <summary>The database role query principals join.</summary>
    public string Role => ServerlessSqlGenerator.ReaderRoleName;

    /// <summary>The database user's name: a user's UPN, a group's or service principal's display name.</summary>
    public string Principal { get; }

    /// <summary>User, Group or ServicePrincipal.</summary>
    public string PrincipalType { get; }

    /// <summary>The principal's Microsoft Entra object id.</summary>
    public string ObjectId { get; }

    /// <summary>Added, AlreadyMember, Removed or NotMember.</summary>
    public string Status { get; }

    /// <summary>Revoke: the database user was dropped as well (it was a member of no other role and held no permission of its own).</summary>
    public bool UserDropped { get; }

    /// <summary>NotNeeded, Present, Assigned, Missing, Unknown (grant); Kept, Removed, NotFound (revoke).</summary>
    public string StorageRole { get; }
}
