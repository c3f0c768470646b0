using System.Security.Cryptography;
using System.Text;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Which export feeds a serverless database of a workspace (folder <c>database-claims</c>).</summary>
public sealed record DatabaseClaim
{
    public required string WorkspaceResourceId { get; init; }

    public required string DatabaseName { get; init; }

    public required string ExportName { get; init; }

    public required string ExportId { get; init; }

    public required DateTimeOffset ClaimedOn { get; init; }
}

/// <summary>
/// One claim document per (workspace, database), created with the store's create-only condition (Blob
/// <c>If-None-Match: *</c>, local <c>FileMode.CreateNew</c>): of any number of exports asking for one database at
/// once, exactly one gets it. A claim whose export is gone (its document missing, or a new export of that name)
/// is taken over with a conditional update, so a crash between removing an export and releasing its claim blocks
/// nothing. An export document that exists but cannot be read keeps its claim.
/// </summary>
public sealed class DatabaseClaims(DefinitionStore store, TimeProvider? clock = null)
{
    public static readonly DocumentKind<DatabaseClaim> Kind = new(DocumentFolders.DatabaseClaims, 1);

    private const int Attempts = 5;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>A new export id.</summary>
    public static string NewExportId() => Guid.NewGuid().ToString("N");

    /// <summary>The claim's document name: the same for spellings serverless SQL treats as one database.</summary>
    public static string KeyFor(string workspaceResourceId, string database)
    {
        var key = workspaceResourceId.TrimEnd('/').ToUpperInvariant() + "\n" + database.ToUpperInvariant();
        return "db-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40].ToLowerInvariant();
    }

    /// <summary>
    /// Gives <paramref name="database"/> to the export, or throws <see cref="ErrorIds.DatabaseNameInUse"/> naming the
    /// export that holds it. True when this call made the claim, false when the export already held it.
    /// </summary>
    public async Task<bool> ClaimAsync(string exportName, string exportId, string workspaceResourceId, string database, string? claimedBy, CancellationToken cancellationToken)
    {
        var key = KeyFor(workspaceResourceId, database);
        var claim = new DatabaseClaim
        {
            WorkspaceResourceId = workspaceResourceId,
            DatabaseName = database,
            ExportName = exportName,
            ExportId = exportId,
            ClaimedOn = _clock.GetUtcNow(),
        };
        StoredDocument<DatabaseClaim>? held = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            try
            {
                await store.CreateAsync(Kind, key, claim, claimedBy, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreDocumentExists)
            {
            }

            held = await store.GetAsync(Kind, key, cancellationToken).ConfigureAwait(false);
            if (held is null)
            {
                continue;
            }

            if (string.Equals(held.Content.ExportId, exportId, StringComparison.Ordinal))
            {
                return false;
            }

            if (!await IsAbandonedAsync(held.Content, cancellationToken).ConfigureAwait(false))
            {
                throw InUse(held.Content, database);
            }

            try
            {
                await store.UpdateAsync(Kind, key, held.Revision, claim, claimedBy, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (CISynapseException ex) when (ex.ErrorId is ErrorIds.StoreConflict or ErrorIds.StoreDocumentNotFound)
            {
            }
        }

        throw held is null ? Changing(database) : InUse(held.Content, database);
    }

    /// <summary>Releases the claim on <paramref name="database"/> if it is the export's; anything else is left alone.</summary>
    public async Task ReleaseAsync(string? exportId, string workspaceResourceId, string database, CancellationToken cancellationToken)
    {
        if (exportId is null)
        {
            return;
        }

        var key = KeyFor(workspaceResourceId, database);
        var held = await store.GetAsync(Kind, key, cancellationToken).ConfigureAwait(false);
        if (held is null || !string.Equals(held.Content.ExportId, exportId, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            await store.DeleteAsync(Kind, key, held.Revision, cancellationToken).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId is ErrorIds.StoreConflict or ErrorIds.StoreDocumentNotFound)
        {
            // Taken over or released by someone else meanwhile: it is no longer this export's.
        }
    }

    /// <summary>The claim on <paramref name="database"/>, or null.</summary>
    public async Task<DatabaseClaim?> GetAsync(string workspaceResourceId, string database, CancellationToken cancellationToken) =>
        (await store.GetAsync(Kind, KeyFor(workspaceResourceId, database), cancellationToken).ConfigureAwait(false))?.Content;

    /// <summary>
    /// True when the claiming export no longer exists: its document is gone, or it now has another id (removed and
    /// created again). A document that cannot be read, or one saved before export ids, is not proof of that.
    /// </summary>
    private async Task<bool> IsAbandonedAsync(DatabaseClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            var export = await store.GetAsync(ExportService.Kind, claim.ExportName, cancellationToken).ConfigureAwait(false);
            return export is null || (export.Content.ExportId is { } id && !string.Equals(id, claim.ExportId, StringComparison.Ordinal));
        }
        catch (CISynapseException ex) when (ex.ErrorId is ErrorIds.StoreDocumentCorrupt or ErrorIds.StoreSchemaTooNew or ErrorIds.InvalidDocumentName
            or ErrorIds.StoreDocumentTooLarge or ErrorIds.StoreDocumentNotRegularFile or ErrorIds.StoreDocumentOutsideStore)
        {
            return false;
        }
    }

    private static CISynapseException InUse(DatabaseClaim claim, string database) =>
        new(
            ErrorIds.DatabaseNameInUse,
            ErrorKind.ResourceExists,
            $"The export '{claim.ExportName}' already feeds the database '{claim.DatabaseName}' of this workspace (claimed {claim.ClaimedOn:u}); a database belongs to one export at a time.",
            database)
        {
            RecommendedAction = "Choose another database name, or add the entities to that export with Set-CISynapseExport -AddEntity.",
        };

    private static CISynapseException Changing(string database) =>
        new(
            ErrorIds.DatabaseNameInUse,
            ErrorKind.ResourceExists,
            $"The claim on the database '{database}' kept changing while this export asked for it; another export is taking it.",
            database)
        {
            RecommendedAction = "Try again in a moment; if another export took the database, choose another name.",
        };
}
