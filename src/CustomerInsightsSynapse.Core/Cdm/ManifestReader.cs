using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Reads a <c>*.manifest.cdm.json</c> and its sub-manifests: local entity declarations, their (resolved) entity
/// documents, explicit data partitions and data partition patterns matched against a listing of the folder.
/// </summary>
internal sealed partial class ManifestReader
{
    private readonly CdmReadSession _session;
    private readonly List<CdmEntity> _entities = [];
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

    private ManifestReader(CdmReadSession session) => _session = session;

    public static async Task<List<CdmEntity>> ReadAsync(CdmReadSession session, string manifestPath)
    {
        var reader = new ManifestReader(session);
        await reader.ReadManifestAsync(manifestPath, [], null).ConfigureAwait(false);
        return reader._entities;
    }

    private async Task ReadManifestAsync(string path, List<string> chain, string? parent)
    {
        _visited.Add(path);
        var display = _session.Display(path);
        var json = await _session.TryLoadAsync(path).ConfigureAwait(false);
        if (json is null)
        {
            throw parent is null
                ? new CISynapseException(ErrorIds.CdmDocumentNotFound, ErrorKind.ObjectNotFound, $"The CDM document '{display}' does not exist.", display)
                : new CISynapseException(ErrorIds.CdmDocumentNotFound, ErrorKind.ObjectNotFound, $"The manifest '{_session.Display(parent)}' names the sub-manifest '{display}', which does not exist.", display);
        }

        var root = json.RootElement;
        if (!CdmJson.TryGet(root, "entities", out var entities) && !CdmJson.TryGet(root, "subManifests", out _))
        {
            throw CdmErrors.Invalid(display, "it has neither 'entities' nor 'subManifests', so it is not a manifest.");
        }

        chain.Add(path);
        ReadAhead(path, root);
        var index = 0;
        var total = entities.ValueKind == JsonValueKind.Array ? entities.GetArrayLength() : 0;
        foreach (var declaration in CdmJson.Array(root, "entities"))
        {
            _session.CancellationToken.ThrowIfCancellationRequested();
            index++;
            if (index % 50 == 0)
            {
                _session.Context.Progress.Report(new OperationProgress(ProgressIds.CdmFolderRead, "Reading CDM folder", $"Entity {index:N0} of {total:N0} in {display}", index * 100 / total));
            }

            if (await ReadDeclarationAsync(path, declaration, index).ConfigureAwait(false) is { } entity)
            {
                _entities.Add(entity);
            }
        }

        var subIndex = 0;
        foreach (var sub in CdmJson.Array(root, "subManifests"))
        {
            subIndex++;
            var definition = CdmJson.String(sub, "definition");
            var subName = CdmJson.String(sub, "manifestName") ?? definition ?? subIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (string.IsNullOrWhiteSpace(definition))
            {
                throw CdmErrors.Invalid(display, $"the sub-manifest '{subName}' has no definition path.");
            }

            var subPath = _session.Resolver.Resolve(path, definition, $"the sub-manifest '{subName}'", corpusPath: true);
            if (chain.Contains(subPath))
            {
                var cycle = string.Join(" -> ", chain.SkipWhile(p => p != subPath).Append(subPath).Select(_session.Display));
                throw new CISynapseException(ErrorIds.CircularSubManifest, ErrorKind.InvalidData, $"The manifest '{display}' names the sub-manifest '{subName}' ('{_session.Display(subPath)}'), which leads back to itself: {cycle}.", _session.Display(subPath));
            }

            if (_visited.Contains(subPath))
            {
                continue;
            }

            if (chain.Count >= _session.Options.MaxSubManifestDepth)
            {
                throw new CISynapseException(ErrorIds.InvalidCdmDocument, ErrorKind.LimitsExceeded, $"The manifest '{display}' nests sub-manifests more than {_session.Options.MaxSubManifestDepth} levels deep (at '{subName}').", display);
            }

            await ReadManifestAsync(subPath, chain, path).ConfigureAwait(false);
        }

        chain.RemoveAt(chain.Count - 1);
    }

