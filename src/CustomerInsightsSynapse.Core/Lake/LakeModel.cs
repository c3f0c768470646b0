using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// The database folder's <c>model.json</c>: a CDM model.json whose LocalEntity entries point at each entity's current
/// snapshot, with two annotations per entity (<c>cisynapse:snapshotId</c>, <c>cisynapse:fingerprint</c>) that the
/// planner compares against. Entries the run does not touch are kept exactly as read.
/// </summary>
internal sealed class LakeModel
{
    public const string SnapshotAnnotation = "cisynapse:snapshotId";
    public const string FingerprintAnnotation = "cisynapse:fingerprint";

    /// <summary>A Parquet entity's file columns, read from its current snapshot's footers when it landed (JSON text).</summary>
    public const string ParquetColumnsAnnotation = "cisynapse:parquetColumns";

    /// <summary>Blob metadata naming the write that produced model.json, so a run recognises its own commit.</summary>
    public const string WriteIdMetadata = "cisynapsewriteid";

    /// <summary>
    /// Blob metadata written by a completed clean-up (<see cref="LakeLander.PruneAsync"/>), or by a commit when the
    /// folders listed while landing left the clean-up nothing to delete: until this time no snapshot folder of the
    /// database can be deleted, so a run that lands nothing need not list them. A run removes it before it writes any
    /// data, so a run killed while landing leaves model.json without it.
    /// </summary>
    public const string PruneFromMetadata = "cisynapseprunefrom";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    private readonly JsonObject _root;
    private readonly JsonArray _entities;

    private LakeModel(JsonObject root, ETag? etag, DateTimeOffset? pruneFrom = null)
    {
        _root = root;
        ETag = etag;
        PruneFrom = pruneFrom;
        if (root["entities"] is JsonArray entities)
        {
            _entities = entities;
        }
        else
        {
            _entities = [];
            root["entities"] = _entities;
        }
    }

    /// <summary>The ETag model.json had when read (null when it did not exist): the commit is conditional on it.</summary>
    public ETag? ETag { get; }

    /// <summary>
    /// The time from which a clean-up may find a snapshot folder to delete, as the last completed clean-up recorded it
    /// (<see cref="PruneFromMetadata"/>); null when not recorded (a run landed since, or an older module wrote model.json).
    /// </summary>
    public DateTimeOffset? PruneFrom { get; }

    public static LakeModel Empty(string database) =>
        new(new JsonObject { ["name"] = database, ["version"] = "1.0", ["entities"] = new JsonArray() }, null);

    public static async Task<LakeModel> ReadAsync(BlobClient blob, string database, CancellationToken cancellationToken)
    {
        BlobDownloadResult content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Empty(database);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(content.Content.ToMemory().Span);
        }
        catch (JsonException ex)
        {
            throw Invalid(blob, "is not valid JSON: " + ex.Message, ex);
        }

        if (node is not JsonObject root || (root["entities"] is not null and not JsonArray))
        {
            throw Invalid(blob, "is not a CDM model.json (an object with an 'entities' array)", null);
        }

