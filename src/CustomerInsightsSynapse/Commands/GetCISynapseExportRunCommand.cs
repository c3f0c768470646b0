using System.Management.Automation;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseExportRun: lists the records of export runs, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseExportRun")]
[OutputType(typeof(CISynapseExportRun))]
public sealed class GetCISynapseExportRunCommand : CISynapseCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    public string[]? ExportName { get; set; }

    [Parameter]
    [ValidateSet("Succeeded", "PartiallySucceeded", "Failed", "Canceled")]
    public string[]? Status { get; set; }

    [Parameter]
    public DateTimeOffset? After { get; set; }

    [Parameter]
    public string? RunId { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    protected override void ExecuteCmdlet()
    {
        var runner = new ExportRunner(ModuleSession.Current, StoreSession.Open());
        var listing = Run(context => runner.ListRunsAsync(context.CancellationToken));
        foreach (var problem in listing.Problems)
        {
            WriteError(ErrorRecordFactory.From(problem, null));
        }

        var patterns = (ExportName is { Length: > 0 } ? ExportName : ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        IEnumerable<ExportRunRecord> runs = listing.Documents
            .Select(d => d.Content)
            .Where(r => patterns.Any(p => p.IsMatch(r.ExportName)))
            .Where(r => Status is null || Status.Contains(r.Status.ToString(), StringComparer.OrdinalIgnoreCase))
            .Where(r => After is null || r.StartedOn >= After)
            .Where(r => RunId is null || string.Equals(r.RunId, RunId, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(r => r.StartedOn)
            .ThenByDescending(r => r.RunId, StringComparer.Ordinal);
        if (Last is { } last)
        {
            runs = runs.Take(last);
        }

        foreach (var run in runs)
        {
            WriteObject(new CISynapseExportRun(run));
        }
    }
}
