using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>
/// Step "claim", before the run lands or applies anything: the export takes its database. In the store, it holds the
/// database's claim (made now for exports saved before claims existed). In the serverless database, which no
/// store can see into, it makes the owner marker (<see cref="DatabaseOwnerMarker"/>) or finds it already names the
/// export; a marker naming an export of another store or container refuses the run with
/// <see cref="ErrorIds.DatabaseOwnedElsewhere"/>. A marker left by another export of this same store is replaced:
/// the store's claim, which this export now holds, is what decides there. With the container's lake lock that
/// the run then takes, no two runs from any store or container write one database.
/// </summary>
public sealed class DatabaseOwnershipStep(DefinitionStore store, ISqlScriptRunner sql, SqlExecutorOptions? options = null, TimeProvider? clock = null)
{
    /// <param name="exportName">The export being run.</param>
    /// <param name="connection">Its connection.</param>
    /// <param name="container">The lake container the run lands in.</param>
    /// <param name="endpoint">The serverless SQL endpoint the run will apply its SQL to; null when it applies none.</param>
    /// <param name="caller">Who runs it.</param>
    /// <param name="context">Log, progress and cancellation.</param>
    /// <param name="ownerRead">
    /// The marker as <see cref="StartOwnerRead"/> read it earlier in the run (a read only, made while the prerequisite
    /// pass runs); read now when null or when it was read for another database name.
    /// </param>
    /// <returns>
    /// True when the database already held this export's marker (found with one query, before anything is generated),
    /// so that its objects are the ones this export's runs made; false when the marker was made or replaced now, or
    /// no SQL is applied.
    /// </returns>
    public async Task<bool> TakeAsync(string exportName, ConnectionDefinition connection, BlobLocation container, SqlEndpoint? endpoint, Caller caller, OperationContext context, OwnerRead? ownerRead = null)
    {
        var token = context.CancellationToken;
        var export = await WithExportIdAsync(exportName, caller, token).ConfigureAwait(false);
        var exportId = export.ExportId!;
        await new DatabaseClaims(store, clock).ClaimAsync(export.Name, exportId, connection.WorkspaceResourceId, export.DatabaseName, caller.ObjectId, token).ConfigureAwait(false);
        if (endpoint is null)
        {
            return false;
        }

        var database = export.DatabaseName;
        var me = new DatabaseOwner(exportId, export.Name, store.Location, container.ToUri().AbsoluteUri);
        var marked = ownerRead is { } early && string.Equals(early.Database, database, StringComparison.Ordinal) ? early.Owner : ReadOwnerAsync(endpoint, database, token);
        if (await marked.ConfigureAwait(false) == me)
        {
            context.Log.Verbose($"The database '{SqlQuoting.Printable(database)}' is marked as fed by the export '{export.Name}'.");
            return true;
        }

        context.Log.Verbose($"Marking the database '{SqlQuoting.Printable(database)}' as fed by the export '{export.Name}'.");
        await sql.ExecuteAsync(endpoint, CreateDatabaseScript(export, container), options, context, _ => Task.CompletedTask).ConfigureAwait(false);
        await sql.QueryAsync(endpoint, database, DatabaseOwnerMarker.CreateSchema(), DatabaseOwnerMarker.ObjectExistsError, options, token).ConfigureAwait(false);
        if (await sql.QueryAsync(endpoint, database, DatabaseOwnerMarker.Create(me), DatabaseOwnerMarker.ObjectExistsError, options, token).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var rows = await sql.QueryAsync(endpoint, database, DatabaseOwnerMarker.Read(), null, options, token).ConfigureAwait(false);
        var owner = rows is [var row] ? DatabaseOwnerMarker.FromRow(row) : null;
        if (owner is not null && string.Equals(owner.ExportId, exportId, StringComparison.Ordinal))
        {
            return false;
        }

        if (owner is not null && owner.SameStore(me))
        {
            await sql.QueryAsync(endpoint, database, DatabaseOwnerMarker.Replace(me), null, options, token).ConfigureAwait(false);
            return false;
        }

        throw OwnedElsewhere(database, owner, me);
    }

    /// <summary>Starts <see cref="ReadOwnerAsync"/> on a thread of its own (the first SQL query of a process loads the SQL client), for a later <see cref="TakeAsync"/> of the same database.</summary>
    public OwnerRead StartOwnerRead(SqlEndpoint endpoint, string database, CancellationToken token) => new(database, Task.Run(() => ReadOwnerAsync(endpoint, database, token), CancellationToken.None));

    /// <summary>
    /// The owner the database's marker names, read with one query and nothing written. Any failure (no database, no
    /// marker) answers null and leaves the full claim to make or report it. Tried once: a database that does not
    /// exist yet answers 4060, which the executor otherwise retries as "not yet open" for several seconds on the first
    /// run of every new database.
    /// </summary>
    private async Task<DatabaseOwner?> ReadOwnerAsync(SqlEndpoint endpoint, string database, CancellationToken token)
    {
        try
        {
            var once = (options ?? SqlExecutorOptions.Default) with { MaxAttempts = 1 };
            var rows = await sql.QueryAsync(endpoint, database, DatabaseOwnerMarker.Read(), DatabaseOwnerMarker.InvalidObjectError, once, token).ConfigureAwait(false);
            return rows is [var row] ? DatabaseOwnerMarker.FromRow(row) : null;
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            return null;
        }
    }

    /// <summary>The export, given its stable id first if it was saved before export ids existed.</summary>
    private async Task<ExportDefinition> WithExportIdAsync(string exportName, Caller caller, CancellationToken token)
    {
        var stored = await ExportService.RequireAsync(store, exportName, token).ConfigureAwait(false);
        if (stored.Content.ExportId is not null)
        {
            return stored.Content;
        }

        var updated = stored.Content with { ExportId = DatabaseClaims.NewExportId() };
        return (await store.UpdateAsync(ExportService.Kind, stored.Name, stored.Revision, updated, caller.ObjectId, token).ConfigureAwait(false)).Content;
    }

    /// <summary>The master batches of the deployment script (the database, made only when missing), and nothing else.</summary>
    private static SqlScript CreateDatabaseScript(ExportDefinition export, BlobLocation container)
    {
        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest(export.DatabaseName, export.QueryAccess, DataLakeContainer.From(container), []));
        return new SqlScript(script.Database, script.AccessMode, script.Batches.Where(b => b.Target == SqlBatchTarget.Master).ToList(), []);
    }

    private static CISynapseException OwnedElsewhere(string database, DatabaseOwner? owner, DatabaseOwner me) =>
        new(
            ErrorIds.DatabaseOwnedElsewhere,
            ErrorKind.ResourceExists,
            owner is null
                ? $"The database '{SqlQuoting.Printable(database)}' has an owner marker {DatabaseOwnerMarker.QualifiedName} that cannot be read, so it may belong to another export; nothing was landed or changed in it."
                : $"The database '{SqlQuoting.Printable(database)}' is fed by the export '{owner.ExportName}' of the store '{owner.Store}' (lake container {owner.Container}); this export ('{me.ExportName}', store '{me.Store}', container {me.Container}) may not feed it too. Nothing was landed or changed in it.",
            database)
        {
            RecommendedAction = "Give this export another database name (Set-CISynapseExport -DatabaseName), or remove the other export with Remove-CISynapseExport -RemoveDatabaseObjects from its own store.",
        };
}

/// <summary>The owner marker of <see cref="Database"/> as read (null: none, or it could not be read).</summary>
public sealed record OwnerRead(string Database, Task<DatabaseOwner?> Owner);
