using System.Globalization;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>What the convert step needs beyond the landed snapshot.</summary>
internal sealed record ConversionInput(ExportDefinition Export, ResolvedLake Lake, InvalidValueAction InvalidValue, SqlExecutorOptions? Options);

/// <summary>
/// Step "convert" (after "land", before "commit"): for each entity whose lake CSV files this run staged
/// (<see cref="LandedSnapshot.Staged"/>), serverless SQL writes its snapshot folder as Parquet: the shared objects and
/// the file format are made when missing (the format is dropped when the run's conversions are done), the staged values that do not convert are counted per column (with
/// <see cref="InvalidValueAction.Fail"/> any count fails the entity with up to 10 values per column; with
/// <see cref="InvalidValueAction.Null"/> they are written as NULL and counted), one CETAS writes the files, its
/// external table is dropped, and the written files' footers are read (they must agree on one schema). The staging folder is
/// deleted whatever happens; an entity that fails keeps its previous snapshot and leaves no snapshot folder. No data
/// byte passes through this machine.
/// </summary>
internal sealed class ConvertToParquetStep(ISqlScriptRunner sql)
{
    /// <summary>
    /// Before anything lands: an entity that would be converted on the server fails when the run does not apply SQL
    /// (ScriptOnly, or a workspace without a serverless endpoint), so that nothing is staged for nothing.
    /// </summary>
    public static LandingPlan RefuseWithoutSql(LandingPlan plan, DeploymentMode deployment, SqlEndpoint? endpoint)
    {
        if (deployment == DeploymentMode.Apply && endpoint is not null)
        {
            return plan;
        }

        return ParquetLanding.RefuseServerConversion(plan, deployment == DeploymentMode.Apply ? "the workspace reports no serverless SQL endpoint" : "the export's deployment mode is ScriptOnly");
    }

