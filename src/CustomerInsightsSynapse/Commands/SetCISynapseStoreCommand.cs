using System.Management.Automation;
using CustomerInsightsSynapse.Core.Diagnostics;
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
            value = StoreLocation.Parse(isUrl ? Location : FileSystemPath(Location), StoreLocationSource.Session).Value;
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

    /// <summary>A PowerShell path resolved to a file system path; anything else (another drive, 'ftp://…') is refused.</summary>
    private string FileSystemPath(string location)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(location, out provider, out _);
        }
        catch (Exception ex) when (ex is SessionStateException or ProviderInvocationException or NotSupportedException or ArgumentException)
        {
            throw new CISynapseException(ErrorIds.InvalidStoreLocation, ErrorKind.InvalidArgument, $"The store location '{location}' is neither a folder path nor an https container URL: {ex.Message}", location, ex);
        }

        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw new CISynapseException(ErrorIds.InvalidStoreLocation, ErrorKind.InvalidArgument, $"The store location '{location}' is on the {provider.Name} drive; give a folder path or an https container URL.", location);
        }

        return resolved;
    }
}
