using System.Management.Automation;
using CustomerInsightsSynapse.Core.Discovery;
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
        var query = new ExportRunQuery
        {
            ExportNames = new NameFilter(ExportName),
            Statuses = Status?.Select(s => Enum.Parse<ExportRunStatus>(s, ignoreCase: true)).ToArray(),
            After = After,
            RunId = RunId,
            Last = Last,
        };
        var history = new ExportRunHistory(StoreSession.Open());
        var (runs, problems) = RunAsCaller((caller, context) => history.ListAsync(caller, query, context.CancellationToken));
        foreach (var problem in problems)
        {
            WriteError(ErrorRecordFactory.From(problem, null));
        }

        foreach (var run in runs)
        {
            WriteObject(new CISynapseExportRun(run));
        }
    }
}