        return new LakeModel(root, content.Details.ETag, PruneFromOf(content.Details.Metadata));
    }

    /// <summary>The metadata that records <paramref name="pruneFrom"/> on model.json.</summary>
    public static Dictionary<string, string> PruneFromMetadataOf(DateTimeOffset pruneFrom) =>
        new() { [PruneFromMetadata] = pruneFrom.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };

    private static DateTimeOffset? PruneFromOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(PruneFromMetadata, out var text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var time)
            ? time
            : null;

    /// <summary>The current snapshot and fingerprint recorded for an entity, or null when it has none.</summary>
    public LakeEntityState? Find(string entity)
    {
        var entry = Entry(entity);
        if (entry is null)
        {
            return null;
        }

        return new LakeEntityState(Annotation(entry, SnapshotAnnotation), Annotation(entry, FingerprintAnnotation));
    }

    /// <summary>The Parquet file columns recorded for the entity's current snapshot, or null when none are.</summary>
    public IReadOnlyList<Sql.ParquetColumn>? ParquetColumns(string entity) => ParquetColumnsOf(Entry(entity));

    /// <summary>The Parquet file columns an entity entry records (null for no entry or none recorded).</summary>
    public static IReadOnlyList<Sql.ParquetColumn>? ParquetColumnsOf(JsonObject? entry) =>
        entry is null ? null : Sql.ParquetTypeMap.Deserialize(Annotation(entry, ParquetColumnsAnnotation));

    public IEnumerable<string> EntityNames =>
        _entities.OfType<JsonObject>().Select(e => e["name"]?.GetValueKind() == JsonValueKind.String ? e["name"]!.GetValue<string>() : null).OfType<string>();

    /// <summary>Whether the entity's current snapshot holds Parquet files only (landed as Parquet, or from Parquet partitions).</summary>
    public bool HoldsParquet(string entity) =>
        Entry(entity)?["partitions"] is JsonArray { Count: > 0 } partitions
        && partitions.All(p => p?["fileFormatSettings"]?["$type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "ParquetFormatSettings");

    /// <summary>Replaces the entity's entry (or appends one) with its new snapshot.</summary>
    public void SetEntity(CdmEntity entity, string snapshotId, string fingerprint, IReadOnlyList<(SourcePartition Source, Uri Landed)> partitions, IReadOnlyList<Sql.ParquetColumn>? parquetColumns = null)
    {
        var entry = new JsonObject
        {
            ["$type"] = "LocalEntity",
            ["name"] = entity.Name,
        };
        if (!string.IsNullOrEmpty(entity.Description))
        {
            entry["description"] = entity.Description;
        }

        entry["annotations"] = new JsonArray(
            new JsonObject { ["name"] = SnapshotAnnotation, ["value"] = snapshotId },
            new JsonObject { ["name"] = FingerprintAnnotation, ["value"] = fingerprint });
        if (parquetColumns is not null)
        {
            ((JsonArray)entry["annotations"]!).Add(new JsonObject { ["name"] = ParquetColumnsAnnotation, ["value"] = Sql.ParquetTypeMap.Serialize(parquetColumns) });
        }
        entry["attributes"] = new JsonArray(entity.Attributes.Select(AttributeNode).ToArray<JsonNode?>());
        entry["partitions"] = new JsonArray(partitions.Select(p => PartitionNode(p.Source, p.Landed)).ToArray<JsonNode?>());

        var index = IndexOf(entity.Name);
        if (index >= 0)
        {
            _entities[index] = entry;
        }
        else
        {
            _entities.Add(entry);
        }
    }

    /// <summary>A copy of the entity's entry as it is now, or null when it has none.</summary>
    public JsonObject? EntryCopy(string entity) => (JsonObject?)Entry(entity)?.DeepClone();

    /// <summary>Puts back an entry taken with <see cref="EntryCopy"/>; null removes the entity's entry.</summary>
    public void RestoreEntry(string entity, JsonObject? entry)
    {
        var index = IndexOf(entity);
        if (index >= 0 && entry is null)
        {
            _entities.RemoveAt(index);
        }
        else if (index >= 0)
        {
            _entities[index] = entry!.DeepClone();
        }
        else if (entry is not null)
        {
            _entities.Add(entry.DeepClone());
        }
    }

    /// <summary>The same model as it stands in the blob with the ETag <paramref name="etag"/>, so that the next write is conditional on it.</summary>
    public LakeModel WrittenAs(ETag? etag) => new(_root, etag);

    public BinaryData Serialize(DateTimeOffset modified)
    {
        _root["version"] ??= "1.0";
        _root["modifiedTime"] = modified.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(_root, WriteOptions));
    }

    private static JsonObject AttributeNode(CdmAttribute a)
    {
        var node = new JsonObject { ["name"] = a.Name, ["dataType"] = a.DataType };
        if (!string.IsNullOrEmpty(a.Description))
        {
            node["description"] = a.Description;
        }

        var traits = new JsonArray();
        if (a.MaxLength is { } maxLength)
        {
            traits.Add(Trait("is.constrained", ("maximumLength", maxLength)));
        }

        if (a.Precision is { } precision)
        {
            traits.Add(Trait("is.dataFormat.numeric.shaped", ("precision", precision), ("scale", a.Scale ?? 0)));
        }

        if (a.IsNullable is { } nullable && nullable)
        {
            traits.Add(new JsonObject { ["traitReference"] = "is.nullable" });
        }

        if (traits.Count > 0)
        {
            node["cdm:traits"] = traits;
        }

        return node;
    }

    private static JsonObject Trait(string name, params (string Name, int Value)[] arguments) => new()
    {
        ["traitReference"] = name,
        ["arguments"] = new JsonArray(arguments.Select(x => new JsonObject { ["name"] = x.Name, ["value"] = x.Value }).ToArray<JsonNode?>()),
    };

    private static JsonObject PartitionNode(SourcePartition source, Uri landed)
    {
        var node = new JsonObject
        {
            ["name"] = source.Partition.Name ?? Path.GetFileNameWithoutExtension(source.RelativePath),
            ["location"] = landed.AbsoluteUri,
        };
        if (source.Partition.Format == PartitionFormat.Csv && !source.ConvertToParquet)
        {
            var csv = source.Partition.Csv ?? CsvFormat.Default;
            node["fileFormatSettings"] = new JsonObject
            {
                ["$type"] = "CsvFormatSettings",
                ["columnHeaders"] = csv.HasHeader,
                ["delimiter"] = csv.Delimiter,
                ["quoteStyle"] = csv.Quote.Length == 0 ? "QuoteStyle.None" : "QuoteStyle.Csv",
                ["csvStyle"] = "CsvStyle.QuoteAlways",
                ["encoding"] = CsvEncodings.Landed(csv.Encoding),
            };
            node["cdm:traits"] = new JsonArray(CsvTrait(csv));
        }
        else
        {
            node["fileFormatSettings"] = new JsonObject { ["$type"] = "ParquetFormatSettings" };
        }

        return node;
    }

    /// <summary>
    /// Every CSV setting of a landed partition, as the <c>is.partition.format.CSV</c> trait (CsvFormatSettings cannot
    /// hold the quote, escape, line end or skipped lines), so that <see cref="DefinitionOf"/> reads the files as landed.
    /// </summary>
    private static JsonObject CsvTrait(CsvFormat csv)
    {
        var arguments = new JsonArray
        {
            new JsonObject { ["name"] = "columnHeaders", ["value"] = csv.HasHeader },
            new JsonObject { ["name"] = "delimiter", ["value"] = csv.Delimiter },
            new JsonObject { ["name"] = "quote", ["value"] = csv.Quote },
            new JsonObject { ["name"] = "encoding", ["value"] = CsvEncodings.Landed(csv.Encoding) },
        };
        if (csv.Escape is { } escape)
        {
            arguments.Add(new JsonObject { ["name"] = "escape", ["value"] = escape });
        }

        if (csv.NewLine is { } newLine)
        {
            arguments.Add(new JsonObject { ["name"] = "newline", ["value"] = newLine });
        }

        if (csv.SkipLines > 0)
        {
            arguments.Add(new JsonObject { ["name"] = "skipLines", ["value"] = csv.SkipLines });
        }

        return new JsonObject { ["traitReference"] = CsvFormatReader.CsvTrait, ["arguments"] = arguments };
    }

    /// <summary>
    /// The definition an entry records for its snapshot: the attributes it was landed with, and each landed file's
    /// location and format (read as landed: UTF-8). CSV settings the entry does not record (entries written before the
    /// CSV trait was) are taken from <paramref name="current"/>. Name, description and annotations are
    /// <paramref name="current"/>'s.
    /// </summary>
    public static CdmEntity DefinitionOf(JsonObject entry, CdmEntity current)
    {
        var element = JsonSerializer.SerializeToElement(entry);
        var attributes = CdmJson.Array(element, "attributes").Select(a =>
        {
            var traits = CdmTrait.ReadList(a, "cdm:traits");
            var shaped = CdmTrait.Find(traits, "is.dataFormat.numeric.shaped");
            return new CdmAttribute(
                CdmJson.String(a, "name") ?? string.Empty,
                CdmJson.String(a, "dataType") ?? "string",
                CdmTrait.Find(traits, "is.constrained")?.IntArgument("maximumLength"),
                shaped?.IntArgument("precision"),
                shaped?.IntArgument("scale"),
                CdmTrait.Find(traits, "is.nullable") is not null ? true : null,
                CdmJson.String(a, "description"));
        }).ToList();
        var currentCsv = current.Partitions.Select(p => p.Csv).FirstOrDefault(c => c is not null) ?? CsvFormat.Default;
        var partitions = CdmJson.Array(element, "partitions").Select(p =>
        {
            var location = CdmJson.String(p, "location") ?? string.Empty;
            if (!CdmJson.TryGet(p, "fileFormatSettings", out var settings) || CdmJson.String(settings, "$type") is not "CsvFormatSettings")
            {
                return new CdmPartition(location, PartitionFormat.Parquet, Name: CdmJson.String(p, "name"));
            }

            var (_, traitCsv, _) = CsvFormatReader.FromTraits(CdmTrait.ReadList(p, "cdm:traits"));
            var csv = CsvFormatReader.FromSettings(settings, traitCsv ?? currentCsv with { Encoding = "UTF-8" });
            return new CdmPartition(location, PartitionFormat.Csv, csv, Name: CdmJson.String(p, "name"));
        }).ToList();
        return current with { Attributes = attributes, Partitions = partitions };
    }

    private JsonObject? Entry(string entity)
    {
        var index = IndexOf(entity);
        return index >= 0 ? (JsonObject)_entities[index]! : null;
    }

    private int IndexOf(string entity)
    {
        for (var i = 0; i < _entities.Count; i++)
        {
            if (_entities[i] is JsonObject o && o["name"] is JsonValue v && v.TryGetValue<string>(out var name) && string.Equals(name, entity, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Annotation(JsonObject entry, string name) =>
        entry["annotations"] is JsonArray annotations
            ? annotations.OfType<JsonObject>()
                .Where(a => a["name"] is JsonValue n && n.TryGetValue<string>(out var s) && s == name)
                .Select(a => a["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
                .FirstOrDefault()
            : null;

    private static CISynapseException Invalid(BlobClient blob, string problem, Exception? inner) =>
        new(ErrorIds.LakeModelInvalid, ErrorKind.InvalidData, $"The lake's {blob.Name} {problem}. The landing stops so as not to overwrite it.", blob.Name, inner)
        {
            RecommendedAction = "Move or repair the file, or land into another database name.",
        };
}

/// <summary>An entity's current snapshot and the fingerprint of the source it was landed from.</summary>
internal sealed record LakeEntityState(string? SnapshotId, string? Fingerprint);
