using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// Creates, reads, changes and removes export definitions, as Customer Insights' "Data > Exports" does: an export
/// names a connection, a display name, a database name and the selected entities; saving it runs nothing.
/// Changing the selection or the database name keeps a history (removed entities, former databases); removing it
/// deletes the definition and, only when asked, what it landed in the lake and created in the database.
/// Creating, changing and removing need the role the connection's UsableBy asks for.
/// </summary>
public sealed class ExportService
{
    /// <summary>The export documents: folder <c>exports</c>, schema version 1.</summary>
    public static readonly DocumentKind<ExportDefinition> Kind = new(DocumentFolders.Exports, 1);

    private readonly DefinitionStore _store;
    private readonly ExportEnvironment _environment;
    private readonly TimeProvider _clock;
    private readonly RoleService _roles;

    public ExportService(DefinitionStore store, ExportEnvironment environment, TimeProvider? clock = null)
    {
        _store = store;
        _environment = environment;
        _clock = clock ?? TimeProvider.System;
        _roles = new RoleService(store, clock);
    }

    public async Task<StoredDocument<ExportDefinition>> CreateAsync(NewExportRequest request, Caller caller, OperationContext context)
    {
        var token = context.CancellationToken;
        var name = DocumentNames.Validate(request.Name, "export name");
        CdmSourceUrl.Validate(request.Source);
        var connection = await RequireConnectionAsync(request.ConnectionName, token).ConfigureAwait(false);
        await _roles.DemandExportAsync(caller, connection, $"create the export '{name}'", token).ConfigureAwait(false);
        if (await _store.GetAsync(Kind, name, token).ConfigureAwait(false) is { } existing)
        {
            throw Exists(existing.Content.Name);
        }

        var database = DatabaseNameRules.Validate(request.DatabaseName);
        await DemandDatabaseFreeAsync(connection, database, name, token).ConfigureAwait(false);
        if (request.Entities.Count == 0)
        {
            throw NoEntities(name);
        }

        var source = await ReadSourceAsync(request.Source, context).ConfigureAwait(false);
        var entities = EntitySelection.Resolve(source, request.Entities);
        if (entities.Count == 0)
        {
            throw NoEntities(name);
        }

        var now = _clock.GetUtcNow();
        var definition = new ExportDefinition
        {
            Name = name,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? name : request.DisplayName.Trim(),
            ConnectionName = connection.Name,
            Source = request.Source,
            DatabaseName = database,
            Entities = entities,
            QueryAccess = request.QueryAccess,
            Deployment = request.Deployment,
            DatabaseSince = now,
            CreatedBy = caller.ObjectId,
            CreatedOn = now,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = now,
        };
        try
        {
            return await _store.CreateAsync(Kind, name, definition, caller.ObjectId, token).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreDocumentExists)
        {
            throw Exists(name);
        }
    }

