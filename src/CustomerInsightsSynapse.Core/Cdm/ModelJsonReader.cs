using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>Reads a <c>model.json</c>: local entities with their attributes and partitions; reference entities are skipped with a warning.</summary>
internal static class ModelJsonReader
{
    public static async Task<List<CdmEntity>> ReadAsync(CdmReadSession session, string documentPath)
    {
        var display = session.Display(documentPath);
        var json = await session.TryLoadAsync(documentPath).ConfigureAwait(false)
            ?? throw new Diagnostics.CISynapseException(Diagnostics.ErrorIds.CdmDocumentNotFound, Diagnostics.ErrorKind.ObjectNotFound, $"The CDM document '{display}' does not exist.", display);
        var root = json.RootElement;
        if (!CdmJson.TryGet(root, "entities", out var entities) || entities.ValueKind != JsonValueKind.Array)
        {
            throw CdmErrors.Invalid(display, "it has no 'entities' array, so it is not a model.json.");
        }

        if (CdmJson.String(root, "version") is not "1.0")
        {
            session.Warn($"'{display}' does not declare model.json version 1.0; it is read as version 1.0.");
        }

        session.ExpectExplicitPartitions(entities.EnumerateArray().Sum(e => CdmJson.Array(e, "partitions").Count()));
        var result = new List<CdmEntity>();
        var index = 0;
        var total = entities.GetArrayLength();
        foreach (var entity in entities.EnumerateArray())
        {
            session.CancellationToken.ThrowIfCancellationRequested();
            index++;
            if (entity.ValueKind != JsonValueKind.Object)
            {
                throw CdmErrors.Invalid(display, $"entity {index} is not a JSON object.");
            }

            var name = CdmJson.String(entity, "name");
            if (string.IsNullOrWhiteSpace(name))
            {
                throw CdmErrors.Invalid(display, $"entity {index} has no name.");
            }

            var type = CdmJson.String(entity, "$type") ?? "LocalEntity";
            if (!type.Equals("LocalEntity", StringComparison.OrdinalIgnoreCase))
            {
                session.Warn($"'{display}': entity '{name}' is a {type}; its data lives in another model and is not read.");
                continue;
            }

            if (index % 50 == 0)
            {
                session.Context.Progress.Report(new Diagnostics.OperationProgress(Diagnostics.ProgressIds.CdmFolderRead, "Reading CDM folder", $"Entity {index:N0} of {total:N0}: {name}", index * 100 / total));
            }

            var attributes = ReadAttributes(session, entity, display, name);
            var partitions = await ReadPartitionsAsync(session, entity, documentPath, name).ConfigureAwait(false);
            result.Add(new CdmEntity(name.Trim(), attributes, partitions, CdmJson.String(entity, "description"))
            {
                Annotations = ReadAnnotations(entity),
                DocumentPath = display,
            });
        }

        return result;
    }

