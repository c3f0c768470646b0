using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Roles;

/// <summary>
/// Keeps Customer Insights roles in the store's role document. Whoever first writes to an empty store becomes
/// its first Administrator; afterwards only Administrators grant and revoke, and the last Administrator cannot
/// be removed. Concurrent changes are merged by re-reading and retrying on a revision conflict.
/// </summary>
public sealed partial class RoleService
{
    public const string DocumentName = "assignments";

    public static readonly DocumentKind<RoleAssignmentSet> Kind = new(DocumentFolders.Roles, 1);

    private const int MaxAttempts = 20;

    private readonly DefinitionStore _store;
    private readonly TimeProvider _clock;

    public RoleService(DefinitionStore store, TimeProvider? clock = null)
    {
        _store = store;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The role assignments, or an empty list when the store has not been initialised yet.</summary>
    public async Task<IReadOnlyList<RoleAssignment>> ListAsync(CancellationToken cancellationToken)
    {
        var document = await _store.GetAsync(Kind, DocumentName, cancellationToken).ConfigureAwait(false);
        return document?.Content.Assignments ?? [];
    }

    /// <summary>
    /// Demands the role an export on <paramref name="connection"/> needs, naming what was <paramref name="attempted"/>
    /// and the store's Administrators in the RoleRequired error.
    /// </summary>
    public async Task DemandExportAsync(Caller caller, Connections.ConnectionDefinition connection, string attempted, CancellationToken cancellationToken)
    {
        var assignments = await ListAsync(cancellationToken).ConfigureAwait(false);
        Authorization.DemandExport(Find(assignments, caller), caller, connection, attempted, assignments);
    }

    /// <summary>Demands <paramref name="needed"/>, naming what was <paramref name="attempted"/> and the store's Administrators.</summary>
    public async Task DemandAsync(Caller caller, CIRole needed, string attempted, CancellationToken cancellationToken)
    {
        var assignments = await ListAsync(cancellationToken).ConfigureAwait(false);
        Authorization.Demand(Find(assignments, caller), needed, caller, attempted, assignments);
    }

    /// <summary>Demands a role that reads the store's definitions; anyone reads a store whose roles are not set up yet.</summary>
    public async Task DemandReadAsync(Caller caller, CancellationToken cancellationToken)
    {
        var assignments = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (assignments.Count > 0)
        {
            Authorization.DemandRead(Find(assignments, caller), caller, assignments);
        }
    }

    private static CIRole? Find(IReadOnlyList<RoleAssignment> assignments, Caller caller) =>
        assignments.FirstOrDefault(a => string.Equals(a.PrincipalId, caller.ObjectId, StringComparison.OrdinalIgnoreCase))?.Role;

    /// <summary>The caller's role, or null when the caller has none.</summary>
    public async Task<CIRole?> RoleOfAsync(string principalId, CancellationToken cancellationToken)
    {
        var document = await _store.GetAsync(Kind, DocumentName, cancellationToken).ConfigureAwait(false);
        return document?.Content.Find(principalId)?.Role;
    }

    /// <summary>
    /// Makes sure the store has a role document: when it has none, creates one naming <paramref name="caller"/> its
    /// first Administrator. Returns true when this call created it.
    /// </summary>
    public async Task<bool> EnsureInitializedAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (await _store.GetAsync(Kind, DocumentName, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var first = new RoleAssignment(caller.ObjectId, CIRole.Administrator, caller.DisplayName, caller.ObjectId, _clock.GetUtcNow());
        try
        {
            await _store.CreateAsync(Kind, DocumentName, new RoleAssignmentSet([first]), caller.ObjectId, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreDocumentExists)
        {
            // Another process initialised the store at the same moment; its first Administrator stands.
            return false;
        }
    }

    /// <summary>Gives <paramref name="principalId"/> a role (replacing any role it had). Administrators only.</summary>
    public async Task<RoleAssignment> GrantAsync(Caller caller, string principalId, CIRole role, string? displayName, CancellationToken cancellationToken)
    {
        var principal = ValidatePrincipalId(principalId);
        await EnsureInitializedAsync(caller, cancellationToken).ConfigureAwait(false);
        RoleAssignment? granted = null;
        await ChangeAsync(
            caller,
            set =>
            {
                var previous = set.Find(principal);
                if (previous?.Role == CIRole.Administrator && role != CIRole.Administrator)
                {
                    RefuseIfLastAdministrator(set, principal);
                }

                granted = new RoleAssignment(principal, role, displayName ?? previous?.DisplayName, caller.ObjectId, _clock.GetUtcNow());
                return set.Assignments.Where(a => !Same(a.PrincipalId, principal)).Append(granted).ToArray();
            },
            cancellationToken).ConfigureAwait(false);
        return granted!;
    }

    /// <summary>Removes a principal's role. Administrators only; the last Administrator cannot be removed.</summary>
    public async Task<RoleAssignment> RevokeAsync(Caller caller, string principalId, CIRole? role, CancellationToken cancellationToken)
    {
        var principal = ValidatePrincipalId(principalId);
        RoleAssignment? removed = null;
        await ChangeAsync(
            caller,
            set =>
            {
                var current = set.Find(principal);
                if (current is null || (role is { } wanted && current.Role != wanted))
                {
                    throw new CISynapseException(
                        ErrorIds.RoleAssignmentNotFound,
                        ErrorKind.ObjectNotFound,
                        role is null
                            ? $"The principal '{principal}' has no role in the store."
                            : $"The principal '{principal}' does not hold the {role} role{(current is null ? string.Empty : $" (it is {current.Role})")}.",
                        principal);
                }

                if (current.Role == CIRole.Administrator)
                {
                    RefuseIfLastAdministrator(set, principal);
                }

                removed = current;
                return set.Assignments.Where(a => !Same(a.PrincipalId, principal)).ToArray();
            },
            cancellationToken).ConfigureAwait(false);
        return removed!;
    }

    /// <summary>Checks that a principal id is an object id (a GUID) and returns it in lower case.</summary>
    public static string ValidatePrincipalId(string? principalId)
    {
        if (string.IsNullOrWhiteSpace(principalId) || !Guid.TryParseExact(principalId.Trim(), "D", out var id))
        {
            throw new CISynapseException(
                ErrorIds.InvalidArgument,
                ErrorKind.InvalidArgument,
                $"'{principalId}' is not an object id. Give the Microsoft Entra object id (a GUID) of the user, group or service principal.",
                principalId);
        }

        return id.ToString("D");
    }

    private async Task ChangeAsync(Caller caller, Func<RoleAssignmentSet, IReadOnlyList<RoleAssignment>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var document = await _store.GetAsync(Kind, DocumentName, cancellationToken).ConfigureAwait(false);
            var set = document?.Content ?? new RoleAssignmentSet([]);
            Authorization.Demand(set.Find(caller.ObjectId)?.Role, CIRole.Administrator, caller, "change roles", set.Assignments);
            var updated = new RoleAssignmentSet(change(set).OrderBy(a => a.PrincipalId, StringComparer.Ordinal).ToArray());
            try
            {
                await _store.UpdateAsync(Kind, DocumentName, document!.Revision, updated, caller.ObjectId, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreConflict && attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void RefuseIfLastAdministrator(RoleAssignmentSet set, string principal)
    {
        if (!set.Assignments.Any(a => a.Role == CIRole.Administrator && !Same(a.PrincipalId, principal)))
        {
            throw new CISynapseException(
                ErrorIds.LastAdministrator,
                ErrorKind.InvalidOperation,
                $"'{principal}' is the store's only Administrator. Grant the Administrator role to someone else first.",
                principal);
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
