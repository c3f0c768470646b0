using System.Text.Json.Nodes;
using AzureEmulator.Arm;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Authorization;

/// <summary>Microsoft.Authorization at any scope: role assignments, role definitions, deny assignments, permissions.</summary>
public sealed class AuthorizationApi(EmulatorContext emu)
{
    private const string Provider = "/providers/Microsoft.Authorization";

    public Reply ListRoleAssignments(HttpContext ctx, Caller caller, string scope)
    {
        if (Prepare(ctx, out var filter) is { } bad)
        {
            return bad;
        }

        return emu.State.Read(s =>
        {
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Authorization/roleAssignments/read") is { } denied)
            {
                return denied;
            }

            if (filter.AssignedTo is not null && DirectoryLookup.Find(s, filter.AssignedTo) is { Type: "Group" })
            {
                return Reply.Error(400, "UnsupportedQuery",
                    $"The filter 'assignedTo('{filter.AssignedTo}')' is not supported: '{filter.AssignedTo}' is a group. assignedTo() accepts the object id of a user or a service principal; use principalId eq '{{objectId}}' for a group.");
            }

            var identities = filter.AssignedTo is null ? null : DirectoryLookup.Identities(s, filter.AssignedTo);
            var items = s.RoleAssignments
                .Where(a => ScopeMatches(a.Scope, scope, filter.AtScope))
                .Where(a => identities is null || identities.Contains(a.PrincipalId))
                .Where(a => filter.PrincipalId is null || a.PrincipalId.Equals(filter.PrincipalId, StringComparison.OrdinalIgnoreCase))
                .Select(AssignmentJson)
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });
    }

