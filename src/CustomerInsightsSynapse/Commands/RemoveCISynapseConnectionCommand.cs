using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Remove-CISynapseConnection: deletes a connection from the store; refuses while exports use it unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "CISynapseConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CISynapseConnection))]
public sealed class RemoveCISynapseConnectionCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? Revision { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        var store = StoreSession.Open();
        var service = new ConnectionService(store, null);
        var (caller, current, usage) = RunAsCaller(async (who, context) =>
        {
            var found = await service.GetAsync(Name, who, context.CancellationToken).ConfigureAwait(false);
            var uses = found is null ? null : await service.FindUsageAsync(found.Content.Name, context.CancellationToken).ConfigureAwait(false);
            return (who, found, uses);
        });

        var what = current is null ? Name : current.Content.Name;
        var detail = usage is { InUse: true } ? $" (used by {usage.Exports.Count} export(s); -Force {(Force ? "given" : "not given")})" : string.Empty;
        if (!ShouldProcess($"{what} in {store.Location}", "Remove connection" + detail))
        {
            return;
        }

        var found = Run(async context =>
        {
            var result = await service.RemoveAsync(Name, Revision, Force, caller, context.CancellationToken).ConfigureAwait(false);
            return result;
        });
        foreach (var export in found.Exports)
        {
            WriteWarning($"The export '{export}' uses the removed connection '{what}' and will fail until it is moved to another connection.");
        }

        if (PassThru && current is not null)
        {
            WriteObject(new CISynapseConnection(current, store.Location));
        }
    }
}
