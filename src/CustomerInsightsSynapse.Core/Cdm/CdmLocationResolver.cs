using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Turns a location written in a CDM document (an absolute URL, a local path, a corpus path such as
/// <c>Account.cdm.json/Account</c>, <c>/Account/part.csv</c> or <c>adls:/Account/part.csv</c>) into a path in the
/// folder's store, refusing '..' and anything outside the store.
/// </summary>
internal sealed partial class CdmLocationResolver
{
    private readonly ICdmStore _store;
    private readonly string _folderRoot;
    private readonly string _folderDisplay;

    /// <param name="store">Where the folder lives.</param>
    /// <param name="folderRoot">The store path of the folder holding the root document.</param>
    public CdmLocationResolver(ICdmStore store, string folderRoot)
    {
        _store = store;
        _folderRoot = folderRoot;
        _folderDisplay = store.ToLocation(folderRoot);
    }

    public static string FolderOf(string storePath)
    {
        var slash = storePath.LastIndexOf('/');
        return slash < 0 ? string.Empty : storePath[..slash];
    }

    /// <summary>Resolves <paramref name="written"/> as found in <paramref name="documentPath"/> to a store path.</summary>
    /// <param name="documentPath">The store path of the document the location was written in.</param>
    /// <param name="written">The location as written.</param>
    /// <param name="item">What the location names, for errors ("the partition 'x' of entity 'y'").</param>
    /// <param name="corpusPath">True for manifest corpus paths ('/x' = from the folder root), false for model.json locations ('/x' = a local absolute path).</param>
    public string Resolve(string documentPath, string written, string item, bool corpusPath)
    {
        var document = _store.ToLocation(documentPath);
        if (string.IsNullOrWhiteSpace(written))
        {
            throw CdmErrors.Invalid(document, $"{item} has an empty location.");
        }

        written = written.Trim();
        if (AbfsUrl().Match(written) is { Success: true } abfs)
        {
            written = $"https://{abfs.Groups["account"].Value}.blob.{abfs.Groups["suffix"].Value}/{abfs.Groups["container"].Value}/{abfs.Groups["path"].Value}";
        }

        if (BlobLocation.IsUrl(written) || written.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(written, UriKind.Absolute, out var uri))
            {
                throw CdmErrors.Invalid(document, $"{item} has the location '{written}', which is not a valid URL.");
            }

            RejectTraversal(document, item, written, Uri.UnescapeDataString(StripQuery(written)));
            var absolute = uri.IsFile ? uri.LocalPath : written;
            var storePath = _store.ToStorePath(absolute) ?? throw CdmErrors.OutsideFolder(document, item, StripQuery(written), _folderDisplay);
            return Validated(document, item, storePath);
        }

        if (IsLocalAbsolute(written, corpusPath))
        {
            RejectTraversal(document, item, written, written);
            var storePath = _store.ToStorePath(written) ?? throw CdmErrors.OutsideFolder(document, item, written, _folderDisplay);
            return Validated(document, item, storePath);
        }

        RejectTraversal(document, item, written, written);
        string relative;
        string baseFolder;
        if (NamespacePrefix().Match(written) is { Success: true } ns)
        {
            if (string.Equals(ns.Groups["ns"].Value, "cdm", StringComparison.OrdinalIgnoreCase))
            {
                throw CdmErrors.OutsideFolder(document, item, written, _folderDisplay);
            }

            relative = written[ns.Length..];
            baseFolder = _folderRoot;
        }
        else if (written.StartsWith('/') || written.StartsWith('\\'))
        {
            relative = written;
            baseFolder = _folderRoot;
        }
        else
        {
            relative = written;
            baseFolder = FolderOf(documentPath);
        }

        return Validated(document, item, Join(baseFolder, relative));
    }

    /// <summary>Joins a folder and a relative path, dropping empty and '.' segments.</summary>
    public static string Join(string folder, string relative)
    {
        var segments = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        return BlobPaths.Combine([folder, .. segments]);
    }

    private static bool IsLocalAbsolute(string written, bool corpusPath) =>
        WindowsAbsolute().IsMatch(written) || written.StartsWith(@"\\", StringComparison.Ordinal) || (!corpusPath && written.StartsWith('/'));

    private static void RejectTraversal(string document, string item, string written, string path)
    {
        foreach (var segment in path.Split('/', '\\'))
        {
            if (segment.Trim() == "..")
            {
                throw CdmErrors.PathTraversal(document, item, written);
            }
        }
    }

    private static string Validated(string document, string item, string storePath)
    {
        if (storePath.Length == 0)
        {
            throw CdmErrors.Invalid(document, $"{item} points at the folder itself, not at a file.");
        }

        try
        {
            return BlobPaths.ValidateRelativePath(storePath, "location");
        }
        catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.InvalidBlobPath)
        {
            throw new CISynapseException(ErrorIds.InvalidBlobPath, ErrorKind.InvalidData, $"The CDM document '{document}' gives {item} an unusable path: {ex.Message}", storePath, ex);
        }
    }

    private static string StripQuery(string url)
    {
        var q = url.IndexOfAny(['?', '#']);
        return q < 0 ? url : url[..q];
    }

    [GeneratedRegex(@"^abfss?://(?<container>[^@/]+)@(?<account>[^./]+)\.dfs\.(?<suffix>[^/]+)/(?<path>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AbfsUrl();

    [GeneratedRegex(@"^[A-Za-z]:[\\/]")]
    private static partial Regex WindowsAbsolute();

    [GeneratedRegex(@"^(?<ns>[A-Za-z][A-Za-z0-9_.-]*):/")]
    private static partial Regex NamespacePrefix();
}
