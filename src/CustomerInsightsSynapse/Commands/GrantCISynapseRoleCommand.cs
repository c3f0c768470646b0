using System.Management.Automation;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Grant-CISynapseRole: gives a principal a Customer Insights role in the store (Administrators only).</summary>
[Cmdlet(VerbsSecurity.Grant, "CISynapseRole", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseRoleAssignment))]
public sealed class GrantCISynapseRoleCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "Id")]
    [ValidateNotNullOrEmpty]
    public string PrincipalId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateSet(nameof(CIRole.Administrator), nameof(CIRole.Contributor), nameof(CIRole.Viewer))]
    public string Role { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DisplayName { get; set; }

    protected override void ExecuteCmdlet()
    {
        var principal = RoleService.ValidatePrincipalId(PrincipalId);
        var store = StoreSession.Open();
        if (!ShouldProcess($"{DisplayName ?? principal} in {store.Location}", $"Grant the {Role} role"))
        {
            return;
        }

        var granted = RunAsCaller((caller, context) => new RoleService(store).GrantAsync(caller, principal, Enum.Parse<CIRole>(Role, ignoreCase: true), DisplayName, context.CancellationToken));
        WriteObject(new CISynapseRoleAssignment(granted, store.Location));
    }
}
