using System.Management.Automation;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>
/// Revoke-CISynapseExportAccess: takes a principal out of an export's CISynapseReaders role (and drops its database user
/// when nothing else holds it there); with -IncludeStorageRole also removes the storage role Grant assigned.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "CISynapseExportAccess", DefaultParameterSetName = ObjectIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CISynapseExportAccess))]
public sealed class RevokeCISynapseExportAccessCommand : ExportAccessCmdletBase
{
    [Parameter]
    public SwitchParameter IncludeStorageRole { get; set; }

    protected override void ExecuteCmdlet()
    {
        var access = OpenAccess();
        var request = new QueryAccessRequest(ExportName, PrincipalName, QueryAccessChange.Revoke) { IncludeStorageRole = IncludeStorageRole };
        var plan = RunAsCaller((caller, context) => access.PlanAsync(request, caller, context));

        var status = QueryAccessStatus.NotMember;
        var dropped = false;
        if (!plan.ChangesMembership)
        {
            WriteVerbose($"{plan.Principal} is not a member of {ServerlessSqlGenerator.ReaderRoleName} in '{plan.Export.DatabaseName}'.");
        }
        else if (ShouldProcess(Describe(plan), $"Remove from role {ServerlessSqlGenerator.ReaderRoleName}"))
        {
            (status, dropped) = Run(context => access.ApplyMembershipAsync(plan, context));
        }
        else
        {
            status = QueryAccessStatus.NotChanged;
        }

        var storage = plan.StorageStatusBefore;
        if (IncludeStorageRole && plan.StorageRoleToRemove is null)
        {
            WriteVerbose($"The export '{plan.Export.Name}' reads storage with the workspace identity (WorkspaceIdentity): no storage role of the principal was changed.");
        }

        if (plan.StorageRoleToRemove is { } action
            && ShouldProcess($"{action.RoleName} for {action.PrincipalType} {action.PrincipalId} at {action.Scope}", "Remove role assignment"))
        {
            storage = Run(context => access.RemoveStorageRoleAsync(plan, context));
        }

        if (status != QueryAccessStatus.NotChanged)
        {
            WriteObject(new CISynapseExportAccess(new QueryAccessResult(plan, status, dropped, storage)));
        }
    }
}
