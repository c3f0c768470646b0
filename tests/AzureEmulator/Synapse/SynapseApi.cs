using System.Text.Json.Nodes;
using AzureEmulator.Authorization;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Synapse;

/// <summary>
/// The Synapse dev endpoint of each workspace at /synapse/{workspace}: Synapse RBAC role definitions, role
/// assignments (list with x-ms-continuation, get, create, delete) and checkAccessSynapseRbac (api-version 2020-12-01).
/// </summary>
public sealed class SynapseApi(EmulatorContext emu)
{
    public const string Prefix = "/synapse";
    private static readonly string[] Audiences = ["https://dev.azuresynapse.net"];

    public EmulatorRoute? Match(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        if (!path.StartsWith(Prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var seg = path[(Prefix.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (seg.Length < 2)
        {
            return null;
        }

        var ws = seg[0];
        var method = ctx.Request.Method.ToUpperInvariant();
        var op = seg[1].ToLowerInvariant();
        var id = seg.Length > 2 ? seg[2] : null;
        return (op, method, id, seg.Length) switch
        {
            ("roledefinitions", "GET", null, 2) => Dev("GET synapse roleDefinitions", ws, Access.Read, (ctx, s, w, c) => ListRoleDefinitions(ctx)),
            ("roledefinitions", "GET", { } rid, 3) => Dev("GET synapse roleDefinition", ws, Access.Read, (ctx, s, w, c) =>
                SynapseRoles.ById(rid) is { } r ? Reply.Ok(RoleJson(r)) : Reply.Error(404, "RoleDefinitionNotFound", $"Role definition '{rid}' was not found.")),
            ("roleassignments", "GET", null, 2) => Dev("GET synapse roleAssignments", ws, Access.Read, ListAssignments),
            ("roleassignments", "GET", { } aid, 3) => Dev("GET synapse roleAssignment", ws, Access.Read, (ctx, s, w, c) =>
                w.RoleAssignments.FirstOrDefault(a => a.Id!.Equals(aid, StringComparison.OrdinalIgnoreCase)) is { } a
                    ? Reply.Ok(AssignmentJson(a))
                    : Reply.Error(404, "RoleAssignmentNotFound", $"Role assignment '{aid}' was not found.")),
            ("roleassignments", "PUT", { } aid, 3) => DevWithBody("PUT synapse roleAssignment", ws, (ctx, s, w, c, body) => CreateAssignment(s, w, aid, body)),
            ("roleassignments", "DELETE", { } aid, 3) => Dev("DELETE synapse roleAssignment", ws, Access.Write, (ctx, s, w, c) =>
            {
                var a = w.RoleAssignments.FirstOrDefault(x => x.Id!.Equals(aid, StringComparison.OrdinalIgnoreCase));
                if (a is null)
                {
                    return Reply.NoContent();
                }

                w.RoleAssignments.Remove(a);
                return new Reply(200);
            }),
            ("checkaccesssynapserbac", "POST", null, 2) => DevWithBody("POST synapse checkAccessSynapseRbac", ws, (ctx, s, w, c, body) => CheckAccess(w, body), Access.Read),
            ("linkedservices", "GET", null, 2) => Dev("GET synapse linkedservices", ws, Access.Read, (ctx, s, w, c) =>
                Reply.Ok(new JsonObject { ["value"] = new JsonArray(w.LinkedServices.Select(l => (JsonNode)LinkedServiceJson(w, l)).ToArray()) })),
            ("rbacscopes", "GET", null, 2) => Dev("GET synapse rbacScopes", ws, Access.Read, (ctx, s, w, c) =>
                Reply.Ok(new JsonArray($"workspaces/{w.Name}", $"workspaces/{w.Name}/bigDataPools", $"workspaces/{w.Name}/integrationRuntimes", $"workspaces/{w.Name}/linkedServices", $"workspaces/{w.Name}/credentials"))),
            _ => null,
        };
    }

    private enum Access
    {
        Read,
        Write,
    }

    private static Reply ListRoleDefinitions(HttpContext ctx)
    {
        var builtIn = ctx.Request.Query["isBuiltIn"].ToString();
        var roles = SynapseRoles.All.Where(_ => builtIn.Length == 0 || builtIn.Equals("true", StringComparison.OrdinalIgnoreCase));
        return Reply.Ok(new JsonArray(roles.Select(r => (JsonNode)RoleJson(r)).ToArray()));
    }

    private static Reply ListAssignments(HttpContext ctx, Scenario s, SynapseWorkspace w, Caller caller)
    {
        var q = ctx.Request.Query;
        var roleId = q["roleId"].ToString();
        var principalId = q["principalId"].ToString();
        var scope = q["scope"].ToString();
        var all = w.RoleAssignments
            .Where(a => roleId.Length == 0 || string.Equals(a.RoleId, roleId, StringComparison.OrdinalIgnoreCase))
            .Where(a => principalId.Length == 0 || a.PrincipalId.Equals(principalId, StringComparison.OrdinalIgnoreCase))
            .Where(a => scope.Length == 0 || string.Equals(a.Scope, scope, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var skip = int.TryParse(ctx.Request.Headers["x-ms-continuation"].ToString(), out var k) && k > 0 ? k : 0;
        var page = all.Skip(skip).Take(s.Options.PageSize).ToList();
        var headers = new Dictionary<string, string>();
        if (skip + page.Count < all.Count)
        {
            headers["x-ms-continuation"] = (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new Reply(200, new JsonObject { ["count"] = all.Count, ["value"] = new JsonArray(page.Select(a => (JsonNode)AssignmentJson(a)).ToArray()) }, headers);
    }

    private static Reply CreateAssignment(Scenario s, SynapseWorkspace w, string id, JsonNode? body)
    {
        var roleId = body?["roleId"]?.GetValue<string>();
        var principalId = body?["principalId"]?.GetValue<string>();
        var scope = body?["scope"]?.GetValue<string>();
        if (string.IsNullOrEmpty(roleId) || string.IsNullOrEmpty(principalId) || string.IsNullOrEmpty(scope))
        {
            return Reply.Error(400, "BadRequest", "roleId, principalId and scope are required.");
        }

        if (SynapseRoles.ById(roleId) is null)
        {
            return Reply.Error(400, "RoleDefinitionNotFound", $"Role definition '{roleId}' was not found.");
        }

        if (w.RoleAssignments.Any(a => string.Equals(a.RoleId, roleId, StringComparison.OrdinalIgnoreCase) &&
                                       a.PrincipalId.Equals(principalId, StringComparison.OrdinalIgnoreCase) &&
                                       string.Equals(a.Scope, scope, StringComparison.OrdinalIgnoreCase)))
        {
            return Reply.Error(409, "RoleAssignmentAlreadyExists",
                $"Role Assignment with roleId '{roleId}', principalId '{principalId}' and scope '{scope}' already exists.");
        }

        var assignment = new SynapseRoleAssignment
        {
            Id = id,
            RoleId = roleId,
            RoleName = SynapseRoles.ById(roleId)!.Name,
            PrincipalId = principalId,
            PrincipalType = body?["principalType"]?.GetValue<string>(),
            Scope = scope,
        };
        w.RoleAssignments.Add(assignment);
        return Reply.Ok(AssignmentJson(assignment));
    }

    private static Reply CheckAccess(SynapseWorkspace w, JsonNode? body)
    {
        var subject = body?["subject"];
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (subject?["principalId"]?.GetValue<string>() is { } pid)
        {
            ids.Add(pid);
        }

        foreach (var g in (subject?["groupIds"] as JsonArray) ?? [])
        {
            ids.Add(g!.GetValue<string>());
        }

        var decisions = new JsonArray();
        foreach (var action in (body?["actions"] as JsonArray) ?? [])
        {
            var actionId = action?["id"]?.GetValue<string>() ?? "";
            var granting = w.RoleAssignments.FirstOrDefault(a =>
                ids.Contains(a.PrincipalId) &&
                SynapseRoles.ById(a.RoleId ?? "") is { } role &&
                role.DataActions.Any(d => PermissionEvaluator.Matches(d, actionId)));
            decisions.Add(new JsonObject
            {
                ["accessDecision"] = granting is null ? "NotAllowed" : "Allowed",
                ["actionId"] = actionId,
                ["roleAssignment"] = granting is null ? null : AssignmentJson(granting),
            });
        }

        return Reply.Ok(new JsonObject { ["accessDecisions"] = decisions });
    }

    private JsonObject LinkedServiceJson(SynapseWorkspace w, LinkedService l) => new()
    {
        ["id"] = $"{w.ResourceId}/linkedservices/{l.Name}",
        ["name"] = l.Name,
        ["type"] = "Microsoft.Synapse/workspaces/linkedservices",
        ["etag"] = "\"00000000-0000-0000-0000-000000000000\"",
        ["properties"] = new JsonObject
        {
            ["type"] = l.Type,
            ["typeProperties"] = LinkedServiceTypeProperties(l),
        },
    };

    private JsonObject LinkedServiceTypeProperties(LinkedService l)
    {
        if (l.ConnectionString is not null)
        {
            return new JsonObject { ["connectionString"] = l.ConnectionString };
        }

        var url = l.Url ?? (l.AccountName is null ? null : emu.DfsEndpoint(l.AccountName));
        return new JsonObject
        {
            ["url"] = l.UrlAsExpression && url is not null ? new JsonObject { ["type"] = "Expression", ["value"] = url } : url,
        };
    }

    private static JsonObject RoleJson(SynapseRoles.Role r) => new()
    {
        ["id"] = r.Id,
        ["name"] = r.Name,
        ["isBuiltIn"] = true,
        ["description"] = r.Description,
        ["permissions"] = new JsonArray(new JsonObject
        {
            ["actions"] = new JsonArray(),
            ["notActions"] = new JsonArray(),
            ["dataActions"] = new JsonArray(r.DataActions.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["notDataActions"] = new JsonArray(),
        }),
        ["scopes"] = new JsonArray("workspaces/*"),
        ["availabilityStatus"] = "Available",
    };

    public static JsonObject AssignmentJson(SynapseRoleAssignment a) => new()
    {
        ["id"] = a.Id,
        ["roleDefinitionId"] = a.RoleId,
        ["principalId"] = a.PrincipalId,
        ["scope"] = a.Scope,
        ["principalType"] = a.PrincipalType,
    };

    private EmulatorRoute Dev(string name, string workspace, Access access, Func<HttpContext, Scenario, SynapseWorkspace, Caller, Reply> handler) =>
        new(name, ctx => Task.FromResult(Handle(ctx, workspace, access, (s, w, c) => handler(ctx, s, w, c))));

    private EmulatorRoute DevWithBody(string name, string workspace, Func<HttpContext, Scenario, SynapseWorkspace, Caller, JsonNode?, Reply> handler, Access access = Access.Write) =>
        new(name, async ctx =>
        {
            JsonNode? body = null;
            try
            {
                body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            }
            catch (System.Text.Json.JsonException)
            {
                return Reply.Error(400, "BadRequest", "The request body is not valid JSON.");
            }

            return Handle(ctx, workspace, access, (s, w, c) => handler(ctx, s, w, c, body));
        });

    private Reply Handle(HttpContext ctx, string workspace, Access access, Func<Scenario, SynapseWorkspace, Caller, Reply> handler)
    {
        if (ApiVersions.Check(ctx.Request, ApiVersions.SynapseDataPlane) is { } badVersion)
        {
            return badVersion;
        }

        // The workspace firewall answers before the token is looked at.
        if (emu.State.Read(s => s.SynapseWorkspaces.FirstOrDefault(x => x.Name.Equals(workspace, StringComparison.OrdinalIgnoreCase)) is { } w
            ? WorkspaceFirewall.RefuseDev(w, ctx.Connection.RemoteIpAddress)
            : null) is { } refused)
        {
            return refused;
        }

        var check = emu.Tokens.Check(ctx.Request, Audiences);
        if (check.Problem != TokenProblem.None)
        {
            var message = check.Problem switch
            {
                TokenProblem.Missing => "Authorization header is missing.",
                TokenProblem.Expired => "Token Authentication failed - IDX10223: Lifetime validation failed. The token is expired.",
                TokenProblem.WrongAudience => $"Token Authentication failed - IDX10214: Audience validation failed. Audiences: '{check.Audience}'. Did not match: validationParameters.ValidAudience: 'https://dev.azuresynapse.net'.",
                _ => "Token Authentication failed - Invalid token.",
            };
            return Reply.Error(401, "Unauthorized", message, new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });
        }

        var caller = check.Caller!;
        Func<Scenario, Reply> run = s =>
        {
            var w = s.SynapseWorkspaces.FirstOrDefault(x => x.Name.Equals(workspace, StringComparison.OrdinalIgnoreCase));
            if (w is null)
            {
                return Reply.Error(404, "WorkspaceNotFound", $"The workspace '{workspace}' does not exist.");
            }

            var identities = DirectoryLookup.Identities(s, caller.ObjectId);
            var synapseActions = w.RoleAssignments
                .Where(a => identities.Contains(a.PrincipalId))
                .Select(a => SynapseRoles.ById(a.RoleId ?? ""))
                .Where(r => r is not null)
                .SelectMany(r => r!.DataActions)
                .ToList();
            var required = access == Access.Read ? "Microsoft.Synapse/workspaces/read" : "Microsoft.Synapse/workspaces/roleAssignments/write";
            var allowed = synapseActions.Any(d => PermissionEvaluator.Matches(d, required))
                || (access == Access.Write && PermissionEvaluator.IsAllowed(s, caller.ObjectId, w.ResourceId, "Microsoft.Authorization/roleAssignments/write"));
            if (!allowed)
            {
                return Reply.Error(403, "Unauthorized",
                    $"The principal '{caller.ObjectId}' does not have the required Synapse RBAC permission to perform this action. Required permission: Action: {required}, Scope: workspaces/{w.Name}/*.");
            }

            return handler(s, w, caller);
        };
        return access == Access.Read ? emu.State.Read(run) : emu.State.Write(run);
    }
}
