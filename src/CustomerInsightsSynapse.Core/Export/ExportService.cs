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
    private readonly ExportDatabaseUsage _usage;
    private readonly ExportRemoval _removal;

    public ExportService(DefinitionStore store, ExportEnvironment environment, TimeProvider? clock = null)
    {
        _store = store;
        _environment = environment;
        _clock = clock ?? TimeProvider.System;
        _roles = new RoleService(store, clock);
        _usage = new ExportDatabaseUsage(store, new DatabaseClaims(store, _clock));
        _removal = new ExportRemoval(store, environment, _roles, _usage);
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
        await _usage.DemandDatabaseFreeAsync(connection, database, name, token).ConfigureAwait(false);
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
            ExportId = DatabaseClaims.NewExportId(),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? name : request.DisplayName.Trim(),
            ConnectionName = connection.Name,
            Source = request.Source,
            DatabaseName = database,
            Entities = entities,
            QueryAccess = request.QueryAccess,
            Deployment = request.Deployment,
            LandAs = request.LandAs,
            InvalidValue = request.InvalidValue,
            DatabaseSince = now,
            CreatedBy = caller.ObjectId,
            CreatedOn = now,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = now,
        };
        StoredDocument<ExportDefinition> created;
        try
        {
            created = await _store.CreateAsync(Kind, name, definition, caller.ObjectId, token).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreDocumentExists)
        {
            throw Exists(name);
        }

        // The document first, then the claim: a claim always names an export that was saved, so a claim whose export
        // is missing is one a removal left behind, never one a create is about to complete.
        try
        {
            await _usage.Claims.ClaimAsync(name, definition.ExportId, connection.WorkspaceResourceId, database, caller.ObjectId, token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await DeleteQuietlyAsync(created).ConfigureAwait(false);
            throw;
        }

        return created;
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
        var exportId = before.ExportId ?? DatabaseClaims.NewExportId();
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
            await _usage.DemandDatabaseFreeAsync(connection, database, before.Name, token).ConfigureAwait(false);
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
            ExportId = exportId,
            DisplayName = string.IsNullOrWhiteSpace(change.DisplayName) ? before.DisplayName : change.DisplayName.Trim(),
            DatabaseName = database,
            DatabaseSince = databaseSince,
            FormerDatabases = formerDatabases,
            Entities = entities,
            RemovedEntities = removed,
            LandAs = change.LandAs ?? before.LandAs,
            InvalidValue = change.InvalidValue ?? before.InvalidValue,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = now,
        };
        // The database the export will feed is claimed before the document says so, and a former one released only
        // after: a failure in between leaves the export on its database and any claim this call made undone.
        var claimed = await _usage.Claims.ClaimAsync(before.Name, exportId, connection.WorkspaceResourceId, database, caller.ObjectId, token).ConfigureAwait(false);
        StoredDocument<ExportDefinition> saved;
        try
        {
            saved = await _store.UpdateAsync(Kind, before.Name, change.ExpectedRevision ?? current.Revision, updated, caller.ObjectId, token).ConfigureAwait(false);
        }
        catch (Exception) when (claimed)
        {
            await ReleaseQuietlyAsync(exportId, connection.WorkspaceResourceId, database).ConfigureAwait(false);
            throw;
        }

        if (!string.Equals(database, before.DatabaseName, StringComparison.Ordinal))
        {
            await _usage.Claims.ReleaseAsync(exportId, connection.WorkspaceResourceId, before.DatabaseName, token).ConfigureAwait(false);
        }

        return saved;
    }

    /// <summary>
    /// Works out what removing an export will delete, checking the role first; changes nothing. Landed data and
    /// database objects another export of the same container still uses are left out (and named in the notes).
    /// </summary>
    public Task<ExportRemovalPlan> PlanRemovalAsync(ExportRemovalRequest request, Caller caller, OperationContext context) =>
        _removal.PlanAsync(request, caller, context);

    /// <summary>
    /// Carries out a plan: first the SQL (when it is to be run), then the landed blobs, then the definition, so a
    /// failure leaves the definition in place to try again; the export's database claim is released last.
    /// </summary>
    public Task<ExportRemovalResult> RemoveAsync(ExportRemovalPlan plan, OperationContext context) =>
        _removal.RemoveAsync(plan, context);

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

    private Task<StoredDocument<ExportDefinition>> RequireAsync(string name, CancellationToken cancellationToken) =>
        RequireAsync(_store, name, cancellationToken);

    /// <summary>The export, or <see cref="ErrorIds.ExportNotFound"/>.</summary>
    internal static async Task<StoredDocument<ExportDefinition>> RequireAsync(DefinitionStore store, string name, CancellationToken cancellationToken) =>
        await store.GetAsync(Kind, DocumentNames.Validate(name, "export name"), cancellationToken).ConfigureAwait(false)
        ?? throw await NotFoundAsync(store, name, cancellationToken).ConfigureAwait(false);

    /// <summary>Undoes a create whose claim failed; what cannot be undone is left for the claim's abandonment rule.</summary>
    private async Task DeleteQuietlyAsync(StoredDocument<ExportDefinition> created)
    {
        try
        {
            await _store.DeleteAsync(Kind, created.Name, created.Revision, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CISynapseException)
        {
        }
    }

    private async Task ReleaseQuietlyAsync(string exportId, string workspaceResourceId, string database)
    {
        try
        {
            await _usage.Claims.ReleaseAsync(exportId, workspaceResourceId, database, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CISynapseException)
        {
        }
    }

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
