using AzureEmulator.Authorization;
using AzureEmulator.Http;

namespace AzureEmulator.Arm;

/// <summary>
/// Maps Resource Manager paths to handlers. Microsoft.Authorization paths may hang off any scope
/// ({scope}/providers/Microsoft.Authorization/...), so the path is taken apart by hand rather than by templates.
/// </summary>
public sealed class ArmRouter(EmulatorContext emu)
{
    private readonly ArmResources _resources = new(emu);
    private readonly AuthorizationApi _authorization = new(emu);

    public EmulatorRoute? Match(HttpContext ctx)
    {
        var method = ctx.Request.Method.ToUpperInvariant();
        var segments = ctx.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchAuthorization(method, segments) ?? MatchResource(method, segments);
    }

    private EmulatorRoute? MatchAuthorization(string method, string[] seg)
    {
        var at = -1;
        for (var i = seg.Length - 2; i >= 0; i--)
        {
            if (Is(seg[i], "providers") && Is(seg[i + 1], "Microsoft.Authorization"))
            {
                at = i;
                break;
            }
        }

        if (at < 0 || at + 2 >= seg.Length)
        {
            return null;
        }

        var scope = "/" + string.Join('/', seg[..at]);
        var type = seg[at + 2];
        var name = at + 3 < seg.Length ? seg[at + 3] : null;
        if (at + 4 < seg.Length)
        {
            return null;
        }

        return (type.ToLowerInvariant(), method, name) switch
        {
            ("roleassignments", "GET", null) => Arm("GET roleAssignments", (ctx, c) => _authorization.ListRoleAssignments(ctx, c, scope)),
            ("roleassignments", "GET", { } n) => Arm("GET roleAssignment", (ctx, c) => _authorization.GetRoleAssignment(ctx, c, scope, n)),
            ("roleassignments", "PUT", { } n) => new EmulatorRoute("PUT roleAssignment", ArmAuth.Authenticated(emu, (ctx, c) => _authorization.PutRoleAssignment(ctx, c, scope, n))),
            ("roleassignments", "DELETE", { } n) => Arm("DELETE roleAssignment", (ctx, c) => _authorization.DeleteRoleAssignment(ctx, c, scope, n)),
            ("roledefinitions", "GET", null) => Arm("GET roleDefinitions", (ctx, _) => _authorization.ListRoleDefinitions(ctx, scope)),
            ("roledefinitions", "GET", { } n) => Arm("GET roleDefinition", (ctx, _) => _authorization.GetRoleDefinition(ctx, scope, n)),
            ("denyassignments", "GET", var n) => Arm(n is null ? "GET denyAssignments" : "GET denyAssignment", (ctx, c) => _authorization.ListDenyAssignments(ctx, c, scope, n)),
            ("permissions", "GET", null) => Arm("GET permissions", (ctx, c) => _authorization.ListPermissions(ctx, c, scope)),
            _ => null,
        };
    }

    private EmulatorRoute? MatchResource(string method, string[] seg)
    {
        if (method != "GET" || seg.Length == 0 || !Is(seg[0], "subscriptions"))
        {
            return null;
        }

        if (seg.Length == 1)
        {
            return Arm("GET subscriptions", (ctx, c) => _resources.ListSubscriptions(ctx, c));
        }

        var sub = seg[1];
        if (seg.Length == 2)
        {
            return Arm("GET subscription", (ctx, c) => _resources.GetSubscription(ctx, c, sub));
        }

        if (seg.Length == 3 && Is(seg[2], "resourcegroups"))
        {
            return Arm("GET resourceGroups", (ctx, c) => _resources.ListResourceGroups(ctx, c, sub));
        }

        if (seg.Length == 3 && Is(seg[2], "resources"))
        {
            return Arm("GET resources", (ctx, c) => _resources.ListResources(ctx, c, sub));
        }

        string? rg = null;
        var rest = seg[2..];
        if (Is(rest[0], "resourcegroups") && rest.Length >= 2)
        {
            rg = rest[1];
            if (rest.Length == 2)
            {
                return Arm("GET resourceGroup", (ctx, c) => _resources.GetResourceGroup(ctx, c, sub, rg));
            }

            rest = rest[2..];
        }

        if (rest.Length < 3 || !Is(rest[0], "providers"))
        {
            return null;
        }

        var provider = rest[1];
        var type = rest[2];
        var path = rest[3..];
        if (Is(provider, "Microsoft.Storage") && Is(type, "storageAccounts"))
        {
            return path.Length switch
            {
                0 => Arm("GET storageAccounts", (ctx, c) => _resources.ListStorageAccounts(ctx, c, sub, rg)),
                1 when rg is not null => Arm("GET storageAccount", (ctx, c) => _resources.GetStorageAccount(ctx, c, sub, rg, path[0])),
                4 when rg is not null && Is(path[1], "blobServices") && Is(path[2], "default") && Is(path[3], "containers") =>
                    Arm("GET containers", (ctx, c) => _resources.ListContainers(ctx, c, sub, rg, path[0])),
                5 when rg is not null && Is(path[1], "blobServices") && Is(path[2], "default") && Is(path[3], "containers") =>
                    Arm("GET container", (ctx, c) => _resources.GetContainer(ctx, c, sub, rg, path[0], path[4])),
                _ => null,
            };
        }

        if (Is(provider, "Microsoft.Synapse") && Is(type, "workspaces"))
        {
            return path.Length switch
            {
                0 => Arm("GET workspaces", (ctx, c) => _resources.ListWorkspaces(ctx, c, sub, rg)),
                1 when rg is not null => Arm("GET workspace", (ctx, c) => _resources.GetWorkspace(ctx, c, sub, rg, path[0])),
                2 when rg is not null && Is(path[1], "firewallRules") => Arm("GET firewallRules", (ctx, c) => _resources.ListFirewallRules(ctx, c, sub, rg, path[0], null)),
                3 when rg is not null && Is(path[1], "firewallRules") => Arm("GET firewallRule", (ctx, c) => _resources.ListFirewallRules(ctx, c, sub, rg, path[0], path[2])),
                _ => null,
            };
        }

        return null;
    }

    private EmulatorRoute Arm(string name, Func<HttpContext, Tokens.Caller, Reply> handler) =>
        new(name, ArmAuth.Authenticated(emu, (ctx, caller) => Task.FromResult(handler(ctx, caller))));

    private static bool Is(string a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);
}
