using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
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
        // A connection asked for by its exact name is returned even when the caller cannot use it.
        var onlyExactNames = Name is { Length: > 0 } && !Name.Any(WildcardPattern.ContainsWildcardCharacters);
        var listing = Run(async context =>
        {
            var caller = await StoreSession.CallerAsync(context.CancellationToken).ConfigureAwait(false);
            return await service.ListUsableAsync(caller, All || onlyExactNames, context.CancellationToken).ConfigureAwait(false);
        });

        foreach (var problem in listing.Problems)
        {
            WriteError(ErrorRecordFactory.From(problem, null));
        }

        var patterns = (Name is { Length: > 0 } ? Name : ["*"]).Select(n => new NamePattern(n)).ToArray();
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pattern in patterns)
        {
            var text = pattern.Text;
            var matches = listing.Documents.Where(d => pattern.IsMatch(d.Content.Name)).ToArray();
            if (matches.Length == 0 && !pattern.HasWildcards)
            {
                WriteError(ErrorRecordFactory.From(ConnectionService.NotFound(text, store.Location, listing.Documents.Select(d => d.Content.Name)), text));
                continue;
            }

            foreach (var match in matches.Where(m => written.Add(m.Content.Name)))
            {
                WriteObject(new CISynapseConnection(match, store.Location));
            }
        }
    }
}
