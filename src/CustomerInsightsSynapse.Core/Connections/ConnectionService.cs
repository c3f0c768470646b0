using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Connections;

/// <summary>A new connection as the user describes it.</summary>
public sealed record NewConnectionRequest(string Name, string? DisplayName, ConnectionUsableBy UsableBy, ConnectionTargetInput Target);

/// <summary>
/// Changes to a connection: null leaves a value as it is. Giving any workspace (or storage) value replaces the
/// workspace (or storage account) as a whole; a resource id replaces names and resource group.
/// </summary>
public sealed record ConnectionChange(string Name)
{
    /// <summary>The revision the change is based on; null to use the one read just before saving.</summary>
    public long? ExpectedRevision { get; init; }

    public string? DisplayName { get; init; }

    public ConnectionUsableBy? UsableBy { get; init; }

    public ConnectionTargetInput Target { get; init; } = new();
}

/// <summary>
/// Creates, reads, changes and removes connections in the definition store, applying the role rules and,
/// unless told not to, checking the target against Azure before anything is written.
/// </summary>
public sealed class ConnectionService
{
    public static readonly DocumentKind<ConnectionDefinition> Kind = new(DocumentFolders.Connections, 1);

    private readonly DefinitionStore _store;
    private readonly ConnectionValidator? _validator;
    private readonly TimeProvider _clock;

    /// <param name="store">The definition store.</param>
    /// <param name="validator">Checks targets against Azure; null when the caller skips validation.</param>
    /// <param name="clock">The clock for CreatedOn and ModifiedOn.</param>
    public ConnectionService(DefinitionStore store, ConnectionValidator? validator, TimeProvider? clock = null)
    {
        _store = store;
        _validator = validator;
        _clock = clock ?? TimeProvider.System;
        Roles = new RoleService(store, clock);
    }

    public RoleService Roles { get; }

