using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseExport: lists exports, all or by name (wildcards allowed); -Detailed adds the history.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseExport")]
[OutputType(typeof(CISynapseExport))]
public sealed class GetCISynapseExportCommand : CISynapseCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ExportNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only the exports of this connection.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ConnectionName { get; set; }

    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ExecuteCmdlet()
    {
        var store = StoreSession.Open();
        var service = new ExportService(store, ExportEnvironment.For(ModuleSession.Current));
        var listing = RunAsCaller((caller, context) => service.ListAsync(caller, context.CancellationToken));

        foreach (var problem in listing.Problems)
        {
            WriteError(ErrorRecordFactory.From(problem, null));
        }

        var documents = listing.Documents
            .Where(d => ConnectionName is null || string.Equals(d.Content.ConnectionName, ConnectionName, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var found = new NameFilter(Name).Apply(documents, d => d.Content.Name);
        foreach (var missing in found.Missing)
        {
            var where = ConnectionName is null ? "in the store" : $"of the connection '{ConnectionName}' in the store";
            WriteError(ErrorRecordFactory.From(ExportService.NotFound(missing, store.Location, documents.Select(d => d.Content.Name), where), missing));
        }

        foreach (var match in found.Selected)
        {
            WriteObject(new CISynapseExport(match, store.Location, Detailed));
        }
    }
}
