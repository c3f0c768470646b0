using System.Management.Automation;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Disconnect-CISynapseAccount: forgets the sign-in and any supplied tokens.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "CISynapseAccount", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseContext))]
public sealed class DisconnectCISynapseAccountCommand : CISynapseCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        if (!ModuleSession.IsConnected)
        {
            WriteVerbose("Not connected; nothing to clear.");
            return;
        }

        var before = new CISynapseContext(ModuleSession.Current, ModuleSession.Identity);
        if (!ShouldProcess(before.Account ?? before.Environment, "Forget the sign-in and every supplied token"))
        {
            return;
        }

        ModuleSession.Clear();
        if (PassThru)
        {
            WriteObject(before);
        }
    }
}
