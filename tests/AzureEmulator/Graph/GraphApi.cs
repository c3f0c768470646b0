using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Graph;

/// <summary>
/// Microsoft Graph v1.0 under /graph/v1.0: service principals (by id, by appId), users, groups, directory
/// objects, getByIds, memberOf, transitiveMemberOf and getMemberGroups.
/// </summary>
public sealed partial class GraphApi(EmulatorContext emu)
{
    public const string Prefix = "/graph/v1.0";
    private static readonly string[] Audiences = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];

    public EmulatorRoute? Match(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        if (!path.StartsWith(Prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var method = ctx.Request.Method.ToUpperInvariant();
        var seg = path[(Prefix.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (seg.Length == 0)
        {
            return null;
        }

        var byAppId = ByAppId().Match(seg[0]);
        if (byAppId.Success && seg.Length == 1 && method == "GET")
        {
            return Graph("GET graph servicePrincipal(appId)", (ctx, s, _) =>
            {
                var sp = s.Principals.FirstOrDefault(p => p.Type == "ServicePrincipal" && string.Equals(p.AppId, byAppId.Groups[1].Value, StringComparison.OrdinalIgnoreCase));
                return sp is null ? NotFound(byAppId.Groups[1].Value) : Reply.Ok(Select(ctx, ObjectJson(sp, typed: false)));
            });
        }

        var collection = seg[0].ToLowerInvariant();
        if (collection is not ("serviceprincipals" or "users" or "groups" or "directoryobjects" or "me"))
        {
            return null;
        }

        if (collection == "me")
        {
            seg = ["users", "@me", .. seg[1..]];
            collection = "users";
        }

        return (method, seg.Length) switch
        {
            ("GET", 1) when collection == "serviceprincipals" => Graph("GET graph servicePrincipals", (ctx, s, _) => ListServicePrincipals(ctx, s)),
            ("GET", 1) when collection == "groups" => Graph("GET graph groups", (ctx, s, _) => ListGroups(ctx, s)),
            ("POST", 2) when collection == "directoryobjects" && seg[1].Equals("getByIds", StringComparison.OrdinalIgnoreCase) =>
                GraphAsync("POST graph getByIds", GetByIds),
            ("POST", 3) when seg[2].Equals("getMemberGroups", StringComparison.OrdinalIgnoreCase) =>
                GraphAsync($"POST graph {seg[0]}/{{id}}/getMemberGroups", (ctx, caller) => GetMemberGroups(ctx, caller, collection, seg[1])),
            ("GET", 2) => Graph($"GET graph {seg[0]}/{{id}}", (ctx, s, caller) =>
            {
                var p = Find(s, collection, seg[1], caller);
                return p is null ? NotFound(seg[1]) : Reply.Ok(Select(ctx, ObjectJson(p, typed: collection == "directoryobjects")));
            }),
            ("GET", 3) when seg[2].Equals("transitiveMemberOf", StringComparison.OrdinalIgnoreCase) || seg[2].Equals("memberOf", StringComparison.OrdinalIgnoreCase) =>
                Graph($"GET graph {seg[0]}/{{id}}/{seg[2]}", (ctx, s, caller) =>
                {
                    var p = Find(s, collection, seg[1], caller);
                    if (p is null)
                    {
                        return NotFound(seg[1]);
                    }

                    var groups = seg[2].Equals("memberOf", StringComparison.OrdinalIgnoreCase)
                        ? s.Principals.Where(g => g.Type == "Group" && g.Members.Contains(p.Id, StringComparer.OrdinalIgnoreCase)).ToList()
                        : DirectoryLookup.TransitiveGroups(s, p.Id);
                    var items = groups.Select(g => Select(ctx, ObjectJson(g, typed: true))).ToList();
                    return Reply.Ok(Collection(ctx, "directoryObjects", items, s.Options.PageSize));
                }),
            _ => null,
        };
    }

    private static Reply ListServicePrincipals(HttpContext ctx, Scenario s)
    {
        var filter = ctx.Request.Query["$filter"].ToString();
        IEnumerable<Principal> sps = s.Principals.Where(p => p.Type == "ServicePrincipal");
        if (!string.IsNullOrWhiteSpace(filter))
        {
            var m = EqFilter().Match(filter.Trim());
            if (!m.Success)
            {
                return Reply.Error(400, "Request_UnsupportedQuery", $"Unsupported or invalid query filter clause specified for property of resource 'ServicePrincipal'.");
            }

            var value = m.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
            sps = m.Groups[1].Value.ToLowerInvariant() switch
            {
                "appid" => sps.Where(p => string.Equals(p.AppId, value, StringComparison.OrdinalIgnoreCase)),
                "displayname" => sps.Where(p => string.Equals(p.DisplayName, value, StringComparison.Ordinal)),
                "id" => sps.Where(p => string.Equals(p.Id, value, StringComparison.OrdinalIgnoreCase)),
                _ => sps.Where(_ => false),
            };
        }

        var items = sps.Select(p => Select(ctx, ObjectJson(p, typed: false))).ToList();
        return Reply.Ok(Collection(ctx, "servicePrincipals", items, s.Options.PageSize));
    }

    /// <summary>GET /groups, optionally with $filter=displayName eq '…' or id eq '…' (as Graph documents for groups).</summary>
    private static Reply ListGroups(HttpContext ctx, Scenario s)
    {
        var filter = ctx.Request.Query["$filter"].ToString();
        IEnumerable<Principal> groups = s.Principals.Where(p => p.Type == "Group");
        if (!string.IsNullOrWhiteSpace(filter))
        {
            var m = EqFilter().Match(filter.Trim());
            if (!m.Success)
            {
                return Reply.Error(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property of resource 'Group'.");
            }

            var value = m.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
            groups = m.Groups[1].Value.ToLowerInvariant() switch
            {
                "displayname" => groups.Where(p => string.Equals(p.DisplayName, value, StringComparison.Ordinal)),
                "id" => groups.Where(p => string.Equals(p.Id, value, StringComparison.OrdinalIgnoreCase)),
                _ => groups.Where(_ => false),
            };
        }

        var items = groups.Select(p => Select(ctx, ObjectJson(p, typed: false))).ToList();
        return Reply.Ok(Collection(ctx, "groups", items, s.Options.PageSize));
    }

    private async Task<Reply> GetByIds(HttpContext ctx, Caller caller)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        var ids = (body?["ids"] as JsonArray)?.Select(i => i!.GetValue<string>()).ToList() ?? [];
        return emu.State.Read(s =>
        {
            var items = ids.Select(id => DirectoryLookup.Find(s, id)).Where(p => p is not null).Select(p => ObjectJson(p!, typed: true)).ToList();
            return Reply.Ok(new JsonObject { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects", ["value"] = new JsonArray(items.ToArray()) });
        });
    }

    /// <summary>
    /// getMemberGroups (directoryObject, user, group, servicePrincipal): the ids of every group the object is in,
    /// transitively; securityEnabledOnly is required. Every group of the scenario is a security group.
    /// </summary>
    private async Task<Reply> GetMemberGroups(HttpContext ctx, Caller caller, string collection, string id)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body?["securityEnabledOnly"] is not JsonValue flag || !flag.TryGetValue<bool>(out _))
        {
            return GraphError(400, "Request_BadRequest", "The request body must carry securityEnabledOnly (true or false).");
        }

        return emu.State.Read(s =>
        {
            var p = Find(s, collection, id, caller);
            if (p is null)
            {
                return NotFound(id);
            }

            var groups = DirectoryLookup.TransitiveGroups(s, p.Id).Select(g => (JsonNode)JsonValue.Create(g.Id)!).ToArray();
            return Reply.Ok(new JsonObject { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)", ["value"] = new JsonArray(groups) });
        });
    }

    private static Principal? Find(Scenario s, string collection, string id, Caller caller)
    {
        if (id == "@me")
        {
            id = caller.ObjectId;
        }

        return collection switch
        {
            "users" => DirectoryLookup.FindUser(s, id),
            "serviceprincipals" => DirectoryLookup.Find(s, id) is { Type: "ServicePrincipal" } sp ? sp : null,
            "groups" => DirectoryLookup.Find(s, id) is { Type: "Group" } g ? g : null,
            _ => DirectoryLookup.Find(s, id),
        };
    }

    public static JsonObject ObjectJson(Principal p, bool typed)
    {
        var o = new JsonObject();
        if (typed)
        {
            o["@odata.type"] = p.Type switch { "ServicePrincipal" => "#microsoft.graph.servicePrincipal", "Group" => "#microsoft.graph.group", _ => "#microsoft.graph.user" };
        }

        o["id"] = p.Id;
        o["displayName"] = p.DisplayName;
        switch (p.Type)
        {
            case "ServicePrincipal":
                o["appId"] = p.AppId;
                o["servicePrincipalType"] = p.ServicePrincipalType ?? "Application";
                o["accountEnabled"] = true;
                break;
            case "Group":
                o["securityEnabled"] = true;
                o["mailEnabled"] = false;
                break;
            default:
                o["userPrincipalName"] = p.UserPrincipalName;
                o["mail"] = p.UserPrincipalName;
                break;
        }

        return o;
    }

    private static JsonObject Collection(HttpContext ctx, string entitySet, List<JsonObject> items, int pageSize)
    {
        var page = Paging.Page(ctx.Request, items.Cast<JsonNode>().ToList(), pageSize, "@odata.nextLink");
        var result = new JsonObject { ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#{entitySet}" };
        foreach (var (k, v) in page.ToList())
        {
            result[k] = v?.DeepClone();
        }

        return result;
    }

    private static JsonObject Select(HttpContext ctx, JsonObject o)
    {
        var select = ctx.Request.Query["$select"].ToString();
        if (string.IsNullOrWhiteSpace(select))
        {
            return o;
        }

        var wanted = select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new JsonObject();
        foreach (var (k, v) in o)
        {
            if (k.StartsWith('@') || wanted.Contains(k))
            {
                result[k] = v?.DeepClone();
            }
        }

        return result;
    }

    private static Reply NotFound(string id) =>
        GraphError(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    private static Reply GraphError(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss"),
                    ["request-id"] = Guid.NewGuid().ToString(),
                    ["client-request-id"] = Guid.NewGuid().ToString(),
                },
            },
        }, headers);

    private EmulatorRoute Graph(string name, Func<HttpContext, Scenario, Caller, Reply> handler) =>
        GraphAsync(name, (ctx, caller) => Task.FromResult(emu.State.Read(s => handler(ctx, s, caller))));

    private EmulatorRoute GraphAsync(string name, Func<HttpContext, Caller, Task<Reply>> handler) =>
        new(name, async ctx =>
        {
            var check = emu.Tokens.Check(ctx.Request, Audiences);
            var bearer = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"" };
            switch (check.Problem)
            {
                case TokenProblem.None:
                    break;
                case TokenProblem.Missing:
                    return GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", bearer);
                case TokenProblem.Expired or TokenProblem.NotYetValid:
                    return GraphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", bearer);
                case TokenProblem.WrongAudience:
                    return GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", bearer);
                default:
                    return GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.", bearer);
            }

            if (emu.State.Read(s => s.Options.GraphForbidden))
            {
                return GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            }

            return await handler(ctx, check.Caller!);
        });

    [GeneratedRegex(@"^servicePrincipals\(appId='([^']*)'\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ByAppId();

    /// <summary>An OData <c>property eq 'value'</c> clause; a quote inside the value is doubled.</summary>
    [GeneratedRegex(@"^(\w+)\s+eq\s+'((?:[^']|'')*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex EqFilter();
}
