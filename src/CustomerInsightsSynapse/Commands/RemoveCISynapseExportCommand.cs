using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>
/// Remove-CISynapseExport: deletes an export definition; with -RemoveLandedData also what it landed in the lake,
/// with -RemoveDatabaseObjects the views it created, with -DropDatabase its database.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CISynapseExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CISynapseExportRemoval))]
public sealed class RemoveCISynapseExportCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? Revision { get; set; }

    [Parameter]
    public SwitchParameter RemoveLandedData { get; set; }

    [Parameter]
    public SwitchParameter RemoveDatabaseObjects { get; set; }

    [Parameter]
    public SwitchParameter DropDatabase { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        var store = StoreSession.Open();
        var service = new ExportService(store, ExportEnvironment.For(ModuleSession.Current));
        var request = new ExportRemovalRequest(Name)
        {
            ExpectedRevision = Revision,
            RemoveLandedData = RemoveLandedData,
            RemoveDatabaseObjects = RemoveDatabaseObjects,
            DropDatabase = DropDatabase,
        };
        var plan = RunAsCaller((caller, context) => service.PlanRemovalAsync(request, caller, context));

        var export = plan.Export.Content;
        var what = new List<string> { "Remove export definition" };
        if (RemoveLandedData)
        {
            what.Add($"delete {plan.BlobsFound.Count} landed blob(s) under {string.Join(", ", plan.BlobPrefixes.Concat(plan.BlobFiles))}");
        }

        if (plan.Scripts.Count > 0)
        {
            var databases = string.Join(", ", plan.Scripts.Select(s => s.Database));
            what.Add(DropDatabase ? $"drop database(s) {databases} where no other export uses them" : $"drop the export's views in {databases}");
            what.Add(plan.AppliesSql ? $"on {plan.SqlEndpoint}" : "(script returned, not run)");
        }

        foreach (var note in plan.Notes)
        {
            WriteVerbose(note);
        }

        if (!ShouldProcess($"{export.Name} in {store.Location}", string.Join("; ", what)))
        {
            return;
        }

        var result = Run(context => service.RemoveAsync(plan, context));
        foreach (var note in plan.Notes)
        {
            WriteWarning(note);
        }

        if (PassThru || RemoveLandedData || RemoveDatabaseObjects || DropDatabase)
        {
            WriteObject(new CISynapseExportRemoval(result));
        }
    }
}