    public async Task<LandedSnapshot> RunAsync(ConversionInput input, LandedSnapshot landed, LockedDatabase database, OperationContext context)
    {
        if (landed.Staged.Count == 0)
        {
            return landed;
        }

        var converted = new Dictionary<string, ConvertedEntity>(StringComparer.Ordinal);
        var failed = new Dictionary<string, CISynapseException>(StringComparer.Ordinal);
        var setUp = false;
        foreach (var plan in landed.Landed.Where(p => landed.Staged.ContainsKey(p.Name)))
        {
            var staging = landed.Staged[plan.Name];
            var snapshot = database.Target.SnapshotFolder(plan.Name, landed.SnapshotId);
            try
            {
                var endpoint = input.Lake.SqlEndpoint ?? throw new InvalidOperationException("The convert step runs only with a serverless SQL endpoint.");
                var script = ServerlessSqlGenerator.ConvertToParquet(input.Export.DatabaseName, input.Export.QueryAccess, input.Lake.DataLake, plan.Entity, staging, snapshot, landed.SnapshotId);
                if (!setUp)
                {
                    await sql.ExecuteAsync(endpoint, new SqlScript(input.Export.DatabaseName, input.Export.QueryAccess, script.Setup, []), input.Options, context, _ => Task.CompletedTask).ConfigureAwait(false);
                    setUp = true;
                }

                var unconverted = await CountUnconvertedAsync(endpoint, input, plan.Entity, script, context.CancellationToken).ConfigureAwait(false);
                if (unconverted.Count > 0 && input.InvalidValue == InvalidValueAction.Fail)
                {
                    throw await NotConvertedAsync(endpoint, input, plan.Entity, script, unconverted, context.CancellationToken).ConfigureAwait(false);
                }

                await sql.ExecuteAsync(endpoint, new SqlScript(input.Export.DatabaseName, input.Export.QueryAccess, [script.CreateTable, script.DropTable], []), input.Options, context, _ => Task.CompletedTask).ConfigureAwait(false);
                var files = await ReadWrittenFilesAsync(database.Container, plan.Entity, snapshot, context.CancellationToken).ConfigureAwait(false);
                converted[plan.Name] = new ConvertedEntity(files, unconverted);
                context.Log.Verbose($"Entity '{plan.Name}': serverless SQL wrote {files.Count} Parquet files into {snapshot}.");
            }
            catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost && !context.CancellationToken.IsCancellationRequested)
            {
                var error = ConversionError(plan.Name, ex);
                failed[plan.Name] = error;
                context.Log.Warning($"Entity '{plan.Name}' was not landed and keeps its previous snapshot: {error.Message}");
                await LakeLander.DeleteFolderAsync(database.Container, snapshot, context.Log, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await LakeLander.DeleteFolderAsync(database.Container, staging, context.Log, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (setUp && input.Lake.SqlEndpoint is { } sqlEndpoint)
        {
            await DropFileFormatAsync(sqlEndpoint, input, context).ConfigureAwait(false);
        }

        return Apply(landed, database.Target, converted, failed);
    }

    /// <summary>Drops the run's file format; when that fails the converted files stand, and the next run reuses the format.</summary>
    private async Task DropFileFormatAsync(SqlEndpoint endpoint, ConversionInput input, OperationContext context)
    {
        try
        {
            await sql.ExecuteAsync(endpoint, new SqlScript(input.Export.DatabaseName, input.Export.QueryAccess, [ServerlessSqlGenerator.DropParquetFileFormat()], []), input.Options, context, _ => Task.CompletedTask).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost && !context.CancellationToken.IsCancellationRequested)
        {
            context.Log.Warning($"The external file format '{ServerlessSqlGenerator.ParquetFileFormatName}' of the Parquet conversion was not dropped ({LakeErrors.FirstLine(ex)}); the next conversion reuses it.");
        }
    }

    /// <summary>The landed snapshot as the commit must see it: converted entities with their Parquet files, failed ones on their previous snapshot.</summary>
    private static LandedSnapshot Apply(LandedSnapshot landed, LakeTarget target, Dictionary<string, ConvertedEntity> converted, Dictionary<string, CISynapseException> failed)
    {
        var plans = landed.Plan.Entities.ToDictionary(p => p.Name, StringComparer.Ordinal);
        return landed with
        {
            Entities = landed.Entities.Select(e =>
            {
                if (failed.TryGetValue(e.Entity, out var error))
                {
                    var previous = plans[e.Entity].CurrentSnapshotId;
                    return e with
                    {
                        Action = LandingAction.Failed,
                        SnapshotId = previous,
                        SnapshotFolder = previous is null ? null : target.SnapshotFolder(e.Entity, previous),
                        Error = error,
                    };
                }

                return converted.TryGetValue(e.Entity, out var done) ? e with { NulledValues = done.Nulled } : e;
            }).ToList(),
            Landed = landed.Landed
                .Where(p => !failed.ContainsKey(p.Name))
                .Select(p => converted.TryGetValue(p.Name, out var done) ? p with { Partitions = done.Files } : p)
                .ToList(),
            Staged = new Dictionary<string, string>(),
        };
    }

    private async Task<List<InvalidColumnValues>> CountUnconvertedAsync(SqlEndpoint endpoint, ConversionInput input, CdmEntity entity, ParquetConversionScript script, CancellationToken cancellationToken)
    {
        var counts = new List<InvalidColumnValues>();
        if (script.Check is not { } check)
        {
            return counts;
        }

        var rows = await sql.QueryAsync(endpoint, input.Export.DatabaseName, check.Batch, null, input.Options, cancellationToken).ConfigureAwait(false);
        if (rows is not [var row, ..])
        {
            return counts;
        }

        for (var i = 0; i < check.Columns.Count && i < row.Length; i++)
        {
            var count = row[i] is null or DBNull ? 0 : Convert.ToInt64(row[i], CultureInfo.InvariantCulture);
            if (count > 0)
            {
                var attribute = entity.Attributes.First(a => a.Name == check.Columns[i]);
                counts.Add(new InvalidColumnValues(check.Columns[i], SqlTypeMap.Map(attribute).TypeName, count, []));
            }
        }

        return counts;
    }

    /// <summary>
    /// The failure of an entity whose values do not convert: a query per failing column for up to 10 of its values and
    /// the file each is in (without the file names when the endpoint has no <c>filepath()</c>).
    /// </summary>
    private async Task<CISynapseException> NotConvertedAsync(SqlEndpoint endpoint, ConversionInput input, CdmEntity entity, ParquetConversionScript script, List<InvalidColumnValues> unconverted, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        bool[] attempts = [true, false];
        foreach (var column in unconverted)
        {
            foreach (var attempt in attempts)
            {
                try
                {
                    rows.AddRange(await sql.QueryAsync(endpoint, input.Export.DatabaseName, script.Samples(column.Column, attempt), null, input.Options, cancellationToken).ConfigureAwait(false) ?? []);
                    attempts = [attempt];
                    break;
                }
                catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
                {
                    // Without filepath() (an endpoint that has none) the samples name no file; when that fails too, none are named.
                }
            }
        }

        var columns = string.Join("; ", unconverted.Select(c =>
        {
            var samples = rows.Where(r => r.Length >= 3 && Equals(r[0], c.Column)).Take(ServerlessSqlGenerator.SampleLimit).ToList();
            var files = samples.Select(r => r[1] as string).Where(f => !string.IsNullOrEmpty(f)).Distinct(StringComparer.Ordinal).Select(f => "'" + SqlQuoting.Printable(f!) + "'").ToList();
            var values = string.Join(", ", samples.Select(r => "'" + SqlQuoting.Printable(r[2] as string ?? string.Empty) + "'"));
            return string.Create(
                CultureInfo.InvariantCulture,
                $"column '{SqlQuoting.Printable(c.Column)}' ({c.ViewType}): {c.Count} value(s){(files.Count > 0 ? " in " + string.Join(", ", files) : string.Empty)}{(values.Length > 0 ? ", first " + values : string.Empty)}");
        }));
        return new CISynapseException(
            ErrorIds.ParquetValueNotConverted,
            ErrorKind.InvalidData,
            $"The lake CSV files of entity '{SqlQuoting.Printable(entity.Name)}' have values that do not convert to their column types, so the entity is not landed as Parquet: {columns}.",
            entity.Name)
        {
            RecommendedAction = RecommendedActions.For(ErrorIds.ParquetValueNotConverted),
        };
    }

    /// <summary>
    /// The Parquet files CETAS wrote into the snapshot folder, as landed partitions, once their footers are read and
    /// agree on one schema. The columns are not recorded for the view: as over the files the local landing converts,
    /// the view declares the types the conversion wrote (<see cref="SqlColumnType.ParquetWithType"/>), which serverless
    /// SQL reads back from its own files whatever Parquet types it chose for them.
    /// </summary>
    private static async Task<IReadOnlyList<SourcePartition>> ReadWrittenFilesAsync(BlobContainerClient container, CdmEntity entity, string snapshot, CancellationToken cancellationToken)
    {
        var files = new List<SourcePartition>();
        var schemas = new List<(string File, IReadOnlyList<ParquetColumn> Columns)>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = snapshot + "/" }, cancellationToken).ConfigureAwait(false))
        {
            var relative = blob.Name[(snapshot.Length + 1)..];
            if (relative.Split('/').Any(s => s.StartsWith('_') || s.StartsWith('.')))
            {
                continue;
            }

            var client = container.GetBlobClient(blob.Name);
            var schema = await ParquetFooter.ReadBlobAsync(client, cancellationToken).ConfigureAwait(false);
            schemas.Add((relative, schema.Columns));
            var partition = new CdmPartition(client.Uri.AbsoluteUri, PartitionFormat.Parquet, Name: Path.GetFileNameWithoutExtension(relative));
            files.Add(new SourcePartition(partition, relative, blob.Properties.ContentLength ?? 0, blob.Properties.ETag?.ToString() ?? string.Empty));
        }

        if (files.Count == 0)
        {
            throw new CISynapseException(
                ErrorIds.ParquetConversionFailed,
                ErrorKind.InvalidResult,
                $"Serverless SQL reported the conversion of entity '{SqlQuoting.Printable(entity.Name)}' done, but '{snapshot}' holds no Parquet file.",
                entity.Name)
            {
                RecommendedAction = RecommendedActions.For(ErrorIds.ParquetConversionFailed),
            };
        }

        ParquetViewColumns.Agree(entity.Name, schemas.OrderBy(s => s.File, StringComparer.Ordinal).ToList());
        return files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The entity's error: a value or footer error as it is; the endpoint refusing to write the container as
    /// <see cref="ErrorIds.ParquetConversionAccessDenied"/>; any other failure as <see cref="ErrorIds.ParquetConversionFailed"/>.
    /// </summary>
    internal static CISynapseException ConversionError(string entity, CISynapseException error)
    {
        if (error.ErrorId is not (ErrorIds.SqlBatchFailed or ErrorIds.SqlConnectionFailed))
        {
            return error;
        }

        var message = LakeErrors.FirstLine(error);
        var denied = error.Kind == ErrorKind.PermissionDenied || DeniedMarkers.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase));
        var id = denied ? ErrorIds.ParquetConversionAccessDenied : ErrorIds.ParquetConversionFailed;
        return new CISynapseException(
            id,
            denied ? ErrorKind.PermissionDenied : ErrorKind.InvalidOperation,
            denied
                ? $"Serverless SQL may not write the Parquet files of entity '{SqlQuoting.Printable(entity)}' into the container, so the entity keeps its previous snapshot: {message}"
                : $"Serverless SQL could not convert the entity '{SqlQuoting.Printable(entity)}' to Parquet, so it keeps its previous snapshot: {message}",
            entity,
            error)
        {
            RecommendedAction = RecommendedActions.For(id),
        };
    }

    /// <summary>How serverless SQL words a write the storage account refused (CETAS through the data source's credential).</summary>
    private static readonly string[] DeniedMarkers = ["forbidden", "access denied", "is not authorized", "AuthorizationPermissionMismatch", "permission to write", "(403)", " 403 "];

    private sealed record ConvertedEntity(IReadOnlyList<SourcePartition> Files, IReadOnlyList<InvalidColumnValues> Nulled);
}
