using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Reads a CDM folder into <see cref="CdmFolder"/>: from a local path (the folder, or its model.json, manifest or
/// entity document) or an https blob/dfs URL (read through the Blob API). In a folder, <c>default.manifest.cdm.json</c>
/// is read first, then <c>model.json</c>, then the folder's only <c>*.manifest.cdm.json</c>.
/// </summary>
public sealed class CdmFolderReader
{
    /// <summary>The documents a folder is read from before any other, in that order.</summary>
    private static readonly string[] PreferredDocuments = ["default.manifest.cdm.json", "model.json"];

    private readonly BlobClientFactory? _blobs;
    private readonly CdmReaderOptions _options;

    /// <param name="blobs">Blob clients for URL sources; without it only local paths can be read.</param>
    /// <param name="options">Size and depth limits.</param>
    public CdmFolderReader(BlobClientFactory? blobs = null, CdmReaderOptions? options = null)
    {
        _blobs = blobs;
        _options = options ?? CdmReaderOptions.Default;
    }

    /// <summary>What kind of document a file name is, or null when it is none a CDM folder is read from.</summary>
    public static CdmDocumentKind? KindOf(string fileName)
    {
        if (fileName.EndsWith(".manifest.cdm.json", StringComparison.OrdinalIgnoreCase))
        {
            return CdmDocumentKind.Manifest;
        }

        if (fileName.EndsWith("model.json", StringComparison.OrdinalIgnoreCase))
        {
            return CdmDocumentKind.ModelJson;
        }

        return fileName.EndsWith(".cdm.json", StringComparison.OrdinalIgnoreCase) ? CdmDocumentKind.EntityDocument : null;
    }

    /// <param name="source">A local path (full, or relative to the process's current directory) or an https URL.</param>
    /// <param name="context">Cancellation, progress and warnings.</param>
    public async Task<CdmFolder> ReadAsync(string source, OperationContext context)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "The CDM source is empty.");
        }

        CdmSourceUrl.Validate(source);
        var (store, folderRoot, givenDocument) = BlobLocation.IsUrl(source)
            ? OpenBlob(source)
            : await OpenLocalAsync(source, context.CancellationToken).ConfigureAwait(false);
        using var session = new CdmReadSession(store, folderRoot, _options, context);
        var documentPath = givenDocument ?? await FindBlobDocumentAsync(session).ConfigureAwait(false);
        var kind = KindOf(documentPath) ?? throw await UnsupportedAsync(store, folderRoot, documentPath, context.CancellationToken).ConfigureAwait(false);
        context.Progress.Report(new OperationProgress(ProgressIds.CdmFolderRead, "Reading CDM folder", store.ToLocation(documentPath)));
        var entities = kind switch
        {
            CdmDocumentKind.ModelJson => await ModelJsonReader.ReadAsync(session, documentPath).ConfigureAwait(false),
            CdmDocumentKind.Manifest => await ManifestReader.ReadAsync(session, documentPath).ConfigureAwait(false),
            _ => await ReadEntityDocumentAsync(session, documentPath).ConfigureAwait(false),
        };
        context.Progress.Report(new OperationProgress(ProgressIds.CdmFolderRead, "Reading CDM folder", "Done", 100, Completed: true));

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in entities)
        {
            if (!names.Add(entity.Name))
            {
                throw CdmErrors.DuplicateEntity(entity.DocumentPath ?? store.ToLocation(documentPath), entity.Name);
            }
        }

        if (store is LocalCdmStore local)
        {
            entities = entities.Select(e => e with { Partitions = e.Partitions.Select(p => Confined(local, e.Name, p)).ToList() }).ToList();
        }

        return new CdmFolder(store.ToLocation(folderRoot), store.ToLocation(documentPath), kind, entities, session.Warnings.ToList());
    }

    /// <summary>Refuses, before anything is landed, a local partition that is not a regular file inside the folder.</summary>
    private static CdmPartition Confined(LocalCdmStore store, string entity, CdmPartition partition)
    {
        if (Path.Exists(partition.Location))
        {
            LocalSourceFiles.Verify(store.RealRoot, partition.Location, LocalSourceFiles.PartitionItem(entity), store.ResolvedFolders);
        }

        return partition with { LocalFolder = store.RealRoot };
    }

    private static async Task<List<CdmEntity>> ReadEntityDocumentAsync(CdmReadSession session, string documentPath)
    {
        var display = session.Display(documentPath);
        var json = await session.TryLoadAsync(documentPath).ConfigureAwait(false) ?? throw NotFound(display);
        var entities = new List<CdmEntity>();
        foreach (var definition in CdmJson.Array(json.RootElement, "definitions"))
        {
            if (CdmJson.String(definition, "entityName") is { Length: > 0 } name)
            {
                var (attributes, description) = EntityDefinitionReader.Read(definition, display, name, session.Warn, session.Names);
                entities.Add(new CdmEntity(name.Trim(), attributes, [], description) { DocumentPath = display });
            }
        }

        if (entities.Count == 0)
        {
            throw CdmErrors.Invalid(display, "it defines no entity.");
        }

        session.Warn($"'{display}' is an entity document: its entities are read without partitions. Read the folder's manifest to get their data.");
        return entities;
    }

    /// <summary>The blob store of a URL source, its folder, and its document when the URL names one (null for a folder).</summary>
    private (ICdmStore Store, string FolderRoot, string? DocumentPath) OpenBlob(string source)
    {
        if (_blobs is null)
        {
            throw new CISynapseException(ErrorIds.NotConnected, ErrorKind.InvalidOperation, $"Reading '{source}' needs a storage sign-in, and none was given.", source);
        }

        var location = BlobLocation.Parse(source);
        if (location.Path.Split('/').Any(s => s == ".."))
        {
            throw new CISynapseException(ErrorIds.PathTraversal, ErrorKind.InvalidArgument, $"The CDM source '{source}' contains '..'.", source);
        }

        var store = new BlobCdmStore(_blobs, location);
        var lastSegment = location.Path[(location.Path.LastIndexOf('/') + 1)..];
        return lastSegment.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? (store, CdmLocationResolver.FolderOf(location.Path), location.Path)
            : (store, CdmLocationResolver.Join(location.Path, string.Empty), null);
    }

    /// <summary>
    /// The document of a blob folder: default.manifest.cdm.json, else model.json, each read by its exact name (the
    /// session keeps what it read for the reader); only a folder with neither is listed. A listing of the folder's
    /// names costs services that walk every blob below it for a listing by delimiter (Azurite does) as much as
    /// listing every partition of the folder. Both names are asked for at once, so a model.json folder waits one round
    /// trip, not two; a folder that holds both still reads the manifest (its model.json is read for nothing).
    /// </summary>
    private static async Task<string> FindBlobDocumentAsync(CdmReadSession session)
    {
        var preferred = PreferredDocuments.Select(name => CdmLocationResolver.Join(session.FolderRoot, name)).ToList();
        session.Prefetch(preferred);
        foreach (var path in preferred)
        {
            if (await session.TryLoadAsync(path).ConfigureAwait(false) is not null)
            {
                return path;
            }
        }

        var names = await session.Store.ListFolderAsync(session.FolderRoot, session.CancellationToken).ConfigureAwait(false);
        return CdmLocationResolver.Join(session.FolderRoot, ChooseDocument(names, session.Display(session.FolderRoot)));
    }

    private static async Task<(ICdmStore, string, string?)> OpenLocalAsync(string source, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(source);
        if (File.Exists(full))
        {
            return (new LocalCdmStore(Path.GetDirectoryName(full)!), string.Empty, Path.GetFileName(full));
        }

        if (!Directory.Exists(full))
        {
            throw LocalNotFound(full);
        }

        var store = new LocalCdmStore(full);
        var names = await store.ListFolderAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        return (store, string.Empty, ChooseDocument(names, full));
    }

    private static string ChooseDocument(IReadOnlyList<string> names, string folder)
    {
        if (PreferredDocuments.Select(d => names.FirstOrDefault(n => n.Equals(d, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(n => n is not null) is { } preferred)
        {
            return preferred;
        }

        var manifests = names.Where(n => n.EndsWith(".manifest.cdm.json", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        return manifests.Count switch
        {
            1 => manifests[0],
            0 => throw new CISynapseException(
                ErrorIds.CdmDocumentNotFound,
                ErrorKind.ObjectNotFound,
                $"The folder '{folder}' holds no model.json and no *.manifest.cdm.json, so it is not a CDM folder. {NameSuggestions.Describe("model.json", names, "files directly in it")}",
                folder),
            _ => throw new CISynapseException(ErrorIds.AmbiguousCdmDocument, ErrorKind.InvalidArgument, $"The folder '{folder}' holds several manifests ({string.Join(", ", manifests)}) and no default.manifest.cdm.json or model.json. Give the manifest to read as the source.", folder),
        };
    }

    private static CISynapseException NotFound(string location) =>
        new(ErrorIds.CdmDocumentNotFound, ErrorKind.ObjectNotFound, $"The CDM source '{location}' does not exist.", location);

    /// <summary>CdmDocumentNotFound for a local path, listing the folders and CDM documents beside it and the nearest name.</summary>
    private static CISynapseException LocalNotFound(string full)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
        {
            return NotFound(full);
        }

        var siblings = Directory.EnumerateDirectories(parent).Select(Path.GetFileName)
            .Concat(Directory.EnumerateFiles(parent).Select(Path.GetFileName).Where(n => n is not null && KindOf(n) is not null))
            .OfType<string>()
            .ToList();
        var wanted = Path.GetFileName(full);
        var nearest = NameSuggestions.Nearest(wanted, siblings);
        return new CISynapseException(
            ErrorIds.CdmDocumentNotFound,
            ErrorKind.ObjectNotFound,
            $"The CDM source '{full}' does not exist. {NameSuggestions.Describe(wanted, siblings, $"folders and CDM documents in '{parent}'")}",
            full)
        {
            RecommendedAction = nearest is not null
                ? $"Use '{Path.Combine(parent, nearest)}' as the source."
                : RecommendedActions.For(ErrorIds.CdmDocumentNotFound),
        };
    }

    /// <summary>UnsupportedCdmDocument, listing the CDM documents of the folder the source points into.</summary>
    private static async Task<CISynapseException> UnsupportedAsync(ICdmStore store, string folderRoot, string documentPath, CancellationToken cancellationToken)
    {
        var location = store.ToLocation(documentPath);
        IReadOnlyList<string> documents;
        try
        {
            documents = (await store.ListFolderAsync(folderRoot, cancellationToken).ConfigureAwait(false)).Where(n => KindOf(n) is not null).ToList();
        }
        catch (CISynapseException)
        {
            documents = [];
        }

        var wanted = documentPath[(documentPath.LastIndexOf('/') + 1)..];
        var nearest = NameSuggestions.Nearest(wanted, documents);
        return new CISynapseException(
            ErrorIds.UnsupportedCdmDocument,
            ErrorKind.InvalidArgument,
            $"'{location}' is not a CDM document: give a CDM folder, its model.json, a *.manifest.cdm.json or an entity document (*.cdm.json). {NameSuggestions.Describe(wanted, documents, "CDM documents in its folder")}",
            location)
        {
            RecommendedAction = nearest is not null
                ? $"Use the document '{store.ToLocation(CdmLocationResolver.Join(folderRoot, nearest))}' or its folder as the source."
                : RecommendedActions.For(ErrorIds.UnsupportedCdmDocument),
        };
    }
}
