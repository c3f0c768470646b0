using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// Removing an export: first a plan of what will be deleted (checked against the other exports of the container),
/// then carrying it out, the definition last and its database claim released after it.
/// </summary>
internal sealed class ExportRemoval(DefinitionStore store, ExportEnvironment environment, RoleService roles, ExportDatabaseUsage usage)
{
    /// <summary>
    /// Works out what removing an export will delete, checking the role first; changes nothing. Landed data and
    /// database objects another export of the same container still uses are left out (and named in the notes).
    /// </summary>
    public async Task<ExportRemovalPlan> PlanAsync(ExportRemovalRequest request, Caller caller, OperationContext context)
    {
        var token = context.CancellationToken;
        var current = await ExportService.RequireAsync(store, request.Name, token).ConfigureAwait(false);
        var export = current.Content;
        var connection = await store.GetAsync(ConnectionService.Kind, export.ConnectionName, token).ConfigureAwait(false);
        if (connection is null)
        {
            // Without its connection no one can tell who the export was meant for: only Administrators remove it.
            await roles.DemandAsync(caller, CIRole.Administrator, $"remove the export '{export.Name}' whose connection '{export.ConnectionName}' no longer exists", token).ConfigureAwait(false);
        }
        else
        {
            await roles.DemandExportAsync(caller, connection.Content, $"remove the export '{export.Name}'", token).ConfigureAwait(false);
        }

        var purge = request.RemoveLandedData || request.RemoveDatabaseObjects || request.DropDatabase;
        if (!purge)
        {
            return new ExportRemovalPlan(request, current, null, [], [], [], [], null, []);
        }

        if (connection is null)
        {
            throw await ConnectionService.NotFoundAsync(store, export.ConnectionName, token).ConfigureAwait(false);
        }

        var notes = new List<string>();
        var others = await usage.OtherExportsOnContainerAsync(export, connection.Content, token).ConfigureAwait(false);
        var footprint = ExportFootprint.Of(export);
        BlobLocation? container = null;
        var prefixes = new List<string>();
        var files = new List<string>();
        var found = new List<string>();
        if (request.RemoveLandedData)
        {
            container = await RequireTargets().LakeContainerAsync(connection.Content, token).ConfigureAwait(false);
            foreach (var (database, entities) in footprint)
            {
                var target = new Lake.LakeTarget(container, database);
                foreach (var entity in entities)
                {
                    if (others.Claims(database, entity))
                    {
                        notes.Add($"'{database}/{entity}/' was kept: another export of the container feeds or fed '{entity}' into '{database}'.");
                        continue;
                    }

                    prefixes.Add(target.EntityFolder(entity) + "/");
                }

                if (others.UsesDatabase(database))
                {
                    notes.Add($"'{database}/model.json' and '{database}/_sql/' were kept: another export of the container uses the database '{database}'.");
                }
                else
                {
                    files.Add(target.ModelPath);
                    prefixes.Add(target.SqlScriptFolder + "/");
                }
            }

            found.AddRange(await new LandedBlobs(RequireBlobs(), container).ListAsync(prefixes, files, token).ConfigureAwait(false));
        }

        var scripts = new List<Sql.SqlScript>();
        Sql.SqlEndpoint? endpoint = null;
        if (request.RemoveDatabaseObjects || request.DropDatabase)
        {
            foreach (var (database, entities) in footprint)
            {
                var shared = others.UsesDatabase(database);
                var views = entities.Where(e => !others.Claims(database, e)).ToArray();
                var drop = request.DropDatabase && !shared;
                if (request.DropDatabase && shared)
                {
                    notes.Add($"The database '{database}' was not dropped: another export of the container uses it. Only this export's views are dropped.");
                }

                if (views.Length == 0 && !drop && shared)
                {
                    continue;
                }

                scripts.Add(ExportDropScript.Generate(database, export.QueryAccess, views, dropSharedObjects: !shared, dropDatabase: drop));
            }

            if (export.Deployment == Sql.DeploymentMode.Apply && environment.SqlExecutors is not null && environment.Targets is not null)
            {
                endpoint = await environment.Targets.SqlEndpointAsync(connection.Content, token).ConfigureAwait(false);
                if (endpoint is null)
                {
                    notes.Add($"The serverless SQL endpoint of the workspace '{connection.Content.WorkspaceName}' is not known: the drop script is returned, not run.");
                }
            }
            else
            {
                notes.Add(export.Deployment == Sql.DeploymentMode.ScriptOnly
                    ? "The export's deployment mode is ScriptOnly: the drop script is returned, not run."
                    : "No SQL sign-in is available: the drop script is returned, not run.");
            }
        }

        return new ExportRemovalPlan(request, current, container, prefixes, files, found, scripts, endpoint, notes);
    }

    /// <summary>
    /// Carries out a plan: first the SQL (when it is to be run), then the landed blobs, then the definition, so a
    /// failure leaves the definition in place to try again.
    /// </summary>
    public async Task<ExportRemovalResult> RemoveAsync(ExportRemovalPlan plan, OperationContext context)
    {
        var token = context.CancellationToken;
        var sqlApplied = false;
        if (plan.AppliesSql)
        {
            var executor = environment.SqlExecutors!(plan.SqlEndpoint!);
            foreach (var script in plan.Scripts)
            {
                context.Log.Verbose($"Dropping the objects of export '{plan.Export.Name}' in database '{script.Database}'.");
                await executor.ExecuteAsync(script, context).ConfigureAwait(false);
            }

            sqlApplied = true;
        }

        var deleted = new List<string>();
        if (plan.Container is not null)
        {
            deleted.AddRange(await new LandedBlobs(RequireBlobs(), plan.Container).DeleteAsync(plan.BlobPrefixes, plan.BlobFiles, plan.Export.Name, context).ConfigureAwait(false));
        }

        var export = plan.Export.Content;
        await store.DeleteAsync(ExportService.Kind, export.Name, plan.Request.ExpectedRevision ?? plan.Export.Revision, token).ConfigureAwait(false);
        if (await store.GetAsync(ConnectionService.Kind, export.ConnectionName, token).ConfigureAwait(false) is { } connection)
        {
            await usage.Claims.ReleaseAsync(export.ExportId, connection.Content.WorkspaceResourceId, export.DatabaseName, token).ConfigureAwait(false);
        }

        return new ExportRemovalResult(plan, deleted, sqlApplied);
    }

    private IExportTargets RequireTargets() =>
        environment.Targets ?? throw new InvalidOperationException("Removing landed data needs the connection's targets, and none were given.");

    private BlobClientFactory RequireBlobs() =>
        environment.Blobs ?? throw new InvalidOperationException("Removing landed data needs blob clients, and none were given.");
}
