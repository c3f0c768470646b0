using System.Management.Automation;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Revoke-CISynapseRole: takes a principal's Customer Insights role away (Administrators only).</summary>
[Cmdlet(VerbsSecurity.Revoke, "CISynapseRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CISynapseRoleAssignment))]
public sealed class RevokeCISynapseRoleCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "Id")]
    [ValidateNotNullOrEmpty]
    public string PrincipalId { get; set; } = string.Empty;

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(CIRole.Administrator), nameof(CIRole.Contributor), nameof(CIRole.Viewer))]
    public string? Role { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        var principal = RoleService.ValidatePrincipalId(PrincipalId);
        var store = StoreSession.Open();
        if (!ShouldProcess($"{principal} in {store.Location}", Role is null ? "Revoke its role" : $"Revoke the {Role} role"))
        {
            return;
        }

        var removed = RunAsCaller((caller, context) => new RoleService(store).RevokeAsync(caller, principal, Role is null ? null : Enum.Parse<CIRole>(Role, ignoreCase: true), context.CancellationToken));
        if (PassThru)
        {
            WriteObject(new CISynapseRoleAssignment(removed, store.Location));
        }
    }
}