    public async Task<StoredDocument<ConnectionDefinition>> CreateAsync(NewConnectionRequest request, Caller caller, bool validate, OperationContext context)
    {
        var token = context.CancellationToken;
        var name = DocumentNames.Validate(request.Name, "connection name");
        var target = ConnectionTarget.Resolve(request.Target);
        // On an empty store the caller will become its first Administrator; otherwise the role is checked
        // before Azure is asked anything. The store is initialised only after validation, so a failed
        // validation leaves an empty store empty.
        var storeIsEmpty = (await Roles.ListAsync(token).ConfigureAwait(false)).Count == 0;
        if (!storeIsEmpty)
        {
            Authorization.DemandManageConnections(await Roles.RoleOfAsync(caller.ObjectId, token).ConfigureAwait(false), caller, await Roles.ListAsync(token).ConfigureAwait(false));
        }

        if (await _store.GetAsync(Kind, name, token).ConfigureAwait(false) is { } existing)
        {
            throw Exists(existing.Content.Name);
        }

        if (validate)
        {
            await RequireValidator().ValidateAsync(target, context).ConfigureAwait(false);
        }

        if (await Roles.EnsureInitializedAsync(caller, token).ConfigureAwait(false))
        {
            context.Log.Warning($"The definition store '{_store.Location}' was empty: {caller} is now its first Administrator.");
        }

        Authorization.DemandManageConnections(await Roles.RoleOfAsync(caller.ObjectId, token).ConfigureAwait(false), caller, await Roles.ListAsync(token).ConfigureAwait(false));

        var now = _clock.GetUtcNow();
        var definition = Describe(target) with
        {
            Name = name,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? name : request.DisplayName.Trim(),
            UsableBy = request.UsableBy,
            CreatedBy = caller.ObjectId,
            CreatedOn = now,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = now,
            Validated = validate,
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

    /// <summary>One connection, or null. Any role may read.</summary>
    public async Task<StoredDocument<ConnectionDefinition>?> GetAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        await DemandReadAsync(caller, cancellationToken).ConfigureAwait(false);
        return await _store.GetAsync(Kind, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every connection; unreadable documents come back as problems. Any role may read.</summary>
    public async Task<DocumentListing<ConnectionDefinition>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        await DemandReadAsync(caller, cancellationToken).ConfigureAwait(false);
        return await _store.ListAsync(Kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connections listed for the caller, as Customer Insights lists the connections a user can use: Administrators
    /// get every connection, Contributors and Viewers those usable by Administrators and Contributors. With
    /// <paramref name="includeUnusable"/>, every connection. In a store nobody holds a role in yet, every connection.
    /// </summary>
    public async Task<DocumentListing<ConnectionDefinition>> ListUsableAsync(Caller caller, bool includeUnusable, CancellationToken cancellationToken)
    {
        var assignments = await Roles.ListAsync(cancellationToken).ConfigureAwait(false);
        var role = assignments.FirstOrDefault(a => string.Equals(a.PrincipalId, caller.ObjectId, StringComparison.OrdinalIgnoreCase))?.Role;
        if (assignments.Count > 0)
        {
            Authorization.DemandRead(role, caller, assignments);
        }

        var listing = await _store.ListAsync(Kind, cancellationToken).ConfigureAwait(false);
        return includeUnusable || assignments.Count == 0
            ? listing
            : listing with { Documents = listing.Documents.Where(d => Authorization.IsListedFor(role, d.Content)).ToList() };
    }

    public async Task<StoredDocument<ConnectionDefinition>> UpdateAsync(ConnectionChange change, Caller caller, bool validate, OperationContext context)
    {
        var token = context.CancellationToken;
        Authorization.DemandManageConnections(await Roles.RoleOfAsync(caller.ObjectId, token).ConfigureAwait(false), caller, await Roles.ListAsync(token).ConfigureAwait(false));
        var current = await RequireAsync(change.Name, token).ConfigureAwait(false);
        var expected = change.ExpectedRevision ?? current.Revision;
        var before = current.Content;
        var target = ConnectionTarget.Resolve(Merge(before, change.Target));
        var retargeted = !string.Equals(target.WorkspaceResourceId, before.WorkspaceResourceId, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(target.StorageAccountResourceId, before.StorageAccountResourceId, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(target.Container, before.Container, StringComparison.Ordinal);
        if (retargeted && validate)
        {
            await RequireValidator().ValidateAsync(target, context).ConfigureAwait(false);
        }

        var updated = Describe(target) with
        {
            Name = before.Name,
            DisplayName = string.IsNullOrWhiteSpace(change.DisplayName) ? before.DisplayName : change.DisplayName.Trim(),
            UsableBy = change.UsableBy ?? before.UsableBy,
            CreatedBy = before.CreatedBy,
            CreatedOn = before.CreatedOn,
            ModifiedBy = caller.ObjectId,
            ModifiedOn = _clock.GetUtcNow(),
            Validated = retargeted ? validate : before.Validated,
        };
        return await _store.UpdateAsync(Kind, before.Name, expected, updated, caller.ObjectId, token).ConfigureAwait(false);
    }

    /// <summary>
    /// The names of the exports whose documents name this connection, plus the paths of export documents that
    /// cannot be read (they might use it).
    /// </summary>
    public async Task<ConnectionUsage> FindUsageAsync(string name, CancellationToken cancellationToken)
    {
        var exports = await _store.ListContentAsync(DocumentFolders.Exports, cancellationToken).ConfigureAwait(false);
        var users = exports.Documents
            .Where(d => d.Content.ValueKind == JsonValueKind.Object
                && d.Content.TryGetProperty(DocumentFolders.ExportConnectionNameProperty, out var connection)
                && connection.ValueKind == JsonValueKind.String
                && string.Equals(connection.GetString(), name, StringComparison.OrdinalIgnoreCase))
            .Select(d => d.Name)
            .ToArray();
        var unreadable = exports.Problems.Select(p => p.Target?.ToString() ?? p.Message).ToArray();
        return new ConnectionUsage(users, unreadable);
    }

    /// <summary>
    /// Removes a connection. Refuses while exports use it (or export documents cannot be read) unless
    /// <paramref name="force"/>; returns the usage found.
    /// </summary>
    public async Task<ConnectionUsage> RemoveAsync(string name, long? expectedRevision, bool force, Caller caller, CancellationToken cancellationToken)
    {
        Authorization.DemandManageConnections(await Roles.RoleOfAsync(caller.ObjectId, cancellationToken).ConfigureAwait(false), caller, await Roles.ListAsync(cancellationToken).ConfigureAwait(false));
        var current = await RequireAsync(name, cancellationToken).ConfigureAwait(false);
        var usage = await FindUsageAsync(current.Content.Name, cancellationToken).ConfigureAwait(false);
        if (usage.InUse && !force)
        {
            var parts = new List<string>();
            if (usage.Exports.Count > 0)
            {
                parts.Add("the exports " + string.Join(", ", usage.Exports.Select(e => $"'{e}'")) + " use it");
            }

            if (usage.UnreadableExports.Count > 0)
            {
                parts.Add($"{usage.UnreadableExports.Count} export document(s) cannot be read, so they might use it");
            }

            throw new CISynapseException(
                ErrorIds.ConnectionInUse,
                ErrorKind.InvalidOperation,
                $"The connection '{current.Content.Name}' was not removed: {string.Join("; ", parts)}.",
                current.Content.Name)
            {
                RecommendedAction = "Remove those exports or move them to another connection first, or use -Force to remove the connection anyway (the exports then stop working).",
            };
        }

        await _store.DeleteAsync(Kind, current.Content.Name, expectedRevision ?? current.Revision, cancellationToken).ConfigureAwait(false);
        return usage;
    }

    private Task DemandReadAsync(Caller caller, CancellationToken cancellationToken) => Roles.DemandReadAsync(caller, cancellationToken);

    private async Task<StoredDocument<ConnectionDefinition>> RequireAsync(string name, CancellationToken cancellationToken) =>
        await _store.GetAsync(Kind, name, cancellationToken).ConfigureAwait(false)
        ?? throw await NotFoundAsync(_store, name, cancellationToken).ConfigureAwait(false);

    /// <summary>ConnectionNotFound, listing the connections the store holds and the nearest name.</summary>
    public static async Task<CISynapseException> NotFoundAsync(DefinitionStore store, string name, CancellationToken cancellationToken)
    {
        var listing = await store.ListAsync(Kind, cancellationToken).ConfigureAwait(false);
        return NotFound(name, store.Location, listing.Documents.Select(d => d.Content.Name));
    }

    /// <summary>ConnectionNotFound, listing <paramref name="existing"/> and the nearest name.</summary>
    public static CISynapseException NotFound(string name, string storeLocation, IEnumerable<string> existing)
    {
        var names = existing.ToList();
        var nearest = NameSuggestions.Nearest(name, names);
        return new CISynapseException(
            ErrorIds.ConnectionNotFound,
            ErrorKind.ObjectNotFound,
            $"There is no connection named '{name}' in the store '{storeLocation}'. {NameSuggestions.Describe(name, names, "connections in the store")}",
            name)
        {
            RecommendedAction = nearest is not null
                ? $"Use the connection name '{nearest}', or list the connections with Get-CISynapseConnection -All."
                : "List the connections with Get-CISynapseConnection -All, or create one with New-CISynapseConnection.",
        };
    }

    private ConnectionValidator RequireValidator() =>
        _validator ?? throw new InvalidOperationException("Validation was asked for but no validator was given.");

    private static ConnectionTargetInput Merge(ConnectionDefinition current, ConnectionTargetInput change)
    {
        var newWorkspaceId = !string.IsNullOrWhiteSpace(change.WorkspaceResourceId);
        var newStorageId = !string.IsNullOrWhiteSpace(change.StorageAccountResourceId);
        return new ConnectionTargetInput
        {
            SubscriptionId = change.SubscriptionId ?? (newWorkspaceId || newStorageId ? null : current.SubscriptionId),
            WorkspaceResourceId = newWorkspaceId ? change.WorkspaceResourceId : null,
            WorkspaceName = change.WorkspaceName ?? (newWorkspaceId ? null : current.WorkspaceName),
            WorkspaceResourceGroupName = change.WorkspaceResourceGroupName ?? (newWorkspaceId ? null : current.WorkspaceResourceGroupName),
            StorageAccountResourceId = newStorageId ? change.StorageAccountResourceId : null,
            StorageAccountName = change.StorageAccountName ?? (newStorageId ? null : current.StorageAccountName),
            StorageAccountResourceGroupName = change.StorageAccountResourceGroupName ?? (newStorageId ? null : current.StorageAccountResourceGroupName),
            Container = change.Container ?? current.Container,
        };
    }

    private static ConnectionDefinition Describe(ConnectionTarget target) => new()
    {
        Name = string.Empty,
        DisplayName = string.Empty,
        SubscriptionId = target.SubscriptionId,
        WorkspaceResourceId = target.WorkspaceResourceId,
        WorkspaceName = target.WorkspaceName,
        WorkspaceResourceGroupName = target.WorkspaceResourceGroupName,
        StorageAccountResourceId = target.StorageAccountResourceId,
        StorageAccountName = target.StorageAccountName,
        StorageAccountResourceGroupName = target.StorageAccountResourceGroupName,
        Container = target.Container,
        CreatedBy = string.Empty,
        CreatedOn = default,
        ModifiedOn = default,
    };

    private static CISynapseException Exists(string name) =>
        new(ErrorIds.ConnectionExists, ErrorKind.ResourceExists, $"A connection named '{name}' already exists (names are compared without regard to case).", name)
        {
            RecommendedAction = "Choose another -Name, or change the existing connection with Set-CISynapseConnection.",
        };
}

/// <summary>What uses a connection: export names, and export documents that cannot be read.</summary>
public sealed record ConnectionUsage(IReadOnlyList<string> Exports, IReadOnlyList<string> UnreadableExports)
{
    public bool InUse => Exports.Count > 0 || UnreadableExports.Count > 0;
}
