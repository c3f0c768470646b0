using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// Which exports use which containers and databases: the checks across exports. A database is given to an export
/// by its claim (<see cref="DatabaseClaims"/>, decided atomically per workspace); before that, the other exports'
/// documents are read so that a database another export of the same connection, workspace or container feeds is
/// refused with its name, and an export document that cannot be read counts as the owner of any database.
/// </summary>
internal sealed class ExportDatabaseUsage(DefinitionStore store, DatabaseClaims claims)
{
    public DatabaseClaims Claims => claims;

    /// <summary>
    /// Two exports of one connection may not feed the same database. Nor may exports of two connections that share
    /// the workspace (their runs would replace each other's data source in that database) or the container (they
    /// would land in, lock and describe the same folder).
    /// </summary>
    public async Task DemandDatabaseFreeAsync(ConnectionDefinition connection, string database, string exportName, CancellationToken token)
    {
        var listing = await store.ListAsync(ExportService.Kind, token).ConfigureAwait(false);
        var others = listing.Documents.Select(d => d.Content).Where(other =>
            !string.Equals(other.Name, exportName, StringComparison.OrdinalIgnoreCase)
            && string.Equals(other.DatabaseName, database, StringComparison.OrdinalIgnoreCase));
        await foreach (var (other, otherConnection) in WithConnectionsAsync(others, connection, token).ConfigureAwait(false))
        {
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

    /// <summary>What the other exports on the same container use: their databases and (database, entity) folders.</summary>
    public async Task<OtherExportUsage> OtherExportsOnContainerAsync(ExportDefinition export, ConnectionDefinition connection, CancellationToken token)
    {
        var listing = await store.ListAsync(ExportService.Kind, token).ConfigureAwait(false);
        var others = new OtherExportUsage();
        var candidates = listing.Documents.Select(d => d.Content).Where(d => !string.Equals(d.Name, export.Name, StringComparison.OrdinalIgnoreCase));
        await foreach (var (other, otherConnection) in WithConnectionsAsync(candidates, connection, token).ConfigureAwait(false))
        {
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

    /// <summary>Each export with its connection (null when the store no longer holds it), each connection read once.</summary>
    private async IAsyncEnumerable<(ExportDefinition Export, ConnectionDefinition? Connection)> WithConnectionsAsync(
        IEnumerable<ExportDefinition> exports,
        ConnectionDefinition known,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        var connections = new Dictionary<string, ConnectionDefinition?>(StringComparer.OrdinalIgnoreCase) { [known.Name] = known };
        foreach (var export in exports)
        {
            if (!connections.TryGetValue(export.ConnectionName, out var connection))
            {
                connection = (await store.GetAsync(ConnectionService.Kind, export.ConnectionName, token).ConfigureAwait(false))?.Content;
                connections[export.ConnectionName] = connection;
            }

            yield return (export, connection);
        }
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
}