    private static List<CdmAttribute> ReadAttributes(CdmReadSession session, JsonElement entity, string display, string entityName)
    {
        var attributes = new List<CdmAttribute>();
        if (!CdmJson.TryGet(entity, "attributes", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            session.Warn($"'{display}': entity '{entityName}' has no attributes.");
            return attributes;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var name = item.ValueKind == JsonValueKind.Object ? CdmJson.String(item, "name") : null;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw CdmErrors.Invalid(display, $"attribute {index} of entity '{entityName}' has no name.");
            }

            name = name.Trim();
            if (!names.Add(name))
            {
                throw CdmErrors.DuplicateAttribute(display, entityName, name);
            }

            var written = CdmJson.String(item, "dataType");
            if (!CdmDataTypes.TryNormalize(written, out var dataType))
            {
                dataType = string.IsNullOrWhiteSpace(written) ? "unclassified" : written.Trim();
                session.Warn($"'{display}': attribute '{entityName}.{name}' has the unknown data type '{written ?? "(none)"}'; it is kept as '{dataType}'.");
            }

            var traits = CdmTrait.ReadList(item, "cdm:traits");
            var shaped = CdmTrait.Find(traits, "is.dataFormat.numeric.shaped");
            // maxLength -1 (Synapse Link) means unknown: fall through to the trait.
            var maxLength = Positive(CdmJson.Int(item, "maxLength")) ?? Positive(CdmJson.Int(item, "maximumLength")) ?? Positive(CdmTrait.Find(traits, "is.constrained")?.IntArgument("maximumLength"));
            var nullable = CdmJson.Bool(item, "isNullable") ?? (CdmTrait.Find(traits, "is.nullable") is not null ? true : null);
            attributes.Add(new CdmAttribute(
                name,
                dataType,
                maxLength,
                CdmJson.Int(item, "precision") ?? shaped?.IntArgument("precision", 0),
                CdmJson.Int(item, "scale") ?? shaped?.IntArgument("scale", 1),
                nullable,
                CdmJson.String(item, "description")));
        }

        return attributes;
    }

    private static async Task<List<CdmPartition>> ReadPartitionsAsync(CdmReadSession session, JsonElement entity, string documentPath, string entityName)
    {
        var display = session.Display(documentPath);
        var found = new List<(string, CdmPartition)>();
        var index = 0;
        foreach (var item in CdmJson.Array(entity, "partitions"))
        {
            index++;
            var name = CdmJson.String(item, "name");
            var what = name is null ? $"partition {index} of entity '{entityName}'" : $"the partition '{name}' of entity '{entityName}'";
            var location = CdmJson.String(item, "location");
            if (string.IsNullOrWhiteSpace(location))
            {
                session.Warn($"'{display}': {what} has no location and holds no data.");
                continue;
            }

            var storePath = session.Resolver.Resolve(documentPath, location, what, corpusPath: false);
            if (location.Contains('?', StringComparison.Ordinal))
            {
                session.Warn($"'{display}': the query part of {what}'s location ('{location}') is ignored; the current blob is read.");
            }

            var (format, csv, unsupported) = CsvFormatReader.FromTraits(CdmTrait.ReadList(item, "cdm:traits"));
            if (CdmJson.TryGet(item, "fileFormatSettings", out var settings) && settings.ValueKind == JsonValueKind.Object)
            {
                var settingsType = CdmJson.String(settings, "$type") ?? "CsvFormatSettings";
                if (!settingsType.Equals("CsvFormatSettings", StringComparison.OrdinalIgnoreCase))
                {
                    throw CdmErrors.UnsupportedFormat(display, what, settingsType);
                }

                (format, csv, unsupported) = (PartitionFormat.Csv, CsvFormatReader.FromSettings(settings, csv ?? CsvFormat.Default), null);
            }

            if (unsupported is not null)
            {
                throw CdmErrors.UnsupportedFormat(display, what, unsupported);
            }

            format ??= CsvFormatReader.FromExtension(storePath);
            if (format == PartitionFormat.Csv)
            {
                csv = CsvFormatReader.Validate(csv ?? CsvFormat.Default, display, what);
            }

            found.Add((storePath, new CdmPartition(session.Store.ToLocation(storePath), format.Value, csv, Name: name)));
        }

        return await session.DescribeAsync(found, entityName).ConfigureAwait(false);
    }

    private static int? Positive(int? value) => value is > 0 ? value : null;

    private static IReadOnlyDictionary<string, string> ReadAnnotations(JsonElement entity)
    {
        var annotations = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var annotation in CdmJson.Array(entity, "annotations"))
        {
            if (CdmJson.String(annotation, "name") is { Length: > 0 } name)
            {
                annotations[name] = CdmJson.TryGet(annotation, "value", out var value) ? CdmJson.AsString(value) ?? value.GetRawText() : string.Empty;
            }
        }

        return annotations;
    }
}
