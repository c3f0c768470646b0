using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Models;

/// <summary>Who a prerequisite check is about.</summary>
public sealed class CISynapsePrincipal
{
    internal CISynapsePrincipal(PrerequisitePrincipal principal)
    {
        Kind = principal.Kind.ToString();
        ObjectId = principal.ObjectId;
        DisplayName = principal.DisplayName;
    }

    /// <summary>ServicePrincipal, User, WorkspaceIdentity, QueryUser or None.</summary>
    public string Kind { get; }

    public string? ObjectId { get; }

    public string? DisplayName { get; }

    public override string ToString() => Kind == "None" ? string.Empty : $"{Kind} {DisplayName ?? ObjectId}".Trim();
}

/// <summary>The result of one prerequisite check.</summary>
public sealed class CISynapsePrerequisiteResult
{
    internal CISynapsePrerequisiteResult(PrerequisiteResult result, PrerequisiteTarget target)
    {
        Result = result;
        Target = target;
        Principal = new CISynapsePrincipal(result.Principal);
    }

    internal PrerequisiteResult Result { get; }

    internal PrerequisiteTarget Target { get; }

    public string CheckId => Result.CheckId;

    public string Title => Result.Title;

    public CISynapsePrincipal Principal { get; }

    /// <summary>The object id of the principal the check is about, for piping into Az cmdlets (-ObjectId).</summary>
    public string? ObjectId => Result.Principal.ObjectId;

    public string Scope => Result.Scope;

    public string Requirement => Result.Requirement;

    /// <summary>Passed, Failed, Unknown or Warning.</summary>
    public string Status => Result.Status.ToString();

    /// <summary>What was found.</summary>
    public string Reason => Result.Reason;

    /// <summary>The exact fix, as an Az command line where there is one.</summary>
    public string Remediation => Result.Remediation;

    /// <summary>Whether Repair-CISynapsePrerequisite can apply the fix.</summary>
    public bool CanRepair => Result.CanRepair;
}

/// <summary>What Repair-CISynapsePrerequisite did for one failed check.</summary>
public sealed class CISynapseRepairResult
{
    internal CISynapseRepairResult(string checkId, RepairOutcome outcome)
    {
        CheckId = checkId;
        Kind = outcome.Action.Kind == RepairKind.ArmRoleAssignment ? "AzureRoleAssignment" : "SynapseRoleAssignment";
        RoleName = outcome.Action.RoleName;
        RoleDefinitionId = outcome.Action.RoleId;
        ObjectId = outcome.Action.PrincipalId;
        PrincipalType = outcome.Action.PrincipalType ?? string.Empty;
        Scope = outcome.Action.Scope;
        AssignmentName = outcome.AssignmentName;
        Status = outcome.Status.ToString();
        Message = outcome.Message;
    }

    public string CheckId { get; }

    /// <summary>AzureRoleAssignment or SynapseRoleAssignment.</summary>
    public string Kind { get; }

    public string RoleName { get; }

    public string RoleDefinitionId { get; }

    public string ObjectId { get; }

    /// <summary>User, Group or ServicePrincipal; empty when the directory could not say (the request then left it out).</summary>
    public string PrincipalType { get; }

    public string Scope { get; }

    public string AssignmentName { get; }

    /// <summary>Created, AlreadyExisted or Failed.</summary>
    public string Status { get; }

    public string Message { get; }
}