    /// <summary>One export, or null. Any role may read.</summary>
    public async Task<StoredDocument<ExportDefinition>?> GetAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        await DemandReadAsync(caller, cancellationToken).ConfigureAwait(false);
        return await _store.GetAsync(Kind, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every export; unreadable documents come back as problems. Any role may read.</summary>
    public async Task<DocumentListing<ExportDefinition>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        await DemandReadAsync(caller, cancellationToken).ConfigureAwait(false);
        return await _store.ListAsync(Kind, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDocument<ExportDefinition>> UpdateAsync(ExportChange change, Caller caller, OperationContext context)
    {
        var token = context.CancellationToken;
        var current = await RequireAsync(change.Name, token).ConfigureAwait(false);
        var before = current.Content;
        var connection = await RequireConnectionAsync(before.ConnectionName, token).ConfigureAwait(false);
        await _roles.DemandExportAsync(caller, connection, $"change the export '{before.Name}'", token).ConfigureAwait(false);
        if (change.IsEmpty)
        {
            return current;
        }

        var now = _clock.GetUtcNow();
        var database = before.DatabaseName;
        var databaseSince = before.DatabaseSince;
        var formerDatabases = before.FormerDatabases.ToList();
        if (change.DatabaseName is { } newDatabase && !string.Equals(newDatabase, before.DatabaseName, StringComparison.Ordinal))
        {
            if (string.Equals(newDatabase, before.DatabaseName, StringComparison.OrdinalIgnoreCase))
            {
                throw new CISynapseException(
                    ErrorIds.DatabaseNameCaseChange,
                    ErrorKind.InvalidArgument,
                    $"'{newDatabase}' differs from the export's database '{before.DatabaseName}' only in case. Serverless SQL sees the same database, but the lake folder would change, so this is refused.",
                    newDatabase)
                {
                    RecommendedAction = "Keep the current spelling, or choose a different database name.",
                };
            }

            database = DatabaseNameRules.Validate(newDatabase);
            await DemandDatabaseFreeAsync(connection, database, before.Name, token).ConfigureAwait(false);
            formerDatabases.Add(new FormerDatabase(before.DatabaseName, before.DatabaseSince, now));
            databaseSince = now;
        }

        var entities = before.Entities.ToList();
        var removed = before.RemovedEntities.ToList();
        if (change.ChangesSelection)
        {
            entities = await ChangeSelectionAsync(before, change, context).ConfigureAwait(false);
            if (entities.Count == 0)
            {
                throw NoEntities(before.Name);
            }

            var selected = new HashSet<string>(entities, StringComparer.OrdinalIgnoreCase);
            removed.RemoveAll(r => selected.Contains(r.Name));
            removed.AddRange(before.Entities
                .Where(e => !selected.Contains(e))
                .Select(e => new RemovedEntity(e, before.DatabaseName, now)));
        }

        var updated = before with
        {
            DisplayName = string.IsNullOrWhiteSpace(change.DisplayName) ? before.DisplayName : change.DisplayName.Trim(),
            DatabaseName = database,
            DatabaseSince = databaseSince,
            FormerDatabases = formerDatabases,
            Entities = entities,
            RemovedEntities = removed,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = now,
        };
        return await _store.UpdateAsync(Kind, before.Name, change.ExpectedRevision ?? current.Revision, updated, caller.ObjectId, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Works out what removing an export will delete, checking the role first; changes nothing. Landed data and
    /// database objects another export of the same container still uses are left out (and named in the notes).
    /// </summary>
    public async Task<ExportRemovalPlan> PlanRemovalAsync(ExportRemovalRequest request, Caller caller, OperationContext context)
    {
        var token = context.CancellationToken;
        var current = await RequireAsync(request.Name, token).ConfigureAwait(false);
        var export = current.Content;
        var connection = await _store.GetAsync(ConnectionService.Kind, export.ConnectionName, token).ConfigureAwait(false);
        if (connection is null)
        {
            // Without its connection no one can tell who the export was meant for: only Administrators remove it.
            await _roles.DemandAsync(caller, CIRole.Administrator, $"remove the export '{export.Name}' whose connection '{export.ConnectionName}' no longer exists", token).ConfigureAwait(false);
        }
        else
        {
            await _roles.DemandExportAsync(caller, connection.Content, $"remove the export '{export.Name}'", token).ConfigureAwait(false);
        }

        var purge = request.RemoveLandedData || request.RemoveDatabaseObjects || request.DropDatabase;
        if (!purge)
        {
            return new ExportRemovalPlan(request, current, null, [], [], [], [], null, []);
        }

        if (connection is null)
        {
            throw await ConnectionService.NotFoundAsync(_store, export.ConnectionName, token).ConfigureAwait(false);
        }

        var notes = new List<string>();
        var others = await OtherClaimsAsync(export, connection.Content, token).ConfigureAwait(false);
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
                    prefixes.Add(target.DatabaseFolder + "/_sql/");
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

            if (export.Deployment == Sql.DeploymentMode.Apply && _environment.SqlExecutors is not null && _environment.Targets is not null)
            {
                endpoint = await _environment.Targets.SqlEndpointAsync(connection.Content, token).ConfigureAwait(false);
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
            var executor = _environment.SqlExecutors!(plan.SqlEndpoint!);
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

        await _store.DeleteAsync(Kind, plan.Export.Name, plan.Request.ExpectedRevision ?? plan.Export.Revision, token).ConfigureAwait(false);
        return new ExportRemovalResult(plan, deleted, sqlApplied);
    }

    private async Task<List<string>> ChangeSelectionAsync(ExportDefinition before, ExportChange change, OperationContext context)
    {
        CdmFolder? source = null;
        if (change.Entities is not null || change.AddEntities is not null)
        {
            source = await ReadSourceAsync(before.Source, context).ConfigureAwait(false);
        }

        var entities = change.Entities is not null ? EntitySelection.Resolve(source!, change.Entities).ToList() : before.Entities.ToList();
        if (change.AddEntities is not null)
        {
            var have = new HashSet<string>(entities, StringComparer.OrdinalIgnoreCase);
            entities.AddRange(EntitySelection.Resolve(source!, change.AddEntities).Where(have.Add));
        }

        if (change.RemoveEntities is not null)
        {
            var drop = EntitySelection.Match(entities, change.RemoveEntities, before.Name);
            entities.RemoveAll(drop.Contains);
        }

        return source is null ? entities : EntitySelection.InSourceOrder(source, entities);
    }

    private async Task<CdmFolder> ReadSourceAsync(string source, OperationContext context)
    {
        CdmSourceUrl.Validate(source);
        context.Log.Verbose($"Reading the entities of '{source}'.");
        return await _environment.Reader.ReadAsync(source, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Two exports of one connection may not feed the same database. Nor may exports of two connections that share
    /// the workspace (their runs would replace each other's data source in that database) or the container (they
    /// would land in, lock and describe the same folder).
    /// </summary>
    private async Task DemandDatabaseFreeAsync(ConnectionDefinition connection, string database, string exportName, CancellationToken token)
    {
        var listing = await _store.ListAsync(Kind, token).ConfigureAwait(false);
        var connections = new Dictionary<string, ConnectionDefinition?>(StringComparer.OrdinalIgnoreCase) { [connection.Name] = connection };
        foreach (var document in listing.Documents)
        {
            var other = document.Content;
            if (string.Equals(other.Name, exportName, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(other.DatabaseName, database, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!connections.TryGetValue(other.ConnectionName, out var otherConnection))
            {
                otherConnection = (await _store.GetAsync(ConnectionService.Kind, other.ConnectionName, token).ConfigureAwait(false))?.Content;
                connections[other.ConnectionName] = otherConnection;
            }

            var why = string.Equals(other.ConnectionName, connection.Name, StringComparison.OrdinalIgnoreCase) ? $"of the connection '{connection.Name}'"
                : otherConnection is null ? null
                : string.Equals(otherConnection.WorkspaceResourceId, connection.WorkspaceResourceId, StringComparison.OrdinalIgnoreCase) ? $"of the connection '{otherConnection.Name}', on the same workspace '{connection.WorkspaceName}',"
                : SameContainer(otherConnection, connection) ? $"of the connection '{otherConnection.Name}', on the same container '{connection.StorageAccountName}/{connection.Container}',"
                : null;
            if (why is null)
            {
                continue;
            }

            throw new CISynapseException(
                ErrorIds.DatabaseNameInUse,
                ErrorKind.ResourceExists,
                $"The export '{other.Name}' {why} already feeds the database '{other.DatabaseName}'; two exports cannot feed the same database through one connection, workspace or container.",
                database)
            {
                RecommendedAction = "Choose another database name, or add the entities to that export with Set-CISynapseExport -AddEntity.",
            };
        }

        DemandNoUnreadableOwner(listing, database);
    }

    /// <summary>An export document that cannot be read might feed the database: it counts as its owner.</summary>
    private static void DemandNoUnreadableOwner(DocumentListing<ExportDefinition> listing, string database)
    {
        if (listing.Problems.Count == 0)
        {
            return;
        }

        var unreadable = string.Join(", ", listing.Problems.Select(p => p.Target?.ToString() ?? p.Message));
        throw new CISynapseException(
            ErrorIds.DatabaseOwnerUnknown,
            ErrorKind.ResourceExists,
            $"Export documents that cannot be read ({unreadable}) might already feed the database '{database}', so it cannot be given to another export.",
            database)
        {
            RecommendedAction = "Repair or remove the unreadable export documents (Get-CISynapseExport names them), then try again.",
        };
    }

    private static bool SameContainer(ConnectionDefinition a, ConnectionDefinition b) =>
        string.Equals(a.StorageAccountResourceId, b.StorageAccountResourceId, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Container, b.Container, StringComparison.Ordinal);

    /// <summary>What the other exports on the same container use: their databases and (database, entity) folders.</summary>
    private async Task<OtherExportUsage> OtherClaimsAsync(ExportDefinition export, ConnectionDefinition connection, CancellationToken token)
    {
        var listing = await _store.ListAsync(Kind, token).ConfigureAwait(false);
        var connections = new Dictionary<string, ConnectionDefinition?>(StringComparer.OrdinalIgnoreCase) { [connection.Name] = connection };
        var others = new OtherExportUsage();
        foreach (var document in listing.Documents.Where(d => !string.Equals(d.Content.Name, export.Name, StringComparison.OrdinalIgnoreCase)))
        {
            var other = document.Content;
            if (!connections.TryGetValue(other.ConnectionName, out var otherConnection))
            {
                otherConnection = (await _store.GetAsync(ConnectionService.Kind, other.ConnectionName, token).ConfigureAwait(false))?.Content;
                connections[other.ConnectionName] = otherConnection;
            }

            var sameContainer = otherConnection is null
                ? string.Equals(other.ConnectionName, connection.Name, StringComparison.OrdinalIgnoreCase)
                : SameContainer(otherConnection, connection);
            if (sameContainer)
            {
                others.Add(ExportFootprint.Of(other));
            }
        }

        // Documents that cannot be read might use the same database: keep what is shared, to be safe.
        if (listing.Problems.Count > 0)
        {
            others.UnknownUsers = true;
        }

        return others;
    }

    private async Task DemandReadAsync(Caller caller, CancellationToken cancellationToken)
    {
        var assignments = await _roles.ListAsync(cancellationToken).ConfigureAwait(false);
        if (assignments.Count == 0)
        {
            return;
        }

        var role = assignments.FirstOrDefault(a => string.Equals(a.PrincipalId, caller.ObjectId, StringComparison.OrdinalIgnoreCase))?.Role;
        Authorization.DemandRead(role, caller, assignments);
    }

    private async Task<StoredDocument<ExportDefinition>> RequireAsync(string name, CancellationToken cancellationToken) =>
        await _store.GetAsync(Kind, DocumentNames.Validate(name, "export name"), cancellationToken).ConfigureAwait(false)
        ?? throw await NotFoundAsync(_store, name, cancellationToken).ConfigureAwait(false);

    /// <summary>ExportNotFound, listing the exports the store holds and the nearest name.</summary>
    public static async Task<CISynapseException> NotFoundAsync(DefinitionStore store, string name, CancellationToken cancellationToken)
    {
        var listing = await store.ListAsync(Kind, cancellationToken).ConfigureAwait(false);
        return NotFound(name, store.Location, listing.Documents.Select(d => d.Content.Name));
    }

    /// <summary>ExportNotFound, listing <paramref name="existing"/> (described as <paramref name="where"/>) and the nearest name.</summary>
    public static CISynapseException NotFound(string name, string storeLocation, IEnumerable<string> existing, string where = "in the store")
    {
        var names = existing.ToList();
        var nearest = NameSuggestions.Nearest(name, names);
        return new CISynapseException(
            ErrorIds.ExportNotFound,
            ErrorKind.ObjectNotFound,
            $"There is no export named '{name}' {where} '{storeLocation}'. {NameSuggestions.Describe(name, names, "exports " + where)}",
            name)
        {
            RecommendedAction = nearest is not null
                ? $"Use the export name '{nearest}', or list the exports with Get-CISynapseExport."
                : "List the exports with Get-CISynapseExport, or create one with New-CISynapseExport.",
        };
    }

    private async Task<ConnectionDefinition> RequireConnectionAsync(string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw await ConnectionService.NotFoundAsync(_store, name ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        return (await _store.GetAsync(ConnectionService.Kind, name, cancellationToken).ConfigureAwait(false))?.Content
            ?? throw await ConnectionService.NotFoundAsync(_store, name, cancellationToken).ConfigureAwait(false);
    }

    private IExportTargets RequireTargets() =>
        _environment.Targets ?? throw new InvalidOperationException("Removing landed data needs the connection's targets, and none were given.");

    private BlobClientFactory RequireBlobs() =>
        _environment.Blobs ?? throw new InvalidOperationException("Removing landed data needs blob clients, and none were given.");

    private static CISynapseException Exists(string name) =>
        new(ErrorIds.ExportExists, ErrorKind.ResourceExists, $"An export named '{name}' already exists (names are compared without regard to case).", name)
        {
            RecommendedAction = "Choose another name, or change the existing export with Set-CISynapseExport.",
        };

    private static CISynapseException NoEntities(string name) =>
        new(ErrorIds.ExportHasNoEntities, ErrorKind.InvalidArgument, $"The export '{name}' would select no entities; an export needs at least one.", name)
        {
            RecommendedAction = "Give at least one entity, or remove the export with Remove-CISynapseExport.",
        };
}
