using System.Management.Automation;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Set-CISynapseStore: chooses where this session keeps its definitions (a local folder or a Blob container URL).</summary>
[Cmdlet(VerbsCommon.Set, "CISynapseStore", DefaultParameterSetName = LocationSet, SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseStore))]
public sealed class SetCISynapseStoreCommand : CISynapseCmdlet
{
    private const string LocationSet = "Location";
    private const string DefaultSet = "Default";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocationSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "StorePath", "Url")]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
    public SwitchParameter Default { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        string? value = null;
        if (ParameterSetName == LocationSet)
        {
            var isUrl = Core.Azure.BlobLocation.IsUrl(Location);
            value = StoreLocation.Parse(isUrl ? Location : GetUnresolvedProviderPathFromPSPath(Location), StoreLocationSource.Session).Value;
        }

        var description = value is null ? "Use CISYNAPSE_STORE or the default folder" : $"Keep definitions in '{value}'";
        if (!ShouldProcess("definition store for this session", description))
        {
            return;
        }

        StoreSession.SessionLocation = value;
        if (PassThru)
        {
            WriteObject(new CISynapseStore(StoreSession.Location));
        }
    }
}
