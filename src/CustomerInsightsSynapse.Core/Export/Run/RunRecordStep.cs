using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>
/// Step "record": the run's status and entities from what the steps produced, and saving the record, always,
/// to the store and beside the data (<see cref="LakeTarget.RunRecordPath"/>).
/// </summary>
internal sealed class RunRecordStep(DefinitionStore store, LakeFiles files)
{
    /// <summary>The finished record of a run that reached its end.</summary>
    public static ExportRunRecord Finish(ExportRunRecord record, ExportDefinition export, SourceSelection source, LandingResult landing, SqlStepResult? sql)
    {
        var entities = landing.Entities.Select(e => new EntityRunRecord(
                e.Entity,
                e.Action switch { LandingAction.Landed => EntityRunAction.Landed, LandingAction.Unchanged => EntityRunAction.Unchanged, _ => EntityRunAction.Failed },
                e.Files,
                e.Bytes,
                e.SnapshotId,
                Math.Round(e.Duration.TotalSeconds, 3),
                e.Error?.ErrorId,
                e.Error?.Message)
            {
                TranscodedFiles = e.TranscodedFiles,
                TranscodedFrom = e.TranscodedFrom.Count == 0 ? null : string.Join(", ", e.TranscodedFrom),
            })
            .Concat(source.Unnameable.Select(u => new EntityRunRecord(u.Entity.Name, EntityRunAction.Failed, 0, 0, null, 0, u.Error.ErrorId, u.Error.Message)))
            .Concat(source.Missing.Select(m => new EntityRunRecord(m, EntityRunAction.Failed, 0, 0, null, 0, ErrorIds.EntityNotFound, $"Entity '{m}' is not in the source {CdmSourceUrl.WithoutQuery(export.Source)}.")))
            .ToList();
        return record with
        {
            Entities = entities,
            SqlApplied = sql?.Applied ?? false,
            SqlScriptPath = sql?.ScriptPath,
            Status = StatusOf(entities, sql?.Error),
            ErrorId = sql?.Error?.ErrorId,
            Error = sql?.Error?.Message,
        };
    }

    /// <summary>
    /// Values written as NULL while landing as Parquet with <c>-InvalidValue Null</c>, per entity and column (only
    /// entities whose new snapshot is current), each also a warning naming a few of the values.
    /// </summary>
    public static IReadOnlyList<UnconvertedValues> NulledWhileLanding(LandingResult landing, List<string> warnings)
    {
        var nulled = new List<UnconvertedValues>();
        foreach (var entity in landing.Entities.Where(e => e.Action == LandingAction.Landed))
        {
            foreach (var column in entity.NulledValues)
            {
                nulled.Add(new UnconvertedValues(entity.Entity, column.Column, column.Count));
                warnings.Add($"Entity '{entity.Entity}': {column.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} values of column '{column.Column}' do not convert to {column.ViewType} and were landed as NULL (-InvalidValue Null){(column.Samples.Count > 0 ? ", for example " + string.Join(", ", column.Samples.Take(3).Select(s => "'" + Sql.SqlQuoting.Printable(s) + "'")) : string.Empty)}.");
            }
        }

        return nulled;
    }

    /// <summary>Failed when the SQL failed or every entity failed; PartiallySucceeded when some did; otherwise Succeeded (nothing changed included).</summary>
    public static ExportRunStatus StatusOf(IReadOnlyList<EntityRunRecord> entities, CISynapseException? sqlError)
    {
        var failed = entities.Count(e => e.Action == EntityRunAction.Failed);
        return sqlError is not null || (entities.Count > 0 && failed == entities.Count) ? ExportRunStatus.Failed
            : failed > 0 ? ExportRunStatus.PartiallySucceeded
            : ExportRunStatus.Succeeded;
    }

    /// <summary>Saves the record to the store and, at the same time (best effort, when the lake is known), beside the data.</summary>
    public async Task SaveAsync(ExportRunRecord record, LakeTarget? target, IOperationLog log)
    {
        var beside = target is null ? Task.CompletedTask : SaveBesideDataAsync(record, target, log);
        try
        {
            await store.CreateAsync(ExportRunRecord.Kind, record.RunId, record, record.StartedBy, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await beside.ConfigureAwait(false);
        }
    }

    private async Task SaveBesideDataAsync(ExportRunRecord record, LakeTarget target, IOperationLog log)
    {
        try
        {
            await files.SaveRunRecordAsync(target, record.RunId, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Options)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warning($"The run record could not be written to the lake beside the data: {ex.Message}");
        }
    }
}
