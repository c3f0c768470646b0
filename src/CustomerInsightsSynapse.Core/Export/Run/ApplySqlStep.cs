using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>What the T-SQL is generated from: the entities that have a current snapshot after the commit.</summary>
public sealed record SqlStepInput(
    ExportDefinition Export,
    DeploymentMode Deployment,
    ResolvedLake Lake,
    LakeTarget Target,
    IReadOnlyList<CdmEntity> Selected,
    LandingResult Landing,
    string RunId,
    SqlExecutorOptions? Options);

/// <summary>
/// What the SQL step did: whether the views were moved, where the script was saved, and the error that kept the
/// views where they were (the run then fails and keeps its old snapshots).
/// </summary>
public sealed record SqlStepResult(bool Applied, string? ScriptPath, CISynapseException? Error, IReadOnlyList<string> Warnings)
{
    /// <summary>The script that was applied (null when none was), whose conversion checks the verify step runs.</summary>
    public SqlScript? Script { get; init; }

    public bool Failed => Error is not null;
}

/// <summary>
/// Step "sql": generates the T-SQL, saves it at <see cref="LakeTarget.SqlScriptPath"/>, and unless ScriptOnly (or the
/// workspace names no endpoint) applies it, checking <see cref="LakeCommitGuard"/> before each batch. A lost lock
/// is thrown; any other failure is the result's error.
/// </summary>
internal sealed class ApplySqlStep(LakeFiles files, ISqlScriptRunner sql)
{
    public async Task<SqlStepResult> RunAsync(SqlStepInput input, LakeCommitGuard guard, OperationContext context)
    {
        var byName = input.Selected.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var current = input.Landing.Entities
            .Where(e => e.SnapshotFolder is not null && byName.ContainsKey(e.Entity))
            .Select(e => new LandedEntity(byName[e.Entity], e.SnapshotFolder!) { ParquetColumns = e.ParquetColumns })
            .ToList();
        if (current.Count == 0)
        {
            return new SqlStepResult(false, null, null, ["No entity has a landed snapshot yet, so no T-SQL was generated."]);
        }

        SqlScript script;
        try
        {
            script = ServerlessSqlGenerator.Generate(new SqlScriptRequest(input.Export.DatabaseName, input.Export.QueryAccess, input.Lake.DataLake, current));
        }
        catch (CISynapseException ex)
        {
            return new SqlStepResult(false, null, ex, []);
        }

        var warnings = script.Warnings.ToList();
        var scriptPath = await files.SaveSqlScriptAsync(input.Target, input.RunId, script.Text, context.CancellationToken).ConfigureAwait(false);
        if (input.Deployment == DeploymentMode.ScriptOnly)
        {
            warnings.Add($"ScriptOnly: the T-SQL was saved to {scriptPath} and not sent; apply it to move the views to the new snapshots.");
            return new SqlStepResult(false, scriptPath, null, warnings);
        }

        if (input.Lake.SqlEndpoint is not { } endpoint)
        {
            warnings.Add($"The workspace reports no serverless SQL endpoint; the T-SQL was saved to {scriptPath} and not sent.");
            return new SqlStepResult(false, scriptPath, null, warnings);
        }

        context.Progress.Report(new OperationProgress(ExportRunner.ProgressActivity, $"Export '{input.Export.Name}'", $"Applying {script.Batches.Count} T-SQL batches to {endpoint}", 90));
        try
        {
            await sql.ExecuteAsync(endpoint, script, input.Options, context, guard.EnsureCurrentAsync).ConfigureAwait(false);
            return new SqlStepResult(true, scriptPath, null, warnings) { Script = script };
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            return new SqlStepResult(false, scriptPath, ex, warnings);
        }
    }
}
