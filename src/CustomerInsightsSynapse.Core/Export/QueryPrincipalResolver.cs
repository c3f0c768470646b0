using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>What a query principal is in Microsoft Entra ID.</summary>
public enum QueryPrincipalType
{
    User,
    Group,
    ServicePrincipal,
}

/// <summary>How the caller named a query principal: exactly one of a user's UPN, an object id, or a group's or application's display name.</summary>
public sealed record QueryPrincipalName(string? UserPrincipalName = null, string? ObjectId = null, string? DisplayName = null);

/// <summary>
/// A Microsoft Entra principal who queries an export's views: its object id, what it is, and the name
/// <c>CREATE USER [name] FROM EXTERNAL PROVIDER</c> resolves to it (a user's UPN, a group's or application's display name).
/// </summary>
public sealed record QueryPrincipal(string ObjectId, QueryPrincipalType Type, string SqlName, string? DisplayName)
{
    public override string ToString() => $"{Type} '{SqlName}' ({ObjectId})";
}

/// <summary>
/// Finds a query principal in Microsoft Graph (users by UPN, directory objects by id, groups and service principals by
/// display name) and checks that the name SQL will resolve is unambiguous: serverless SQL finds a group or application
/// by display name, so a display name two of them share in the tenant cannot be made a database user.
/// </summary>
internal sealed class QueryPrincipalResolver(AzureRestClient graph)
{
    public async Task<QueryPrincipal> ResolveAsync(QueryPrincipalName name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!string.IsNullOrWhiteSpace(name.UserPrincipalName))
        {
            var upn = name.UserPrincipalName.Trim();
            using var user = await graph.GetOrNullAsync($"v1.0/users/{Uri.EscapeDataString(upn)}?$select=id,displayName,userPrincipalName", ct).ConfigureAwait(false);
            return user is null ? throw NotFound($"No user has the user principal name '{upn}' in the tenant.", upn) : FromUser(user.Root, upn);
        }

        if (!string.IsNullOrWhiteSpace(name.ObjectId))
        {
            var id = Roles.RoleService.ValidatePrincipalId(name.ObjectId);
            using var found = await graph.GetOrNullAsync($"v1.0/directoryObjects/{id}", ct).ConfigureAwait(false);
            if (found is null)
            {
                throw NotFound($"No user, group or service principal has the object id '{id}' in the tenant.", id);
            }

            return TolerantJson.String(found.Root, "@odata.type")?.ToLowerInvariant() switch
            {
                "#microsoft.graph.user" => FromUser(found.Root, id),
                "#microsoft.graph.group" or "#microsoft.graph.serviceprincipal" => await ByDisplayNameAsync(TolerantJson.String(found.Root, "displayName") ?? string.Empty, id, ct).ConfigureAwait(false),
                var other => throw new CISynapseException(
                    ErrorIds.QueryPrincipalNotFound,
                    ErrorKind.InvalidArgument,
                    $"The object '{id}' is a {other ?? "directory object of unknown type"}; only users, groups and service principals can query the views.",
                    id),
            };
        }

        if (!string.IsNullOrWhiteSpace(name.DisplayName))
        {
            return await ByDisplayNameAsync(name.DisplayName.Trim(), null, ct).ConfigureAwait(false);
        }

        throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "Name the query principal with -UserPrincipalName, -ObjectId or -DisplayName.");
    }

    private static QueryPrincipal FromUser(JsonElement user, string asked)
    {
        var id = TolerantJson.String(user, "id");
        var upn = TolerantJson.String(user, "userPrincipalName");
        if (id is null || string.IsNullOrEmpty(upn))
        {
            throw NotFound($"Microsoft Graph returned no object id or user principal name for the user '{asked}'.", asked);
        }

        return new QueryPrincipal(id, QueryPrincipalType.User, upn, TolerantJson.String(user, "displayName"));
    }

    /// <summary>
    /// The one group or service principal of this display name; <paramref name="expectedId"/>, when given, must be it.
    /// Groups and service principals are both searched, as CREATE USER … FROM EXTERNAL PROVIDER searches both.
    /// </summary>
    private async Task<QueryPrincipal> ByDisplayNameAsync(string displayName, string? expectedId, CancellationToken ct)
    {
        if (displayName.Length == 0)
        {
            throw NotFound($"The object '{expectedId}' has no display name, so serverless SQL cannot make a database user for it.", expectedId);
        }

        var filter = Uri.EscapeDataString($"displayName eq '{displayName.Replace("'", "''", StringComparison.Ordinal)}'");
        var groups = graph.ListAllAsync($"v1.0/groups?$filter={filter}&$select=id,displayName", ct);
        var applications = graph.ListAllAsync($"v1.0/servicePrincipals?$filter={filter}&$select=id,displayName", ct);
        await Task.WhenAll(groups, applications).ConfigureAwait(false);
        var matches = groups.Result.Select(g => (Id: TolerantJson.String(g, "id"), Type: QueryPrincipalType.Group))
            .Concat(applications.Result.Select(a => (Id: TolerantJson.String(a, "id"), Type: QueryPrincipalType.ServicePrincipal)))
            .Where(m => m.Id is not null)
            .ToList();
        if (matches.Count > 1)
        {
            throw new CISynapseException(
                ErrorIds.QueryPrincipalNameNotUnique,
                ErrorKind.InvalidOperation,
                $"The display name '{displayName}' belongs to {matches.Count} groups or service principals in the tenant ({string.Join(", ", matches.Select(m => $"{m.Type} {m.Id}"))}). "
                    + "Serverless SQL makes a database user for a group or application by its display name, so it cannot tell them apart.",
                displayName);
        }

        if (matches.Count == 0 || (expectedId is not null && !string.Equals(matches[0].Id, expectedId, StringComparison.OrdinalIgnoreCase)))
        {
            throw NotFound($"No group or service principal has the display name '{displayName}' in the tenant.", displayName);
        }

        return new QueryPrincipal(matches[0].Id!, matches[0].Type, displayName, displayName);
    }

    private static CISynapseException NotFound(string message, string? target) =>
        new(ErrorIds.QueryPrincipalNotFound, ErrorKind.ObjectNotFound, message, target);
}
