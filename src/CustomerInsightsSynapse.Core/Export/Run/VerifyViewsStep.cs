using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>
/// What verifying the views found: the commit as it stands afterwards (failing entities back on their previous
/// snapshots), the warnings, and the per-column counts of values that did not convert.
/// </summary>
public sealed record ViewVerification(LakeCommit Commit, IReadOnlyList<string> Warnings, IReadOnlyList<UnconvertedValues> Unconverted);

/// <summary>
/// Step "verify" (Apply mode, after the SQL step moved the views, under the guard, before the clean-up): probes each
/// view whose entity landed a new snapshot with <c>SELECT TOP (1)</c> (reading a row, so that files it cannot read fail too);
/// a CSV entity with files copied by the service is also read in full once (see <see cref="FullReadQuery"/>). A view the engine refuses goes back to its
/// previous snapshot (its view regenerated for that snapshot, or dropped when it had none), its model.json entry is
/// reverted so that model.json and the views agree, and its entity is Failed with <c>ViewVerificationFailed</c> and
/// the engine's message. The views that answer have their conversion checks run; non-zero counts are reported.
/// </summary>
internal sealed class VerifyViewsStep(ISqlScriptRunner sql, LakeLander lander)
{
    public async Task<ViewVerification> RunAsync(SqlStepInput input, SqlStepResult applied, LakeCommit commit, LockedDatabase database, OperationContext context)
    {
        if (!applied.Applied || applied.Script is null || input.Lake.SqlEndpoint is not { } endpoint)
        {
            return new ViewVerification(commit, [], []);
        }

        var changed = commit.Result.Entities.Where(e => e.Action == LandingAction.Landed).Select(e => e.Entity).ToList();
        var failed = new Dictionary<string, CISynapseException>(StringComparer.Ordinal);
        foreach (var entity in changed)
        {
            if (await ProbeAsync(endpoint, input, commit, entity, context).ConfigureAwait(false) is { } error)
            {
                failed[entity] = error;
            }
        }

        var warnings = new List<string>();
        var unconverted = new List<UnconvertedValues>();
        foreach (var check in applied.Script.ConversionChecks.Where(c => changed.Contains(c.Entity) && !failed.ContainsKey(c.Entity)))
        {
            await CountUnconvertedAsync(endpoint, input, check, unconverted, warnings, context).ConfigureAwait(false);
        }

        if (failed.Count == 0)
        {
            return new ViewVerification(commit, warnings, unconverted);
        }

        await RestoreViewsAsync(endpoint, input, commit, failed.Keys.ToList(), context).ConfigureAwait(false);
        var reverted = await lander.RevertAsync(database, commit, failed).ConfigureAwait(false);
        foreach (var (entity, error) in failed)
        {
            context.Log.Warning(error.Message);
        }

        return new ViewVerification(reverted, warnings, unconverted);
    }

