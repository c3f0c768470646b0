using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseConnection: lists connections, all or by name (wildcards allowed).</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseConnection")]
[OutputType(typeof(CISynapseConnection))]
public sealed class GetCISynapseConnectionCommand : CISynapseCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Also lists the connections the caller cannot use for exports.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void ExecuteCmdlet()
    {
        var store = StoreSession.Open();
        var service = new ConnectionService(store, null);
        var filter = new NameFilter(Name);
        // A connection asked for by its exact name is returned even when the caller cannot use it.
        var listing = RunAsCaller((caller, context) => service.ListUsableAsync(caller, All || filter.OnlyExactNames, context.CancellationToken));

        foreach (var problem in listing.Problems)
        {
            WriteError(ErrorRecordFactory.From(problem, null));
        }

        var found = filter.Apply(listing.Documents, d => d.Content.Name);
        foreach (var missing in found.Missing)
        {
            WriteError(ErrorRecordFactory.From(ConnectionService.NotFound(missing, store.Location, listing.Documents.Select(d => d.Content.Name)), missing));
        }

        foreach (var match in found.Selected)
        {
            WriteObject(new CISynapseConnection(match, store.Location));
        }
    }
}
