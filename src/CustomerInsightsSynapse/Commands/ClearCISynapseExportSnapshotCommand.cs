using System.Globalization;
using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>
/// Clear-CISynapseExportSnapshot: deletes the snapshot folders of an export's database that no view and no model.json
/// refers to (left by killed or failed runs), and reports the bytes freed.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "CISynapseExportSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CISynapseSnapshotCleanup))]
public sealed class ClearCISynapseExportSnapshotCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    protected override void ExecuteCmdlet()
    {
        var runner = new ExportRunner(ModuleSession.Current, StoreSession.Open());
        var found = RunAsCaller((caller, context) => runner.ClearSnapshotsAsync(Name, caller, _ => false, context));
        var chosen = found.Folders
            .Where(f => ShouldProcess(f.Path, string.Create(CultureInfo.InvariantCulture, $"Delete unreferenced snapshot folder ({f.Files} files, {f.Bytes:N0} bytes)")))
            .Select(f => f.Path)
            .ToHashSet(StringComparer.Ordinal);
        if (chosen.Count == 0)
        {
            WriteObject(new CISynapseSnapshotCleanup(found));
            return;
        }

        var cleared = RunAsCaller((caller, context) => runner.ClearSnapshotsAsync(Name, caller, f => chosen.Contains(f.Path), context));
        WriteObject(new CISynapseSnapshotCleanup(cleared));
    }
}