    private async Task<CISynapseException?> ProbeAsync(SqlEndpoint endpoint, SqlStepInput input, LakeCommit commit, string entity, OperationContext context)
    {
        var view = ServerlessSqlGenerator.QualifiedViewName(entity);
        var probes = new List<SqlBatch> { new("verify view " + entity, SqlBatchKind.View, SqlBatchTarget.Database, "SELECT TOP (1) * FROM " + view + ";") };
        if (FullReadQuery(input, commit, entity) is { } fullRead)
        {
            probes.Add(new SqlBatch("read every value of view " + entity, SqlBatchKind.View, SqlBatchTarget.Database, fullRead));
        }

        try
        {
            foreach (var probe in probes)
            {
                await sql.QueryAsync(endpoint, input.Export.DatabaseName, probe, null, input.Options, context.CancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            return new CISynapseException(
                ErrorIds.ViewVerificationFailed,
                ErrorKind.InvalidData,
                $"The view {view} of entity '{entity}' failed its check after the new snapshot was applied, so it was put back on its previous snapshot: {LakeErrors.FirstLine(ex)}",
                entity,
                ex)
            {
                RecommendedAction = RecommendedActions.For(ErrorIds.ViewVerificationFailed),
            };
        }
    }

    /// <summary>
    /// For a CSV entity with files copied by the service (their bytes never passed through <see cref="Utf8ColumnWidthCheck"/>):
    /// a query that reads every value of every column of the view once, so that a value serverless SQL cannot read
    /// (longer than its column, above all) fails the check here rather than every reader's query later. Null for the others.
    /// </summary>
    private static string? FullReadQuery(SqlStepInput input, LakeCommit commit, string entity)
    {
        var plan = commit.Plan.Entities.SingleOrDefault(p => p.Name == entity);
        var definition = input.Selected.FirstOrDefault(e => e.Name == entity);
        if (plan is null || definition is not { Attributes.Count: > 0 }
            || !plan.Partitions.Any(p => p.IsBlob && !p.ConvertOnServer && p.Partition.Format == PartitionFormat.Csv && CsvEncodings.TranscodedFrom(p.Partition) is null))
        {
            return null;
        }

        var text = new StringBuilder("SELECT\n    COUNT_BIG(*) AS [rows]");
        foreach (var attribute in definition.Attributes)
        {
            text.Append(",\n    SUM(CASE WHEN ");
            SqlQuoting.AppendIdentifier(text, attribute.Name, "attribute name");
            text.Append(" IS NULL THEN 0 ELSE 1 END) AS ");
            SqlQuoting.AppendIdentifier(text, attribute.Name, "attribute name");
        }

        text.Append("\nFROM ").Append(ServerlessSqlGenerator.QualifiedViewName(entity)).Append(';');
        return text.ToString();
    }

    private async Task CountUnconvertedAsync(SqlEndpoint endpoint, SqlStepInput input, SqlConversionCheck check, List<UnconvertedValues> unconverted, List<string> warnings, OperationContext context)
    {
        IReadOnlyList<object?[]>? rows;
        try
        {
            rows = await sql.QueryAsync(endpoint, input.Export.DatabaseName, check.Batch, null, input.Options, context.CancellationToken).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            warnings.Add($"The values of entity '{check.Entity}' that do not convert to their column types could not be counted: {LakeErrors.FirstLine(ex)}");
            return;
        }

        if (rows is not [var row, ..])
        {
            return;
        }

        for (var i = 0; i < check.Columns.Count && i < row.Length; i++)
        {
            var count = row[i] is null or DBNull ? 0 : Convert.ToInt64(row[i], CultureInfo.InvariantCulture);
            if (count > 0)
            {
                unconverted.Add(new UnconvertedValues(check.Entity, check.Columns[i], count));
                warnings.Add($"Entity '{check.Entity}': {count.ToString("N0", CultureInfo.InvariantCulture)} values of column '{check.Columns[i]}' do not convert to its type and read as NULL in the view.");
            }
        }
    }

    /// <summary>
    /// Regenerates the failed entities' views over their previous snapshots, each from the definition that snapshot was
    /// landed with (its model.json entry before this run's commit: attributes may have changed since), and drops the
    /// views of those that had none.
    /// </summary>
    private async Task RestoreViewsAsync(SqlEndpoint endpoint, SqlStepInput input, LakeCommit commit, IReadOnlyList<string> failed, OperationContext context)
    {
        var byName = input.Selected.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var previous = commit.Plan.Entities
            .Where(p => failed.Contains(p.Name) && p.CurrentSnapshotId is not null)
            .Select(p => new LandedEntity(PreviousDefinition(commit, byName[p.Name]), input.Target.SnapshotFolder(p.Name, p.CurrentSnapshotId!))
            {
                ParquetColumns = LakeModel.ParquetColumnsOf(commit.PreviousEntries.GetValueOrDefault(p.Name)),
            })
            .ToList();
        var drops = failed
            .Where(name => previous.All(p => p.Entity.Name != name))
            .Select(ExportDropScript.DropView)
            .ToList();
        var batches = new List<SqlBatch>();
        var warnings = new List<string>();
        if (previous.Count > 0)
        {
            var regenerated = ServerlessSqlGenerator.Generate(new SqlScriptRequest(input.Export.DatabaseName, input.Export.QueryAccess, input.Lake.DataLake, previous));
            batches.AddRange(regenerated.Batches);
            warnings.AddRange(regenerated.Warnings);
        }

        batches.AddRange(drops);
        SqlScriptValidator.Validate(drops);
        await sql.ExecuteAsync(endpoint, new SqlScript(input.Export.DatabaseName, input.Export.QueryAccess, batches, warnings), input.Options, context, commit.Guard.EnsureCurrentAsync).ConfigureAwait(false);
    }

    private static CdmEntity PreviousDefinition(LakeCommit commit, CdmEntity current) =>
        commit.PreviousEntries.TryGetValue(current.Name, out var entry) && entry is not null ? LakeModel.DefinitionOf(entry, current) : current;
}
