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

    /// <summary>Blob metadata naming the write that produced model.json, so a run recognises its own commit.</summary>
    public const string WriteIdMetadata = "cisynapsewriteid";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    private readonly JsonObject _root;
    private readonly JsonArray _entities;

    private LakeModel(JsonObject root, ETag? etag)
    {
        _root = root;
        ETag = etag;
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

        return new LakeModel(root, content.Details.ETag);
    }

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

    public IEnumerable<string> EntityNames =>
        _entities.OfType<JsonObject>().Select(e => e["name"]?.GetValueKind() == JsonValueKind.String ? e["name"]!.GetValue<string>() : null).OfType<string>();

    /// <summary>Whether the entity's current snapshot holds Parquet files only (landed as Parquet, or from Parquet partitions).</summary>
    public bool HoldsParquet(string entity) =>
        Entry(entity)?["partitions"] is JsonArray { Count: > 0 } partitions
        && partitions.All(p => p?["fileFormatSettings"]?["$type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "ParquetFormatSettings");

    /// <summary>Replaces the entity's entry (or appends one) with its new snapshot.</summary>
    public void SetEntity(CdmEntity entity, string snapshotId, string fingerprint, IReadOnlyList<(SourcePartition Source, Uri Landed)> partitions)
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
                ["encoding"] = csv.Encoding,
            };
        }
        else
        {
            node["fileFormatSettings"] = new JsonObject { ["$type"] = "ParquetFormatSettings" };
        }

        return node;
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