    /// <summary>
    /// Starts reading the entity documents the manifest's local entities name (each read into the definitions its
    /// entities ask for, concurrently), and tells the session how many explicit partitions it lists. A declaration that
    /// does not resolve is left to <see cref="ReadDeclarationAsync"/> to report.
    /// </summary>
    private void ReadAhead(string manifestPath, JsonElement root)
    {
        var requests = new Dictionary<string, List<(string Definition, string Entity)>>(StringComparer.Ordinal);
        var partitions = 0;
        foreach (var declaration in CdmJson.Array(root, "entities"))
        {
            var name = CdmJson.String(declaration, "entityName")?.Trim();
            var type = CdmJson.String(declaration, "type") ?? CdmJson.String(declaration, "$type") ?? "LocalEntity";
            var entityPath = CdmJson.String(declaration, "entityPath") ?? CdmJson.String(declaration, "entitySchema");
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(entityPath) || !type.Equals("LocalEntity", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            partitions += CdmJson.Array(declaration, "dataPartitions").Count();
            try
            {
                var (documentPath, definitionName) = EntityDocument(manifestPath, name, entityPath);
                if (!requests.TryGetValue(documentPath, out var asked))
                {
                    requests[documentPath] = asked = [];
                }

                asked.Add((definitionName, name));
            }
            catch (CISynapseException)
            {
            }
        }

        _session.ExpectExplicitPartitions(partitions);
        _session.Prefetch(
            requests.Keys,
            (path, json) => DefinitionsRead.Of(json, _session.Display(path), requests[path], _session.Names),
            (path, utf8) => DefinitionsRead.ReadForward(utf8, requests[path], _session));
    }

    private async Task<CdmEntity?> ReadDeclarationAsync(string manifestPath, JsonElement declaration, int index)
    {
        var display = _session.Display(manifestPath);
        var name = CdmJson.String(declaration, "entityName");
        if (string.IsNullOrWhiteSpace(name))
        {
            throw CdmErrors.Invalid(display, $"entity declaration {index} has no entityName.");
        }

        name = name.Trim();
        var type = CdmJson.String(declaration, "type") ?? CdmJson.String(declaration, "$type") ?? "LocalEntity";
        if (!type.Equals("LocalEntity", StringComparison.OrdinalIgnoreCase))
        {
            _session.Warn($"'{display}': entity '{name}' is a {type}; its data lives in another folder and is not read.");
            return null;
        }

        var entityPath = CdmJson.String(declaration, "entityPath") ?? CdmJson.String(declaration, "entitySchema");
        if (string.IsNullOrWhiteSpace(entityPath))
        {
            throw CdmErrors.Invalid(display, $"entity '{name}' has no entityPath.");
        }

        var (attributes, description, documentDisplay) = await ReadDefinitionAsync(manifestPath, name, entityPath).ConfigureAwait(false);
        var partitions = await ReadPartitionsAsync(manifestPath, declaration, name).ConfigureAwait(false);
        partitions.AddRange(await ReadPatternsAsync(manifestPath, declaration, name).ConfigureAwait(false));
        foreach (var ignored in new[] { "incrementalPartitions", "incrementalPartitionPatterns" })
        {
            if (CdmJson.Array(declaration, ignored).Any())
            {
                _session.Warn($"'{display}': the {ignored} of entity '{name}' are change records, not the entity's data; they are not read.");
            }
        }

        return new CdmEntity(name, attributes, partitions, CdmJson.String(declaration, "explanation") ?? description) { DocumentPath = documentDisplay };
    }

    private async Task<(IReadOnlyList<CdmAttribute>, string?, string)> ReadDefinitionAsync(string manifestPath, string entityName, string entityPath)
    {
        var (documentPath, definitionName) = EntityDocument(manifestPath, entityName, entityPath);
        var display = _session.Display(manifestPath);
        var documentDisplay = _session.Display(documentPath);
        var asked = new[] { (definitionName, entityName) };
        var read = await _session.TryLoadDigestAsync(documentPath, json => DefinitionsRead.Of(json, documentDisplay, asked, _session.Names), utf8 => DefinitionsRead.ReadForward(utf8, asked, _session)).ConfigureAwait(false)
            ?? throw new CISynapseException(ErrorIds.EntityDocumentNotFound, ErrorKind.ObjectNotFound, $"The manifest '{display}' declares entity '{entityName}' in '{documentDisplay}', which does not exist.", entityName);
        if (!read.TryGet(definitionName, entityName, out var definition))
        {
            // Asked for by a sub-manifest after the document was read for the entities of another manifest.
            var document = await _session.TryLoadAsync(documentPath).ConfigureAwait(false)
                ?? throw new CISynapseException(ErrorIds.EntityDocumentNotFound, ErrorKind.ObjectNotFound, $"The manifest '{display}' declares entity '{entityName}' in '{documentDisplay}', which does not exist.", entityName);
            definition = DefinitionRead.Of(document.RootElement, documentDisplay, definitionName, entityName, _session.Names);
        }

        if (definition is null)
        {
            throw new CISynapseException(ErrorIds.EntityDocumentNotFound, ErrorKind.ObjectNotFound, $"The manifest '{display}' declares entity '{entityName}' as '{entityPath}', but '{documentDisplay}' defines no entity named '{definitionName}'.", entityName);
        }

        foreach (var warning in definition.Warnings)
        {
            _session.Warn(warning);
        }

        definition.Failure?.Throw();
        return (definition.Attributes, definition.Description, documentDisplay);
    }

    /// <summary>The store path of the document an entityPath names, and the name of the definition in it.</summary>
    private (string DocumentPath, string DefinitionName) EntityDocument(string manifestPath, string entityName, string entityPath)
    {
        var display = _session.Display(manifestPath);
        var item = $"the entity document of '{entityName}'";
        if (entityPath.StartsWith("cdm:", StringComparison.OrdinalIgnoreCase))
        {
            throw new CISynapseException(ErrorIds.UnresolvedEntityDocument, ErrorKind.InvalidData, $"The manifest '{display}' declares entity '{entityName}' by the CDM standard definition '{entityPath}'; only resolved entity documents inside the folder can be read.", entityName);
        }

        var split = CdmDocumentSuffix().Match(entityPath);
        if (!split.Success)
        {
            throw new CISynapseException(ErrorIds.EntityDocumentNotFound, ErrorKind.ObjectNotFound, $"The manifest '{display}' gives entity '{entityName}' the entityPath '{entityPath}', which names no '.cdm.json' document.", entityName);
        }

        var documentPart = entityPath[..(split.Index + split.Length)].TrimEnd('/');
        var definitionName = entityPath[(split.Index + split.Length)..].Trim('/');
        if (definitionName.Length == 0)
        {
            definitionName = entityName;
        }

        return (_session.Resolver.Resolve(manifestPath, documentPart, item, corpusPath: true), definitionName);
    }

    private async Task<List<CdmPartition>> ReadPartitionsAsync(string manifestPath, JsonElement declaration, string entityName)
    {
        var display = _session.Display(manifestPath);
        var found = new List<(string, CdmPartition)>();
        var index = 0;
        foreach (var item in CdmJson.Array(declaration, "dataPartitions"))
        {
            index++;
            var name = CdmJson.String(item, "name");
            var what = name is null ? $"partition {index} of entity '{entityName}'" : $"the partition '{name}' of entity '{entityName}'";
            var location = CdmJson.String(item, "location");
            if (string.IsNullOrWhiteSpace(location))
            {
                throw CdmErrors.Invalid(display, $"{what} has no location.");
            }

            var storePath = _session.Resolver.Resolve(manifestPath, location, what, corpusPath: true);
            var (format, csv) = FormatOf(CdmTrait.ReadList(item, "exhibitsTraits"), storePath, display, what);
            found.Add((storePath, new CdmPartition(_session.Store.ToLocation(storePath), format, csv, Name: name)));
        }

        return await _session.DescribeAsync(found, entityName).ConfigureAwait(false);
    }

    private async Task<List<CdmPartition>> ReadPatternsAsync(string manifestPath, JsonElement declaration, string entityName)
    {
        var display = _session.Display(manifestPath);
        var partitions = new List<CdmPartition>();
        var index = 0;
        foreach (var item in CdmJson.Array(declaration, "dataPartitionPatterns"))
        {
            index++;
            var name = CdmJson.String(item, "name");
            var what = name is null ? $"partition pattern {index} of entity '{entityName}'" : $"the partition pattern '{name}' of entity '{entityName}'";
            var rootLocation = CdmJson.String(item, "rootLocation");
            var root = string.IsNullOrWhiteSpace(rootLocation) || rootLocation.Trim() is "/" or "."
                ? (rootLocation?.Trim() == "/" ? _session.FolderRoot : CdmLocationResolver.FolderOf(manifestPath))
                : _session.Resolver.Resolve(manifestPath, rootLocation, what, corpusPath: true);
            var glob = CdmJson.String(item, "globPattern");
            var regex = CdmJson.String(item, "regularExpression");
            foreach (var pattern in new[] { glob, regex })
            {
                if (pattern is not null && pattern.Split('/', '\\').Any(s => s.Trim() == ".."))
                {
                    throw CdmErrors.PathTraversal(display, what, pattern);
                }
            }

            PartitionPattern? matcher;
            try
            {
                matcher = PartitionPattern.Create(glob, regex, _session.Options.RegexTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new CISynapseException(ErrorIds.InvalidPartitionPattern, ErrorKind.InvalidData, $"The CDM document '{display}' gives {what} the regular expression '{regex}', which does not parse: {ex.Message}", regex, ex);
            }

            if (matcher is null)
            {
                _session.Warn($"'{display}': {what} has neither a globPattern nor a regularExpression and matches no file.");
                continue;
            }

            var (format, csv) = FormatOrNull(CdmTrait.ReadList(item, "exhibitsTraits"), display, what);
            var listing = await _session.ListingForAsync(root).ConfigureAwait(false);
            var offset = root.Length == 0 ? 0 : root.Length + 1;
            var matched = 0;
            foreach (var file in listing.Below(root))
            {
                bool isMatch;
                try
                {
                    isMatch = matcher.IsMatch(file.Path[offset..]);
                }
                catch (RegexMatchTimeoutException ex)
                {
                    throw new CISynapseException(ErrorIds.InvalidPartitionPattern, ErrorKind.LimitsExceeded, $"The CDM document '{display}' gives {what} the pattern '{matcher.Text}', which took too long on '{file.Path}'.", matcher.Text, ex);
                }

                if (!isMatch)
                {
                    continue;
                }

                matched++;
                var fileFormat = format ?? CsvFormatReader.FromExtension(file.Path);
                partitions.Add(new CdmPartition(
                    _session.Store.ToLocation(file.Path),
                    fileFormat,
                    fileFormat == PartitionFormat.Csv ? csv ?? CsvFormat.Default : null,
                    file.Size,
                    file.LastModified,
                    file.ETag,
                    file.Path[offset..]));
            }

            _session.Context.Log.Verbose($"{what}: '{matcher.Text}' matched {matched:N0} files below '{_session.Display(root)}'.");
        }

        return partitions;
    }

    /// <summary>The format a partition's traits declare; for an explicit partition without one, the file extension decides.</summary>
    private static (PartitionFormat, CsvFormat?) FormatOf(IReadOnlyList<CdmTrait> traits, string path, string display, string what)
    {
        var (format, csv) = FormatOrNull(traits, display, what);
        if (format is not null)
        {
            return (format.Value, csv);
        }

        var byExtension = CsvFormatReader.FromExtension(path);
        return (byExtension, byExtension == PartitionFormat.Csv ? CsvFormat.Default : null);
    }

    private static (PartitionFormat? Format, CsvFormat? Csv) FormatOrNull(IReadOnlyList<CdmTrait> traits, string display, string what)
    {
        var (format, csv, unsupported) = CsvFormatReader.FromTraits(traits);
        if (unsupported is not null)
        {
            throw CdmErrors.UnsupportedFormat(display, what, unsupported);
        }

        return (format, format == PartitionFormat.Csv ? CsvFormatReader.Validate(csv ?? CsvFormat.Default, display, what) : null);
    }

    [GeneratedRegex(@"\.cdm\.json(?=/|$)", RegexOptions.IgnoreCase | RegexOptions.RightToLeft)]
    private static partial Regex CdmDocumentSuffix();

    /// <summary>The definitions of one entity document that its manifest's entities ask for, keyed by (definition name, entity name).</summary>
    private sealed class DefinitionsRead(Dictionary<(string Definition, string Entity), DefinitionRead?> read)
    {
        public static DefinitionsRead Of(JsonDocument document, string display, IEnumerable<(string Definition, string Entity)> asked, CdmNameTable names)
        {
            var read = new Dictionary<(string, string), DefinitionRead?>();
            foreach (var (definition, entity) in asked)
            {
                read.TryAdd((definition, entity), DefinitionRead.Of(document.RootElement, display, definition, entity, names));
            }

            return new DefinitionsRead(read);
        }

        /// <summary>What <see cref="Of"/> reads, read forward from the document's bytes; null when it must be parsed.</summary>
        public static DefinitionsRead? ReadForward(ReadOnlyMemory<byte> utf8, IEnumerable<(string Definition, string Entity)> asked, CdmReadSession session)
        {
            if (EntityDocumentForwardReader.TryRead(utf8.Span, session.Options.MaxJsonDepth, session.Names) is not { } definitions)
            {
                return null;
            }

            var read = new Dictionary<(string, string), DefinitionRead?>();
            foreach (var (definition, entity) in asked)
            {
                var found = definitions.Find(d => string.Equals(d.EntityName, definition, StringComparison.OrdinalIgnoreCase));
                read.TryAdd((definition, entity), found is null ? null : new DefinitionRead(found.Attributes, found.Description, [], null));
            }

            return new DefinitionsRead(read);
        }

        /// <summary>False when this definition was not asked for; true with null when the document does not define it.</summary>
        public bool TryGet(string definition, string entity, out DefinitionRead? found) => read.TryGetValue((definition, entity), out found);
    }

    /// <summary>One entity definition read: its attributes and description, the warnings reading it gave, or the error it met after them.</summary>
    private sealed record DefinitionRead(IReadOnlyList<CdmAttribute> Attributes, string? Description, IReadOnlyList<string> Warnings, ExceptionDispatchInfo? Failure)
    {
        /// <summary>The first definition named <paramref name="definitionName"/> (ignoring case), read for the entity; null when there is none.</summary>
        public static DefinitionRead? Of(JsonElement root, string display, string definitionName, string entityName, CdmNameTable names)
        {
            foreach (var definition in CdmJson.Array(root, "definitions"))
            {
                if (string.Equals(CdmJson.String(definition, "entityName"), definitionName, StringComparison.OrdinalIgnoreCase))
                {
                    var warnings = new List<string>();
                    try
                    {
                        var (attributes, description) = EntityDefinitionReader.Read(definition, display, entityName, warnings.Add, names);
                        return new DefinitionRead(attributes, description, warnings, null);
                    }
                    catch (Exception ex)
                    {
                        return new DefinitionRead([], null, warnings, ExceptionDispatchInfo.Capture(ex));
                    }
                }
            }

            return null;
        }
    }
}
