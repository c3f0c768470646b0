using Azure;
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
/// What the SQL step did: whether the views read the committed snapshots (moved now, or already), where the script
/// was saved, and the error that kept the views where they were (the run then fails and keeps its old snapshots).
/// </summary>
public sealed record SqlStepResult(bool Applied, string? ScriptPath, CISynapseException? Error, IReadOnlyList<string> Warnings)
{
    /// <summary>The script that was applied (null when none was), whose conversion checks the verify step runs.</summary>
    public SqlScript? Script { get; init; }

    public bool Failed => Error is not null;

    /// <summary>The deployment state the database had before the step (null when unknown), for the state saved after the verify step.</summary>
    internal SqlDeploymentState? PreviousDeployment { get; init; }

    /// <summary>How long generating (and parsing) the T-SQL took; zero when nothing was generated.</summary>
    public TimeSpan GenerateDuration { get; init; }
}

/// <summary>
/// Step "sql": generates the T-SQL, saves it at <see cref="LakeTarget.SqlScriptPath"/>, and unless ScriptOnly (or the
/// workspace names no endpoint) applies it, checking <see cref="LakeCommitGuard"/> before each batch. A lost lock
/// is thrown; any other failure is the result's error.
/// In Apply mode, over a database the claim step recognised, only what changed since the saved
/// <see cref="SqlDeploymentState"/> is generated: the views whose inputs changed or that are missing, and the shared
/// objects only when theirs changed. With nothing changed, no T-SQL is generated, parsed, saved or sent.
/// </summary>
internal sealed class ApplySqlStep(LakeFiles files, ISqlScriptRunner sql)
{
    /// <summary>
    /// Starts reading what the database's views were generated from, when <see cref="RunAsync"/> will compare against
    /// it (Apply mode, over a database the claim step recognised); null otherwise. Only a holder of the database lock
    /// writes the state, so the runner starts this as soon as it holds the lock, and the reads overlap the plan and
    /// the landing.
    /// </summary>
    public Task<DeployedViews>? StartReadingDeployed(DeploymentMode deployment, bool databaseKnown, ResolvedLake lake, LakeTarget target, string database, SqlExecutorOptions? options, OperationContext context) =>
        deployment == DeploymentMode.Apply && databaseKnown && lake.SqlEndpoint is { } endpoint
            ? DeployedAsync(endpoint, target, database, options, context)
            : null;

    /// <summary>Runs the step; <paramref name="deployed"/> is what <see cref="StartReadingDeployed"/> started for this run, if anything.</summary>
    public async Task<SqlStepResult> RunAsync(SqlStepInput input, Task<DeployedViews>? deployed, LakeCommitGuard guard, OperationContext context)
    {
        var current = CurrentViews(input, input.Landing);
        if (current.Count == 0)
        {
            return new SqlStepResult(false, null, null, ["No entity has a landed snapshot yet, so no T-SQL was generated."]);
        }

        var request = new SqlScriptRequest(input.Export.DatabaseName, input.Export.QueryAccess, input.Lake.DataLake, current);
        SqlDeploymentState? previous = null;
        if (deployed is not null)
        {
            var (state, present) = await deployed.ConfigureAwait(false);
            previous = state;
            if (previous is not null)
            {
                var changes = SqlDeployment.Compare(request, previous, present);
                if (changes.None)
                {
                    context.Log.Verbose($"Every view of the database '{input.Export.DatabaseName}' already reads its current snapshot; no T-SQL was generated or sent.");
                    return new SqlStepResult(true, null, null, []) { PreviousDeployment = previous };
                }

                request = request with { Entities = changes.Views, IncludeSharedObjects = changes.SharedObjects };
            }
        }

        SqlScript script;
        var generating = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            script = ServerlessSqlGenerator.Generate(request);
        }
        catch (CISynapseException ex)
        {
            return new SqlStepResult(false, null, ex, []);
        }

        var generated = generating.Elapsed;
        var warnings = script.Warnings.ToList();
        var scriptPath = await files.SaveSqlScriptAsync(input.Target, input.RunId, script.Text, context.CancellationToken).ConfigureAwait(false);
        if (input.Deployment == DeploymentMode.ScriptOnly)
        {
            warnings.Add($"ScriptOnly: the T-SQL was saved to {scriptPath} and not sent; apply it to move the views to the new snapshots.");
            return new SqlStepResult(false, scriptPath, null, warnings) { GenerateDuration = generated };
        }

        if (input.Lake.SqlEndpoint is not { } endpoint)
        {
            warnings.Add($"The workspace reports no serverless SQL endpoint; the T-SQL was saved to {scriptPath} and not sent.");
            return new SqlStepResult(false, scriptPath, null, warnings) { GenerateDuration = generated };
        }