    public Reply GetRoleAssignment(HttpContext ctx, Caller caller, string scope, string name) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Authorization) ?? emu.State.Read(s =>
        {
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Authorization/roleAssignments/read") is { } denied)
            {
                return denied;
            }

            var a = s.RoleAssignments.FirstOrDefault(x => x.Name!.Equals(name, StringComparison.OrdinalIgnoreCase) && Scopes.Equal(x.Scope, scope));
            return a is null ? AssignmentNotFound(name) : Reply.Ok(AssignmentJson(a));
        });

    public async Task<Reply> PutRoleAssignment(HttpContext ctx, Caller caller, string scope, string name)
    {
        if (ApiVersions.Check(ctx.Request, ApiVersions.Authorization) is { } badVersion)
        {
            return badVersion;
        }

        var body = await ReadJson(ctx);
        var props = body?["properties"] as JsonObject;
        var roleDefinitionId = props?["roleDefinitionId"]?.GetValue<string>();
        var principalId = props?["principalId"]?.GetValue<string>();
        if (props is null || string.IsNullOrEmpty(roleDefinitionId) || string.IsNullOrEmpty(principalId))
        {
            return Reply.Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'properties.roleDefinitionId' and 'properties.principalId' are required.");
        }

        if (!Guid.TryParse(name, out _))
        {
            return Reply.Error(400, "InvalidRoleAssignmentId", $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");
        }

        return emu.State.Write(s =>
        {
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Authorization/roleAssignments/write") is { } denied)
            {
                return denied;
            }

            if (DisabledSubscription(s, scope) is { } readOnly)
            {
                return readOnly;
            }

            var role = RoleCatalog.ById(s, roleDefinitionId);
            if (role is null)
            {
                return Reply.Error(400, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{RoleCatalog.GuidOf(roleDefinitionId)}' does not exist.");
            }

            var principal = DirectoryLookup.Find(s, principalId);
            if (principal is null || emu.State.StillReplicating(principal))
            {
                return Reply.Error(400, "PrincipalNotFound",
                    $"Principal {principalId.Replace("-", "")} does not exist in the directory {s.TenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype");
            }

            var principalType = props["principalType"]?.GetValue<string>();
            if (principalType is not null && !principalType.Equals(principal.Type, StringComparison.OrdinalIgnoreCase))
            {
                return Reply.Error(400, "UnmatchedPrincipalType",
                    $"The PrincipalId '{principalId.Replace("-", "")}' has type '{principal.Type}' , which is different from specified PrincipalType '{principalType}'.");
            }

            var sameName = s.RoleAssignments.FirstOrDefault(a => a.Name!.Equals(name, StringComparison.OrdinalIgnoreCase));
            var sameTriple = s.RoleAssignments.FirstOrDefault(a =>
                Scopes.Equal(a.Scope, scope) &&
                a.PrincipalId.Equals(principalId, StringComparison.OrdinalIgnoreCase) &&
                RoleCatalog.GuidOf(a.RoleDefinitionId!).Equals(role.Id, StringComparison.OrdinalIgnoreCase));
            if (sameName is not null && sameTriple != sameName)
            {
                return Reply.Error(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
            }

            if (sameTriple is not null)
            {
                return Reply.Error(409, "RoleAssignmentExists", "The role assignment already exists.");
            }

            var condition = props["condition"]?.GetValue<string>();
            var assignment = new RoleAssignment
            {
                Name = name.ToLowerInvariant(),
                Scope = scope,
                RoleDefinitionId = role.Id,
                PrincipalId = principalId,
                PrincipalType = principalType ?? principal.Type,
                Condition = condition,
                ConditionVersion = props["conditionVersion"]?.GetValue<string>() ?? (condition is null ? null : "2.0"),
                Description = props["description"]?.GetValue<string>(),
                CreatedOn = emu.Tokens.Clock.GetUtcNow(),
                CreatedBy = caller.ObjectId,
            };
            EmulatorState.Complete(s, assignment);
            s.RoleAssignments.Add(assignment);
            return Reply.Created(AssignmentJson(assignment));
        });
    }

    public Reply DeleteRoleAssignment(HttpContext ctx, Caller caller, string scope, string name) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Authorization) ?? emu.State.Write(s =>
        {
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Authorization/roleAssignments/delete") is { } denied)
            {
                return denied;
            }

            if (DisabledSubscription(s, scope) is { } readOnly)
            {
                return readOnly;
            }

            var a = s.RoleAssignments.FirstOrDefault(x => x.Name!.Equals(name, StringComparison.OrdinalIgnoreCase) && Scopes.Equal(x.Scope, scope));
            if (a is null)
            {
                return Reply.NoContent();
            }

            s.RoleAssignments.Remove(a);
            return Reply.Ok(AssignmentJson(a));
        });

    public Reply ListRoleDefinitions(HttpContext ctx, string scope)
    {
        if (Prepare(ctx, out var filter) is { } bad)
        {
            return bad;
        }

        return emu.State.Read(s =>
        {
            var items = RoleCatalog.All(s)
                .Where(r => r.Type == "BuiltInRole" || r.AssignableScopes.Any(a => Scopes.IsAtOrAbove(a, scope) || Scopes.IsAtOrAbove(scope, a)))
                .Where(r => filter.RoleName is null || r.RoleName.Equals(filter.RoleName, StringComparison.OrdinalIgnoreCase))
                .Where(r => filter.Type is null || r.Type.Equals(filter.Type, StringComparison.OrdinalIgnoreCase))
                .Select(r => DefinitionJson(r, scope))
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });
    }

    public Reply GetRoleDefinition(HttpContext ctx, string scope, string id) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Authorization) ?? emu.State.Read(s =>
        {
            var role = RoleCatalog.ById(s, id);
            return role is null
                ? Reply.Error(404, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{id}' does not exist.")
                : Reply.Ok(DefinitionJson(role, scope));
        });

    public Reply ListDenyAssignments(HttpContext ctx, Caller caller, string scope, string? id)
    {
        if (Prepare(ctx, out var filter) is { } bad)
        {
            return bad;
        }

        // The deny assignment list takes atScope(), denyAssignmentName eq, principalId eq and gdprExportPrincipalId eq (2022-04-01); not assignedTo().
        if (filter.AssignedTo is not null)
        {
            return Reply.Error(400, "UnsupportedQuery",
                $"The filter '{ctx.Request.Query["$filter"]}' is not supported. Supported filters for deny assignments are atScope(), denyAssignmentName eq '{{name}}' and principalId eq '{{objectId}}'.");
        }

        return emu.State.Read(s =>
        {
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Authorization/denyAssignments/read") is { } denied)
            {
                return denied;
            }

            if (id is not null)
            {
                var one = s.DenyAssignments.FirstOrDefault(d => d.Id!.Equals(id, StringComparison.OrdinalIgnoreCase));
                return one is null
                    ? Reply.Error(404, "DenyAssignmentNotFound", $"The deny assignment '{id}' is not found.")
                    : Reply.Ok(DenyJson(one));
            }

            var identities = filter.AssignedTo is null ? null : DirectoryLookup.Identities(s, filter.AssignedTo);
            var items = s.DenyAssignments
                .Where(d => ScopeMatches(d.Scope, scope, filter.AtScope))
                .Where(d => identities is null || PermissionEvaluator.AppliesTo(d, identities))
                .Where(d => filter.PrincipalId is null || d.Principals.Any(p => p.Id.Equals(filter.PrincipalId, StringComparison.OrdinalIgnoreCase)))
                .Where(d => filter.DenyAssignmentName is null || d.DenyAssignmentName.Equals(filter.DenyAssignmentName, StringComparison.OrdinalIgnoreCase))
                .Select(DenyJson)
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });
    }

    /// <summary>The caller's own permissions at a resource group or resource: one entry per role assignment that applies.</summary>
    public Reply ListPermissions(HttpContext ctx, Caller caller, string scope) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Authorization) ?? emu.State.Read(s =>
        {
            var parts = Scopes.Normalize(scope).Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4 || !parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                return Reply.Error(404, "InvalidResourceType", "The resource type 'permissions' could not be found in the namespace 'Microsoft.Authorization' for api version '2022-04-01'.");
            }

            var items = PermissionEvaluator.EffectiveAssignments(s, caller.ObjectId, scope)
                .Select(a => RoleCatalog.ById(s, a.RoleDefinitionId!))
                .Where(r => r is not null)
                .SelectMany(r => r!.Permissions)
                .Select(p => Reply.ToNode(p))
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });

    private static bool ScopeMatches(string assignmentScope, string requestScope, bool atScopeOnly) =>
        Scopes.IsAtOrAbove(assignmentScope, requestScope) || (!atScopeOnly && Scopes.IsAtOrAbove(requestScope, assignmentScope));

    private static Reply? Prepare(HttpContext ctx, out AssignmentFilter filter)
    {
        filter = AssignmentFilter.None;
        if (ApiVersions.Check(ctx.Request, ApiVersions.Authorization) is { } bad)
        {
            return bad;
        }

        return AssignmentFilter.TryParse(ctx.Request.Query["$filter"], out filter, out var error)
            ? null
            : Reply.Error(400, "UnsupportedQuery", error!);
    }

    private static Reply? DisabledSubscription(Scenario s, string scope)
    {
        var id = Scopes.SubscriptionOf(scope);
        var sub = id is null ? null : ArmResources.FindSubscription(s, id);
        return sub is not null && !sub.State.Equals("Enabled", StringComparison.OrdinalIgnoreCase) && !sub.State.Equals("Warned", StringComparison.OrdinalIgnoreCase)
            ? Reply.Error(409, "ReadOnlyDisabledSubscription", $"The subscription '{sub.SubscriptionId}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.")
            : null;
    }

    private static Reply AssignmentNotFound(string name) =>
        Reply.Error(404, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");

    private static string Prefix(string scope) => Scopes.Normalize(scope) == "/" ? "" : Scopes.Normalize(scope);

    public static JsonNode AssignmentJson(RoleAssignment a) => new JsonObject
    {
        ["id"] = $"{Prefix(a.Scope)}{Provider}/roleAssignments/{a.Name}",
        ["type"] = "Microsoft.Authorization/roleAssignments",
        ["name"] = a.Name,
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = a.RoleDefinitionId,
            ["principalId"] = a.PrincipalId,
            ["principalType"] = a.PrincipalType,
            ["scope"] = a.Scope,
            ["condition"] = a.Condition,
            ["conditionVersion"] = a.ConditionVersion,
            ["createdOn"] = a.CreatedOn,
            ["updatedOn"] = a.CreatedOn,
            ["createdBy"] = a.CreatedBy,
            ["updatedBy"] = a.CreatedBy,
            ["delegatedManagedIdentityResourceId"] = null,
            ["description"] = a.Description,
        },
    };

    private static JsonNode DefinitionJson(RoleDefinition r, string requestScope)
    {
        var sub = r.Type == "BuiltInRole"
            ? Scopes.SubscriptionOf(requestScope)
            : r.AssignableScopes.Select(Scopes.SubscriptionOf).FirstOrDefault(x => x is not null);
        return new JsonObject
        {
            ["id"] = sub is null ? $"{Provider}/roleDefinitions/{r.Id}" : $"/subscriptions/{sub}{Provider}/roleDefinitions/{r.Id}",
            ["type"] = "Microsoft.Authorization/roleDefinitions",
            ["name"] = r.Id,
            ["properties"] = new JsonObject
            {
                ["roleName"] = r.RoleName,
                ["type"] = r.Type,
                ["description"] = r.Description,
                ["assignableScopes"] = Reply.ToNode(r.AssignableScopes),
                ["permissions"] = Reply.ToNode(r.Permissions),
                ["createdOn"] = "2015-02-02T21:55:09.8806423Z",
                ["updatedOn"] = "2024-01-01T00:00:00.0000000Z",
                ["createdBy"] = null,
                ["updatedBy"] = null,
            },
        };
    }

    private static JsonNode DenyJson(DenyAssignment d) => new JsonObject
    {
        ["id"] = $"{Prefix(d.Scope)}{Provider}/denyAssignments/{d.Id}",
        ["type"] = "Microsoft.Authorization/denyAssignments",
        ["name"] = d.Id,
        ["properties"] = new JsonObject
        {
            ["denyAssignmentName"] = d.DenyAssignmentName,
            ["description"] = d.Description,
            ["permissions"] = Reply.ToNode(d.Permissions),
            ["scope"] = Scopes.Normalize(d.Scope),
            ["doNotApplyToChildScopes"] = d.DoNotApplyToChildScopes,
            ["principals"] = Reply.ToNode(d.Principals),
            ["excludePrincipals"] = Reply.ToNode(d.ExcludePrincipals),
            ["isSystemProtected"] = d.IsSystemProtected,
        },
    };

    private static async Task<JsonNode?> ReadJson(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
