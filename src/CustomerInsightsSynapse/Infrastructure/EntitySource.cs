using System.Management.Automation;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>Turns what the user gave as a CDM source into a full path or URL, and a reader that can read it.</summary>
internal static class EntitySource
{
    /// <summary>URLs are kept; paths are resolved against the PowerShell current location (which must be the file system).</summary>
    public static string Resolve(string source, PathIntrinsics paths)
    {
        if (BlobLocation.IsUrl(source))
        {
            return CdmSourceUrl.Validate(source);
        }

        var resolved = paths.GetUnresolvedProviderPathFromPSPath(source, out var provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"The CDM source '{source}' is on the {provider.Name} drive; give a file system path or an https URL.", source);
        }

        return resolved;
    }

    /// <summary>A reader that signs in to storage with the module's sign-in, for URL sources.</summary>
    public static CdmFolderReader Reader(string source) =>
        BlobLocation.IsUrl(source) ? new CdmFolderReader(ModuleSession.Current.CreateBlobClientFactory()) : new CdmFolderReader();
}
