using System.Text.Json.Nodes;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Arm;

/// <summary>Subscriptions, resource groups, storage accounts (+ containers) and Synapse workspaces (+ firewall rules).</summary>
public sealed class ArmResources(EmulatorContext emu)
{
    private const string StorageType = "Microsoft.Storage/storageAccounts";
    private const string WorkspaceType = "Microsoft.Synapse/workspaces";

    public Reply ListSubscriptions(HttpContext ctx, Caller caller) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Subscriptions) ?? emu.State.Read(s =>
        {
            var visible = s.Subscriptions
                .Where(sub => IsVisible(s, caller, sub))
                .Select(sub => SubscriptionJson(s, sub))
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, visible, s.Options.PageSize));
        });

    /// <summary>A subscription the caller holds no role in, at it, above or below it, is refused as ARM refuses it.</summary>
    public Reply GetSubscription(HttpContext ctx, Caller caller, string subscriptionId) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Subscriptions) ?? emu.State.Read(s =>
        {
            var sub = FindSubscription(s, subscriptionId);
            if (sub is null)
            {
                return Reply.Error(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.");
            }

            return IsVisible(s, caller, sub)
                ? Reply.Ok(SubscriptionJson(s, sub))
                : ArmAuth.Authorize(s, caller, $"/subscriptions/{sub.SubscriptionId}", "Microsoft.Resources/subscriptions/read") ?? Reply.Ok(SubscriptionJson(s, sub));
        });

    public Reply ListResourceGroups(HttpContext ctx, Caller caller, string subscriptionId) =>
        ApiVersions.Check(ctx.Request, ApiVersions.ResourceGroups) ?? emu.State.Read(s =>
        {
            var sub = FindSubscription(s, subscriptionId);
            if (sub is null)
            {
                return Reply.Error(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.");
            }

            var items = sub.ResourceGroups
                .Where(rg => ArmAuth.Can(s, caller, RgScope(sub.SubscriptionId, rg.Name), "Microsoft.Resources/subscriptions/resourceGroups/read"))
                .Select(rg => ResourceGroupJson(sub, rg))
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });

    public Reply GetResourceGroup(HttpContext ctx, Caller caller, string subscriptionId, string name) =>
        ApiVersions.Check(ctx.Request, ApiVersions.ResourceGroups) ?? emu.State.Read(s =>
        {
            var scope = RgScope(subscriptionId, name);
            if (ArmAuth.Authorize(s, caller, scope, "Microsoft.Resources/subscriptions/resourceGroups/read") is { } denied)
            {
                return denied;
            }

            var sub = FindSubscription(s, subscriptionId);
            var rg = sub?.ResourceGroups.FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            return sub is null || rg is null
                ? Reply.Error(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.")
                : Reply.Ok(ResourceGroupJson(sub, rg));
        });

    /// <summary>GET /subscriptions/{s}/resources?$filter=resourceType eq '…' and name eq '…'.</summary>
    public Reply ListResources(HttpContext ctx, Caller caller, string subscriptionId) =>
        ApiVersions.Check(ctx.Request, ApiVersions.ResourceGroups) ?? emu.State.Read(s =>
        {
            var filter = ctx.Request.Query["$filter"].ToString();
            string? Clause(string field)
            {
                var m = System.Text.RegularExpressions.Regex.Match(filter, field + @"\s+eq\s+'([^']*)'", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
                return m.Success ? m.Groups[1].Value : null;
            }

            var type = Clause("resourceType");
            var name = Clause("name");
            var all = s.StorageAccounts.Select(a => (Id: a.ResourceId, Type: StorageType, a.Name, a.Location, a.SubscriptionId))
                .Concat(s.SynapseWorkspaces.Select(w => (Id: w.ResourceId, Type: WorkspaceType, w.Name, w.Location, w.SubscriptionId)))
                .Where(r => r.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase))
                .Where(r => type is null || r.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
                .Where(r => name is null || r.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                .Where(r => ArmAuth.Can(s, caller, r.Id, r.Type + "/read"))
                .Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["name"] = r.Name, ["type"] = r.Type, ["location"] = r.Location })
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, all, s.Options.PageSize));
        });

    public Reply ListStorageAccounts(HttpContext ctx, Caller caller, string subscriptionId, string? resourceGroup) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Storage, StorageType) ?? emu.State.Read(s =>
        {
            if (resourceGroup is null && SubscriptionListRefused(s, caller, subscriptionId, StorageType + "/read") is { } refused)
            {
                return refused;
            }

            var items = s.StorageAccounts
                .Where(a => InScope(a.SubscriptionId, a.ResourceGroup, subscriptionId, resourceGroup))
                .Where(a => ArmAuth.Can(s, caller, a.ResourceId, StorageType + "/read"))
                .Select(StorageJson)
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });

    public Reply GetStorageAccount(HttpContext ctx, Caller caller, string subscriptionId, string resourceGroup, string name) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Storage, StorageType) ?? emu.State.Read(s =>
        {
            var id = $"{RgScope(subscriptionId, resourceGroup)}/providers/{StorageType}/{name}";
            if (ArmAuth.Authorize(s, caller, id, StorageType + "/read") is { } denied)
            {
                return denied;
            }

            var account = FindStorage(s, subscriptionId, resourceGroup, name);
            return account is null ? NotFound(s, subscriptionId, resourceGroup, StorageType, name) : Reply.Ok(StorageJson(account));
        });

    public Reply ListContainers(HttpContext ctx, Caller caller, string subscriptionId, string resourceGroup, string account) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Storage, StorageType + "/blobServices/containers") ?? emu.State.Read(s =>
        {
            var acct = FindStorage(s, subscriptionId, resourceGroup, account);
            var scope = $"{RgScope(subscriptionId, resourceGroup)}/providers/{StorageType}/{account}/blobServices/default";
            if (ArmAuth.Authorize(s, caller, scope, StorageType + "/blobServices/containers/read") is { } denied)
            {
                return denied;
            }

            if (acct is null)
            {
                return NotFound(s, subscriptionId, resourceGroup, StorageType, account);
            }

            var items = acct.Containers.Select(c => ContainerJson(acct, c)).ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });

    public Reply GetContainer(HttpContext ctx, Caller caller, string subscriptionId, string resourceGroup, string account, string container) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Storage, StorageType + "/blobServices/containers") ?? emu.State.Read(s =>
        {
            var acct = FindStorage(s, subscriptionId, resourceGroup, account);
            var scope = $"{RgScope(subscriptionId, resourceGroup)}/providers/{StorageType}/{account}/blobServices/default/containers/{container}";
            if (ArmAuth.Authorize(s, caller, scope, StorageType + "/blobServices/containers/read") is { } denied)
            {
                return denied;
            }

            if (acct is null)
            {
                return NotFound(s, subscriptionId, resourceGroup, StorageType, account);
            }

            var c = acct.Containers.FirstOrDefault(x => x.Name.Equals(container, StringComparison.Ordinal));
            return c is null
                ? Reply.Error(404, "ContainerNotFound", "The specified container does not exist.")
                : Reply.Ok(ContainerJson(acct, c));
        });

    public Reply ListWorkspaces(HttpContext ctx, Caller caller, string subscriptionId, string? resourceGroup) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Synapse, WorkspaceType) ?? emu.State.Read(s =>
        {
            if (resourceGroup is null && SubscriptionListRefused(s, caller, subscriptionId, WorkspaceType + "/read") is { } refused)
            {
                return refused;
            }

            var items = s.SynapseWorkspaces
                .Where(w => InScope(w.SubscriptionId, w.ResourceGroup, subscriptionId, resourceGroup))
                .Where(w => ArmAuth.Can(s, caller, w.ResourceId, WorkspaceType + "/read"))
                .Select(w => WorkspaceJson(s, w))
                .ToList();
            return Reply.Ok(Paging.Page(ctx.Request, items, s.Options.PageSize));
        });

    public Reply GetWorkspace(HttpContext ctx, Caller caller, string subscriptionId, string resourceGroup, string name) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Synapse, WorkspaceType) ?? emu.State.Read(s =>
        {
            var id = $"{RgScope(subscriptionId, resourceGroup)}/providers/{WorkspaceType}/{name}";
            if (ArmAuth.Authorize(s, caller, id, WorkspaceType + "/read") is { } denied)
            {
                return denied;
            }

            var ws = FindWorkspace(s, subscriptionId, resourceGroup, name);
            return ws is null ? NotFound(s, subscriptionId, resourceGroup, WorkspaceType, name) : Reply.Ok(WorkspaceJson(s, ws));
        });

    public Reply ListFirewallRules(HttpContext ctx, Caller caller, string subscriptionId, string resourceGroup, string workspace, string? ruleName) =>
        ApiVersions.Check(ctx.Request, ApiVersions.Synapse, WorkspaceType + "/firewallRules") ?? emu.State.Read(s =>
        {
            var id = $"{RgScope(subscriptionId, resourceGroup)}/providers/{WorkspaceType}/{workspace}";
            if (ArmAuth.Authorize(s, caller, id, WorkspaceType + "/firewallRules/read") is { } denied)
            {
                return denied;
            }

            var ws = FindWorkspace(s, subscriptionId, resourceGroup, workspace);
            if (ws is null)
            {
                return NotFound(s, subscriptionId, resourceGroup, WorkspaceType, workspace);
            }

            if (ruleName is not null)
            {
                var rule = ws.FirewallRules.FirstOrDefault(r => r.Name.Equals(ruleName, StringComparison.OrdinalIgnoreCase));
                return rule is null
                    ? Reply.Error(404, "ResourceNotFound", $"The Resource '{WorkspaceType}/{workspace}/firewallRules/{ruleName}' under resource group '{resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
                    : Reply.Ok(FirewallJson(ws, rule));
            }

            return Reply.Ok(Paging.Page(ctx.Request, ws.FirewallRules.Select(r => FirewallJson(ws, r)).ToList(), s.Options.PageSize));
        });

    /// <summary>A subscription is listed to a caller with a role assignment at, above or anywhere below it.</summary>
    private static bool IsVisible(Scenario s, Caller caller, Subscription sub)
    {
        var ids = DirectoryLookup.Identities(s, caller.ObjectId);
        var scope = $"/subscriptions/{sub.SubscriptionId}";
        return s.RoleAssignments.Any(a => ids.Contains(a.PrincipalId) && (Scopes.IsAtOrAbove(a.Scope, scope) || Scopes.IsAtOrAbove(scope, a.Scope)));
    }

    /// <summary>
    /// What ARM answers a list over a whole subscription instead of the readable items: 404 SubscriptionNotFound when
    /// it does not exist, 403 AuthorizationFailed when the caller has no access anywhere in it; null otherwise.
    /// </summary>
    private static Reply? SubscriptionListRefused(Scenario s, Caller caller, string subscriptionId, string action)
    {
        var sub = FindSubscription(s, subscriptionId);
        if (sub is null)
        {
            return Reply.Error(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.");
        }

        return IsVisible(s, caller, sub) ? null : ArmAuth.Authorize(s, caller, $"/subscriptions/{sub.SubscriptionId}", action);
    }

    public static string RgScope(string subscriptionId, string resourceGroup) => $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}";

    public static Subscription? FindSubscription(Scenario s, string id) =>
        s.Subscriptions.FirstOrDefault(x => x.SubscriptionId.Equals(id, StringComparison.OrdinalIgnoreCase));

    private static StorageAccount? FindStorage(Scenario s, string sub, string rg, string name) =>
        s.StorageAccounts.FirstOrDefault(a => InScope(a.SubscriptionId, a.ResourceGroup, sub, rg) && a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static SynapseWorkspace? FindWorkspace(Scenario s, string sub, string rg, string name) =>
        s.SynapseWorkspaces.FirstOrDefault(w => InScope(w.SubscriptionId, w.ResourceGroup, sub, rg) && w.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static bool InScope(string sub, string rg, string wantedSub, string? wantedRg) =>
        sub.Equals(wantedSub, StringComparison.OrdinalIgnoreCase) && (wantedRg is null || rg.Equals(wantedRg, StringComparison.OrdinalIgnoreCase));

    private static Reply NotFound(Scenario s, string sub, string rg, string type, string name)
    {
        var group = FindSubscription(s, sub)?.ResourceGroups.FirstOrDefault(r => r.Name.Equals(rg, StringComparison.OrdinalIgnoreCase));
        return group is null
            ? Reply.Error(404, "ResourceGroupNotFound", $"Resource group '{rg}' could not be found.")
            : Reply.Error(404, "ResourceNotFound", $"The Resource '{type}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private static JsonNode SubscriptionJson(Scenario s, Subscription sub) => new JsonObject
    {
        ["id"] = $"/subscriptions/{sub.SubscriptionId}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = sub.SubscriptionId,
        ["tenantId"] = s.TenantId,
        ["displayName"] = sub.DisplayName ?? sub.SubscriptionId,
        ["state"] = sub.State,
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };

    private static JsonNode ResourceGroupJson(Subscription sub, ResourceGroup rg) => new JsonObject
    {
        ["id"] = RgScope(sub.SubscriptionId, rg.Name),
        ["name"] = rg.Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = rg.Location,
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    private JsonNode StorageJson(StorageAccount a) => new JsonObject
    {
        ["sku"] = new JsonObject { ["name"] = "Standard_LRS", ["tier"] = "Standard" },
        ["kind"] = a.Kind,
        ["id"] = a.ResourceId,
        ["name"] = a.Name,
        ["type"] = StorageType,
        ["location"] = a.Location,
        ["tags"] = new JsonObject(),
        ["properties"] = new JsonObject
        {
            ["isHnsEnabled"] = a.IsHnsEnabled,
            ["networkAcls"] = new JsonObject
            {
                ["bypass"] = a.NetworkAcls.Bypass,
                ["defaultAction"] = a.NetworkAcls.DefaultAction,
                ["ipRules"] = new JsonArray(a.NetworkAcls.IpRules.Select(r => (JsonNode)new JsonObject { ["value"] = r.Value, ["action"] = r.Action }).ToArray()),
                ["virtualNetworkRules"] = new JsonArray(a.NetworkAcls.VirtualNetworkRules.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["action"] = r.Action, ["state"] = "Succeeded" }).ToArray()),
                ["resourceAccessRules"] = new JsonArray(a.NetworkAcls.ResourceAccessRules.Select(r => (JsonNode)new JsonObject { ["tenantId"] = r.TenantId, ["resourceId"] = r.ResourceId }).ToArray()),
            },
            ["primaryEndpoints"] = new JsonObject
            {
                ["dfs"] = emu.DfsEndpoint(a.Name),
                ["web"] = $"https://{a.Name}.z6.web.core.windows.net/",
                ["blob"] = emu.BlobEndpoint(a.Name),
                ["queue"] = $"https://{a.Name}.queue.core.windows.net/",
                ["table"] = $"https://{a.Name}.table.core.windows.net/",
                ["file"] = $"https://{a.Name}.file.core.windows.net/",
            },
            ["primaryLocation"] = a.Location,
            ["statusOfPrimary"] = "available",
            ["provisioningState"] = "Succeeded",
            ["publicNetworkAccess"] = a.PublicNetworkAccess,
            ["allowSharedKeyAccess"] = a.AllowSharedKeyAccess,
            ["minimumTlsVersion"] = "TLS1_2",
            ["supportsHttpsTrafficOnly"] = true,
            ["accessTier"] = "Hot",
            ["privateEndpointConnections"] = new JsonArray(),
            ["creationTime"] = "2024-01-01T00:00:00.0000000Z",
        },
    };

    private static JsonNode ContainerJson(StorageAccount a, BlobContainer c) => new JsonObject
    {
        ["id"] = $"{a.ResourceId}/blobServices/default/containers/{c.Name}",
        ["name"] = c.Name,
        ["type"] = "Microsoft.Storage/storageAccounts/blobServices/containers",
        ["etag"] = "\"0x8DC0000000000000\"",
        ["properties"] = new JsonObject
        {
            ["publicAccess"] = c.PublicAccess,
            ["leaseStatus"] = "Unlocked",
            ["leaseState"] = "Available",
            ["lastModifiedTime"] = "2024-01-01T00:00:00.0000000Z",
            ["hasImmutabilityPolicy"] = false,
            ["hasLegalHold"] = false,
            ["deleted"] = false,
            ["remainingRetentionDays"] = 0,
            ["defaultEncryptionScope"] = "$account-encryption-key",
            ["denyEncryptionScopeOverride"] = false,
        },
    };

    private JsonNode WorkspaceJson(Scenario s, SynapseWorkspace w)
    {
        var endpoints = new JsonObject
        {
            ["web"] = $"https://web.azuresynapse.net?workspace=%2fsubscriptions%2f{w.SubscriptionId}%2fresourceGroups%2f{w.ResourceGroup}%2fproviders%2fMicrosoft.Synapse%2fworkspaces%2f{w.Name}",
            ["dev"] = emu.SynapseDevEndpoint(w.Name),
            ["sqlOnDemand"] = emu.SqlOnDemandEndpoint(w.Name),
            ["sql"] = $"{w.Name}.sql.azuresynapse.net",
        };
        foreach (var (key, value) in w.ConnectivityEndpoints)
        {
            endpoints[key] = value;
        }

        JsonNode? lake = null;
        if (w.DefaultDataLakeStorage is { } d)
        {
            var account = d.AccountName is null ? null : s.StorageAccounts.FirstOrDefault(a => a.Name.Equals(d.AccountName, StringComparison.OrdinalIgnoreCase));
            lake = new JsonObject
            {
                ["accountUrl"] = d.AccountUrl ?? (d.AccountName is null ? null : emu.DfsEndpoint(d.AccountName).TrimEnd('/')),
                ["filesystem"] = d.Filesystem,
                ["resourceId"] = d.ResourceId ?? account?.ResourceId,
                ["createManagedPrivateEndpoint"] = false,
            };
        }

        return new JsonObject
        {
            ["id"] = w.ResourceId,
            ["name"] = w.Name,
            ["type"] = WorkspaceType,
            ["location"] = w.Location,
            ["tags"] = new JsonObject(),
            ["identity"] = new JsonObject
            {
                ["type"] = w.Identity.Type,
                ["principalId"] = w.Identity.PrincipalId,
                ["tenantId"] = s.TenantId,
            },
            ["properties"] = new JsonObject
            {
                ["defaultDataLakeStorage"] = lake,
                ["connectivityEndpoints"] = endpoints,
                ["managedVirtualNetwork"] = w.ManagedVirtualNetwork,
                ["managedResourceGroupName"] = $"synapseworkspace-managedrg-{Scopes.StableGuid(w.ResourceId)}",
                ["privateEndpointConnections"] = new JsonArray(),
                ["publicNetworkAccess"] = w.PublicNetworkAccess,
                ["trustedServiceBypassEnabled"] = false,
                ["azureADOnlyAuthentication"] = true,
                ["provisioningState"] = "Succeeded",
                ["workspaceUID"] = Scopes.StableGuid("uid|" + w.ResourceId),
            },
        };
    }

    private static JsonNode FirewallJson(SynapseWorkspace w, FirewallRule r) => new JsonObject
    {
        ["id"] = $"{w.ResourceId}/firewallRules/{r.Name}",
        ["name"] = r.Name,
        ["type"] = WorkspaceType + "/firewallRules",
        ["properties"] = new JsonObject
        {
            ["startIpAddress"] = r.StartIpAddress,
            ["endIpAddress"] = r.EndIpAddress,
            ["provisioningState"] = "Succeeded",
        },
    };
}
