using System.Management.Automation;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseStore: shows where this session keeps its definitions, and why there.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseStore")]
[OutputType(typeof(CISynapseStore))]
public sealed class GetCISynapseStoreCommand : CISynapseCmdlet
{
    protected override void ExecuteCmdlet() => WriteObject(new CISynapseStore(StoreSession.Location));
}