        context.Progress.Report(new OperationProgress(ExportRunner.ProgressActivity, $"Export '{input.Export.Name}'", $"Applying {script.Batches.Count} T-SQL batches to {endpoint}", 90));
        try
        {
            await sql.ExecuteAsync(endpoint, script, input.Options, context, guard.EnsureCurrentAsync).ConfigureAwait(false);
            return new SqlStepResult(true, scriptPath, null, warnings) { Script = script, PreviousDeployment = previous, GenerateDuration = generated };
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            return new SqlStepResult(false, scriptPath, ex, warnings) { GenerateDuration = generated };
        }
    }

    /// <summary>
    /// After the verify step: saves what the database's views now read (<paramref name="final"/>, with the entities it
    /// put back on their previous snapshots), so that the next run regenerates only what changes. Only a step that
    /// sent T-SQL saves it; a failure to save costs the next run a full regeneration, and is a warning.
    /// </summary>
    public async Task SaveDeploymentAsync(SqlStepInput input, SqlStepResult applied, LandingResult final, OperationContext context)
    {
        if (!applied.Applied || applied.Script is null || input.Deployment != DeploymentMode.Apply)
        {
            return;
        }

        var request = new SqlScriptRequest(input.Export.DatabaseName, input.Export.QueryAccess, input.Lake.DataLake, CurrentViews(input, final));
        var withoutView = input.Selected.Select(e => e.Name).Except(request.Entities.Select(l => l.Entity.Name), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var merged = SqlDeployment.Merge(applied.PreviousDeployment, request);
        var state = merged with { Views = merged.Views.Where(v => !withoutView.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal) };

        try
        {
            await files.SaveSqlDeploymentAsync(input.Target, state, context.CancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            context.Log.Warning($"The record of the database's views could not be saved at {input.Target.SqlDeploymentPath}, so the next run regenerates every view: {LakeErrors.FirstLine(ex)}");
        }
    }

    private static List<LandedEntity> CurrentViews(SqlStepInput input, LandingResult landing)
    {
        var byName = input.Selected.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        return landing.Entities
            .Where(e => e.SnapshotFolder is not null && byName.ContainsKey(e.Entity))
            .Select(e => new LandedEntity(byName[e.Entity], e.SnapshotFolder!) { ParquetColumns = e.ParquetColumns })
            .ToList();
    }

    /// <summary>
    /// The saved deployment state and the views the database has, both asked for at once (the listing is wasted only
    /// on a database without a state, in its first run); a state or listing that cannot be read is no state (everything
    /// is regenerated), said in the verbose stream. A lost lock or a cancellation is thrown.
    /// </summary>
    private async Task<DeployedViews> DeployedAsync(SqlEndpoint endpoint, LakeTarget target, string database, SqlExecutorOptions? options, OperationContext context)
    {
        var listing = Started(() => sql.QueryAsync(endpoint, database, SqlDeployment.ListViews, null, options, context.CancellationToken));
        var reading = Started(() => files.ReadSqlDeploymentAsync(target, context.CancellationToken));
        try
        {
            await Task.WhenAll(listing, reading).ConfigureAwait(false);
        }
        catch
        {
            var failures = new Task[] { reading, listing }.Where(t => t.IsFaulted || t.IsCanceled).Select(t => t.IsCanceled ? new TaskCanceledException(t) : t.Exception!.InnerException!).ToList();
            if (failures.FirstOrDefault(ex => !Unreadable(ex)) is { } thrown)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(thrown);
            }

            context.Log.Verbose($"What the database's views were generated from could not be read, so every view is generated: {LakeErrors.FirstLine(failures[0])}");
            return new DeployedViews(null, new HashSet<string>());
        }

        if (reading.Result is not { } state)
        {
            return new DeployedViews(null, new HashSet<string>());
        }

        return new DeployedViews(state, (listing.Result ?? []).Select(r => r is [string name] ? name : null).OfType<string>().ToHashSet(SqlNameComparer.Instance));
    }

    /// <summary>The task <paramref name="start"/> returns, or one faulted with what it threw before returning one.</summary>
    private static async Task<T> Started<T>(Func<Task<T>> start) => await start().ConfigureAwait(false);

    private static bool Unreadable(Exception ex) => ex is RequestFailedException || (ex is CISynapseException c && c.ErrorId != ErrorIds.LakeLockLost);
}

/// <summary>What the database's views were generated from (null when unknown: everything is generated), and the views it has.</summary>
internal sealed record DeployedViews(SqlDeploymentState? State, IReadOnlySet<string> Views);
