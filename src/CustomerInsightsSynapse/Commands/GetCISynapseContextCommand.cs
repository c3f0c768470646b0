using System.Management.Automation;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseContext: shows how the module signs in.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseContext")]
[OutputType(typeof(CISynapseContext))]
public sealed class GetCISynapseContextCommand : CISynapseCmdlet
{
    protected override void ExecuteCmdlet() =>
        WriteObject(new CISynapseContext(ModuleSession.Current, ModuleSession.Identity));
}
