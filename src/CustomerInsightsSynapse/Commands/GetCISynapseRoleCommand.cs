using System.Management.Automation;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseRole: lists who holds which Customer Insights role in the store.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseRole")]
[OutputType(typeof(CISynapseRoleAssignment))]
public sealed class GetCISynapseRoleCommand : CISynapseCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "Id")]
    public string? PrincipalId { get; set; }

    [Parameter]
    [ValidateSet(nameof(CIRole.Administrator), nameof(CIRole.Contributor), nameof(CIRole.Viewer))]
    public string? Role { get; set; }

    protected override void ExecuteCmdlet()
    {
        var store = StoreSession.Open();
        var assignments = Run(context => new RoleService(store).ListAsync(context.CancellationToken));
        foreach (var assignment in assignments
            .Where(a => PrincipalId is null || string.Equals(a.PrincipalId, PrincipalId.Trim(), StringComparison.OrdinalIgnoreCase))
            .Where(a => Role is null || string.Equals(a.Role.ToString(), Role, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(a => a.Role)
            .ThenBy(a => a.DisplayName ?? a.PrincipalId, StringComparer.OrdinalIgnoreCase))
        {
            WriteObject(new CISynapseRoleAssignment(assignment, store.Location));
        }
    }
}
