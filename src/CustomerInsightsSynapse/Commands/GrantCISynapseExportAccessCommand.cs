using System.Management.Automation;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>
/// Grant-CISynapseExportAccess: lets a Microsoft Entra user, group or service principal query an export's views: makes it a
/// user of the export's database and a member of CISynapseReaders; in CallerIdentity mode also sees to its storage role.
/// </summary>
[Cmdlet(VerbsSecurity.Grant, "CISynapseExportAccess", DefaultParameterSetName = ObjectIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CISynapseExportAccess))]
public sealed class GrantCISynapseExportAccessCommand : ExportAccessCmdletBase
{
    protected override void ExecuteCmdlet()
    {
        var access = OpenAccess();
        var request = new QueryAccessRequest(ExportName, PrincipalName, QueryAccessChange.Grant);
        var plan = RunAsCaller((caller, context) => access.PlanAsync(request, caller, context));

        QueryAccessStatus status;
        if (!plan.ChangesMembership)
        {
            WriteVerbose($"{plan.Principal} is already a member of {ServerlessSqlGenerator.ReaderRoleName} in '{plan.Export.DatabaseName}'.");
            status = QueryAccessStatus.AlreadyMember;
        }
        else if (ShouldProcess(Describe(plan), $"Add to role {ServerlessSqlGenerator.ReaderRoleName}"))
        {
            status = Run(context => access.ApplyMembershipAsync(plan, context)).Status;
        }
        else
        {
            status = QueryAccessStatus.NotChanged;
        }

        var storage = plan.StorageStatusBefore;
        if (plan.StorageRoleToAssign is { } action)
        {
            if (ShouldProcess($"{action.RoleName} for {action.PrincipalType ?? "principal"} {action.PrincipalId} at {action.Scope}", "Create role assignment"))
            {
                try
                {
                    storage = Run(context => access.AssignStorageRoleAsync(plan, context));
                    WriteWarning("A new role assignment can take up to 10 minutes to take effect; until then the principal's queries of the views fail to read the files.");
                }
                catch (CISynapseException ex)
                {
                    WriteError(ErrorRecordFactory.From(ex, plan.Principal.ObjectId));
                }
            }
        }
        else if (storage == QueryStorageRoleStatus.Missing)
        {
            WriteError(ErrorRecordFactory.From(ExportQueryAccess.StorageRoleMissing(plan, plan.StorageCheck!.Reason), plan.Principal.ObjectId));
        }
        else if (storage == QueryStorageRoleStatus.Unknown)
        {
            WriteWarning($"Whether {plan.Principal} can read the export's files could not be decided: {plan.StorageCheck?.Reason ?? "the check gave no result"} In CallerIdentity mode it needs Storage Blob Data Reader: {plan.StorageCheck?.Remediation}");
        }

        if (status != QueryAccessStatus.NotChanged)
        {
            WriteObject(new CISynapseExportAccess(new QueryAccessResult(plan, status, false, storage)));
        }
    }
}
