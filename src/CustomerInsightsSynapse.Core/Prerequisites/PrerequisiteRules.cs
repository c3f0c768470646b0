using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// The prerequisite rules: each judges what Azure answered for one check and gives its <see cref="PrerequisiteResult"/>,
/// with the fix.
/// </summary>
internal sealed class PrerequisiteRules(PrerequisiteTarget target, string storageAccountName)
{
    private const string NoRepair = " Repair-CISynapsePrerequisite does not change this.";

    public PrerequisiteResult Subscription(Outcome<AzureResponse?> subscription)
    {
        const string id = CheckIds.SubscriptionEnabled;
        const string title = "The subscription is active";
        var scope = AzureResourceId.ForSubscription(target.SubscriptionId);
        const string requirement = "You have an active Azure subscription (state Enabled).";
        if (!subscription.Succeeded)
        {
            return Undecided(id, title, scope, requirement, subscription.Error!, subscription.NotFound);
        }

        var state = TolerantJson.String(subscription.Value!.Root, "state") ?? "unknown";
        return state.Equals("Enabled", StringComparison.OrdinalIgnoreCase)
            ? Pass(id, title, PrerequisitePrincipal.None, scope, requirement, "The subscription is Enabled.")
            : Fail(id, title, PrerequisitePrincipal.None, scope, requirement, $"The subscription is {state}.", "Reactivate the subscription in the Azure portal (Cost Management + Billing)." + NoRepair, null,
                state.Equals("Warned", StringComparison.OrdinalIgnoreCase) ? PrerequisiteStatus.Warning : PrerequisiteStatus.Failed);
    }

    public PrerequisiteResult Container(Outcome<AzureResponse?> container)
    {
        const string id = CheckIds.ContainerExists;
        const string title = "The container exists";
        const string requirement = "The container the connection names exists in the storage account.";
        if (container.Succeeded)
        {
            return Pass(id, title, PrerequisitePrincipal.None, target.ContainerScope, requirement, $"Container '{target.Container}' exists.");
        }

        return container.NotFound
            ? Fail(id, title, PrerequisitePrincipal.None, target.ContainerScope, requirement, $"Container '{target.Container}' does not exist in storage account '{storageAccountName}'.",
                $"New-AzRmStorageContainer -StorageAccountName '{storageAccountName}' -ResourceGroupName '{ResourceGroupOf(target.StorageAccountResourceId)}' -Name '{target.Container}'" + NoRepair, null)
            : Undecided(id, title, target.ContainerScope, requirement, container.Error!, false);
    }

    public PrerequisiteResult HierarchicalNamespace(Outcome<StorageAccountResource> storage)
    {
        const string id = CheckIds.HierarchicalNamespace;
        const string title = "The storage account has hierarchical namespace enabled";
        const string requirement = "The Data Lake Storage Gen2 account must have hierarchical namespace enabled.";
        if (!storage.Succeeded)
        {
            return Undecided(id, title, target.StorageAccountResourceId, requirement, storage.Error!, storage.NotFound);
        }

        var enabled = storage.Value!.IsHnsEnabled == true;
        return enabled
            ? Pass(id, title, PrerequisitePrincipal.None, target.StorageAccountResourceId, requirement, "isHnsEnabled is true.")
            : Fail(id, title, PrerequisitePrincipal.None, target.StorageAccountResourceId, requirement, "isHnsEnabled is false or absent: this is a flat Blob storage account.",
                $"Invoke-AzStorageAccountHierarchicalNamespaceUpgrade -ResourceGroupName '{ResourceGroupOf(target.StorageAccountResourceId)}' -Name '{storageAccountName}' -RequestType Upgrade (validate first with -RequestType Validation), or use another account." + NoRepair, null);
    }

    public PrerequisiteResult StorageLinked(Outcome<WorkspaceResource> workspace, Outcome<IReadOnlyList<JsonElement>>? linkedServices)
    {
        const string id = CheckIds.StorageLinkedToWorkspace;
        const string title = "The storage account is linked to the workspace";
        const string requirement = "The storage account where the data is located is linked to the Synapse workspace (its default data lake or a linked service).";
        if (!workspace.Succeeded)
        {
            return Undecided(id, title, target.WorkspaceResourceId, requirement, workspace.Error!, workspace.NotFound);
        }

        var lake = workspace.Value!.DefaultDataLake;
        if (lake.Is(target.StorageAccountResourceId, storageAccountName))
        {
            return Pass(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement, $"'{storageAccountName}' is the workspace's default data lake storage.");
        }

        var defaultLake = lake.AccountUrl ?? lake.ResourceId ?? "not set";
        const string fix = "Link the account in Synapse Studio (Manage > Linked services > New > Azure Data Lake Storage Gen2), or choose the workspace's default account in the connection." + NoRepair;
        if (linkedServices is null || !linkedServices.Succeeded)
        {
            return new PrerequisiteResult(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement, PrerequisiteStatus.Unknown,
                $"The workspace's default data lake is '{defaultLake}', not '{storageAccountName}', and its linked services could not be read: {linkedServices?.Error ?? "the workspace reports no development endpoint."}",
                fix, null);
        }

        var linked = linkedServices.Value!.FirstOrDefault(l => LinkedServiceAccount(l) is { } account && string.Equals(account, storageAccountName, StringComparison.OrdinalIgnoreCase));
        return linked.ValueKind == JsonValueKind.Object
            ? Pass(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement, $"Linked service '{TolerantJson.String(linked, "name")}' links '{storageAccountName}' to the workspace.")
            : Fail(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement,
                $"The workspace's default data lake is '{defaultLake}', not '{storageAccountName}', and none of its {linkedServices.Value!.Count} linked services points to '{storageAccountName}'.",
                fix, null);
    }

    /// <summary>
    /// The storage account a Blob or Data Lake linked service points to: from its url or serviceEndpoint (a string, or
    /// an Expression object whose value is the url), or from the AccountName or BlobEndpoint of its connection string.
    /// </summary>
    internal static string? LinkedServiceAccount(JsonElement linkedService)
    {
        var properties = TolerantJson.Object(linkedService, "properties");
        var type = TolerantJson.String(properties, "type");
        if (!string.Equals(type, "AzureBlobFS", StringComparison.OrdinalIgnoreCase) && !string.Equals(type, "AzureBlobStorage", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var typeProperties = TolerantJson.Object(properties, "typeProperties");
        var url = TextOrExpression(typeProperties, "url") ?? TextOrExpression(typeProperties, "serviceEndpoint");
        if (url is not null)
        {
            return AccountFromUrlText(url);
        }

        var connectionString = TextOrExpression(typeProperties, "connectionString");
        return connectionString is null ? null : AccountFromConnectionString(connectionString);
    }

    /// <summary>A property that is a string, or an object with a string value (Expression or SecureString).</summary>
    private static string? TextOrExpression(JsonElement e, string name) =>
        TolerantJson.String(e, name) ?? TolerantJson.String(TolerantJson.Object(e, name), "value");

    /// <summary>The account in a url that may hold expressions in its path ("https://lake.dfs.core.windows.net/@{...}").</summary>
    private static string? AccountFromUrlText(string text)
    {
        var trimmed = text.Trim();
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }

        var rest = trimmed[(scheme + 3)..];
        var authority = rest.Split('/')[0];
        if (authority.Length == 0 || authority.Contains('@') || authority.Contains('{'))
        {
            return null;
        }

        // A path-style url (an IP address host) names the account in its first segment, which must then be plain.
        var firstSegment = rest[authority.Length..].TrimStart('/').Split('/')[0];
        var plain = firstSegment.Contains('@') || firstSegment.Contains('{') ? string.Empty : firstSegment;
        return Uri.TryCreate($"{trimmed[..scheme]}://{authority}/{plain}", UriKind.Absolute, out var uri) ? DefaultDataLake.AccountNameFromUri(uri) : null;
    }

    private static string? AccountFromConnectionString(string connectionString)
    {
        string? blobEndpoint = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("AccountName", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                return value;
            }

            if (key.Equals("BlobEndpoint", StringComparison.OrdinalIgnoreCase))
            {
                blobEndpoint = value;
            }
        }

        return blobEndpoint is null ? null : AccountFromUrlText(blobEndpoint);
    }

    public PrerequisiteResult StorageFirewall(Outcome<StorageAccountResource> storage)
    {
        const string id = CheckIds.StorageFirewallAllowsWorkspace;
        const string title = "The storage firewall lets the workspace in";
        const string requirement = "When the storage account's firewall denies by default, a resource instance rule must let the Synapse workspace in (serverless SQL does not run in the managed virtual network).";
        if (!storage.Succeeded)
        {
            return Undecided(id, title, target.StorageAccountResourceId, requirement, storage.Error!, storage.NotFound);
        }

        var account = storage.Value!;
        var defaultAction = account.NetworkRules.DefaultAction;
        if (account.NetworkRules.AllowsByDefault && !account.PublicNetworkAccessDisabled)
        {
            return Pass(id, title, PrerequisitePrincipal.None, target.StorageAccountResourceId, requirement, "The storage firewall allows all networks.");
        }

        var rules = account.NetworkRules.ResourceAccessRuleIds;
        // A rule may name the workspace, or use '*' for every workspace of a resource group or subscription.
        if (rules.Any(r => ActionPattern.Matches(r.TrimEnd('/'), target.WorkspaceResourceId)))
        {
            return Pass(id, title, PrerequisitePrincipal.None, target.StorageAccountResourceId, requirement, "A resource instance rule lets the workspace in.");
        }

        return Fail(id, title, PrerequisitePrincipal.None, target.StorageAccountResourceId, requirement,
            account.PublicNetworkAccessDisabled
                ? "Public network access is disabled and no resource instance rule names the workspace."
                : $"The firewall's default action is {defaultAction} and no resource instance rule names the workspace.",
            $"Add-AzStorageAccountNetworkRule -ResourceGroupName '{ResourceGroupOf(target.StorageAccountResourceId)}' -Name '{storageAccountName}' -TenantId <tenant id> -ResourceId '{target.WorkspaceResourceId}'" + NoRepair,
            null);
    }

    public PrerequisiteResult StorageNetwork(Outcome<StorageAccountResource> storage, Outcome<bool> probe)
    {
        const string id = CheckIds.StorageNetworkAllowsCaller;
        const string title = "The storage firewall lets this computer in";
        const string requirement = "The export writes the data from this computer: the storage account's network rules must admit it (public network access enabled, and an IP or virtual network rule when the default action is Deny).";
        if (probe.Succeeded)
        {
            return Pass(id, title, PrerequisitePrincipal.None, target.ContainerScope, requirement, "A request for the container got through the storage firewall (the storage service answered it).");
        }

        if (probe.Status == 403 && probe.Error == PrerequisiteChecker.StorageNetworkRefusal)
        {
            var disabled = storage.Succeeded && storage.Value!.PublicNetworkAccessDisabled;
            return Fail(id, title, PrerequisitePrincipal.None, target.ContainerScope, requirement,
                $"The storage account '{storageAccountName}' answered 403 AuthorizationFailure: its network rules do not admit this computer" + (disabled ? " (public network access is disabled)." : "."),
                disabled
                    ? $"Run the export from a network with a private endpoint to '{storageAccountName}', or allow public access from selected networks: Set-AzStorageAccount -ResourceGroupName '{ResourceGroupOf(target.StorageAccountResourceId)}' -Name '{storageAccountName}' -PublicNetworkAccess Enabled; then add this computer's address as below." + NoRepair
                    : $"Add-AzStorageAccountNetworkRule -ResourceGroupName '{ResourceGroupOf(target.StorageAccountResourceId)}' -Name '{storageAccountName}' -IPAddressOrRange <this computer's public IP address>, or run the export from a virtual network the account admits." + NoRepair,
                null);
        }

        return Undecided(id, title, target.ContainerScope, requirement, $"The container could not be reached: {probe.Error}", false);
    }

    public PrerequisiteResult WorkspaceFirewall(Outcome<WorkspaceResource> workspace, Outcome<IReadOnlyList<JsonElement>> rules)
    {
        const string id = CheckIds.WorkspaceFirewallAllowsAzureServices;
        const string title = "The workspace firewall allows Azure services";
        const string requirement = "The workspace firewall has the AllowAllWindowsAzureIps rule (\"Allow Azure services and resources to access this workspace\").";
        if (!workspace.Succeeded)
        {
            return Undecided(id, title, target.WorkspaceResourceId, requirement, workspace.Error!, workspace.NotFound);
        }

        if (!rules.Succeeded)
        {
            return Undecided(id, title, target.WorkspaceResourceId, requirement, rules.Error!, false);
        }

        var allowsAzure = rules.Value!.Any(r =>
            string.Equals(TolerantJson.String(r, "name"), "AllowAllWindowsAzureIps", StringComparison.OrdinalIgnoreCase)
            || (TolerantJson.String(TolerantJson.Object(r, "properties"), "startIpAddress") == "0.0.0.0" && TolerantJson.String(TolerantJson.Object(r, "properties"), "endIpAddress") == "0.0.0.0"));
        return allowsAzure
            ? Pass(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement, "The AllowAllWindowsAzureIps rule exists.")
            : Fail(id, title, PrerequisitePrincipal.None, target.WorkspaceResourceId, requirement, $"None of the {rules.Value!.Count} firewall rules allows Azure services.",
                $"New-AzSynapseFirewallRule -WorkspaceName '{target.WorkspaceName}' -AllowAllAzureIp" + NoRepair, null);
    }

    public PrerequisiteResult ServicePrincipalFound(Outcome<(string? Id, string? Name)> lookup, PrerequisitePrincipal principal)
    {
        const string id = CheckIds.ServicePrincipalExists;
        const string title = "The Customer Insights service principal exists in the tenant";
        const string requirement = "The service principal of the Customer Insights application (app id 0bfc4568-a4ba-4c58-bd3e-5d3e76bd7fff) exists in the tenant.";
        if (!lookup.Succeeded)
        {
            return Undecided(id, title, "Microsoft Graph", requirement, lookup.Error! + " Pass -ServicePrincipalObjectId when Graph cannot be read.", false, principal);
        }

        return principal.ObjectId is not null
            ? Pass(id, title, principal, "Microsoft Graph", requirement, $"Found service principal {principal.ObjectId}.")
            : Fail(id, title, principal, "Microsoft Graph", requirement, $"No service principal has app id {target.ServicePrincipalAppId}.",
                $"New-AzADServicePrincipal -ApplicationId '{target.ServicePrincipalAppId}'" + NoRepair, null);
    }

    public PrerequisiteResult StorageAccess(
        PrerequisitePrincipal principal,
        string? lookupError,
        Outcome<IReadOnlyList<RoleAssignment>>? assignments,
        Outcome<IReadOnlyList<DenyAssignment>>? denies,
        IReadOnlyDictionary<string, RoleDefinition> definitions,
        string roleId,
        IReadOnlyList<string> dataActions)
    {
        var roleName = WellKnownRoles.NameOf(roleId);
        var id = principal.Kind switch
        {
            PrincipalKind.ServicePrincipal => CheckIds.ServicePrincipalStorageAccess,
            PrincipalKind.User => CheckIds.UserStorageAccess,
            PrincipalKind.WorkspaceIdentity => CheckIds.WorkspaceIdentityStorageAccess,
            _ => CheckIds.QueryUserStorageAccess,
        };
        var who = Describe(principal);
        var title = $"{who} has {roleName} on the storage";
        var requirement = $"{who} needs {roleName} (data actions {string.Join(", ", dataActions.Select(a => a.Split('/')[^1] == "action" ? string.Join('/', a.Split('/')[^2..]) : a.Split('/')[^1]))} on blobs) on the storage account or the container.";
        // The documentation asks for Storage Blob Data Contributor on the account; on the container alone it is a warning.
        var documentedScope = string.Equals(roleId, WellKnownRoles.StorageBlobDataContributor, StringComparison.OrdinalIgnoreCase) ? target.StorageAccountResourceId : null;
        return RoleCheck(id, title, principal, target.ContainerScope, requirement, lookupError, assignments, denies, definitions, dataActions, dataPlane: true, roleId, target.StorageAccountResourceId, documentedScope);
    }

    public PrerequisiteResult ResourceGroupReader(
        PrerequisitePrincipal principal,
        string? lookupError,
        Outcome<IReadOnlyList<RoleAssignment>>? assignments,
        Outcome<IReadOnlyList<DenyAssignment>>? denies,
        IReadOnlyDictionary<string, RoleDefinition> definitions)
    {
        var id = principal.Kind == PrincipalKind.ServicePrincipal ? CheckIds.ServicePrincipalResourceGroupReader : CheckIds.UserResourceGroupReader;
        var who = Describe(principal);
        var title = $"{who} can read the workspace's resource group";
        var requirement = $"{who} needs at least Reader on the resource group '{target.WorkspaceResourceGroup}' of the Synapse workspace.";
        return RoleCheck(id, title, principal, target.WorkspaceResourceGroupScope, requirement, lookupError, assignments, denies, definitions,
            WellKnownRoles.ResourceGroupReaderActions, dataPlane: false, WellKnownRoles.Reader, target.WorkspaceResourceGroupScope);
    }

    public PrerequisiteResult SynapseAdministrator(
        PrerequisitePrincipal principal,
        string? lookupError,
        Outcome<IReadOnlyList<SynapseRoleAssignment>> assignments,
        Outcome<IReadOnlyList<string>> groups,
        Uri? endpoint,
        string? callerId)
    {
        const string id = CheckIds.ServicePrincipalSynapseAdministrator;
        var title = $"{Describe(principal)} is Synapse Administrator";
        var scope = WorkspaceScope;
        const string requirement = "The Customer Insights service principal needs the Synapse Administrator role (Synapse RBAC) on the workspace.";
        if (principal.ObjectId is null)
        {
            return Undecided(id, title, scope, requirement, lookupError ?? "The service principal is not known.", false, principal, UnknownPrincipalFix(principal));
        }

        if (!assignments.Succeeded)
        {
            return SynapseListFailed(id, title, principal, requirement, assignments, callerId);
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { principal.ObjectId };
        ids.UnionWith(groups.Value ?? []);
        var administrator = assignments.Value!
            .Where(a => string.Equals(a.RoleDefinitionId, WellKnownRoles.SynapseAdministrator, StringComparison.OrdinalIgnoreCase) && ids.Contains(a.PrincipalId))
            .ToArray();
        // Only an assignment on the workspace itself counts: one on a Spark pool or another item covers only that item.
        var match = administrator.FirstOrDefault(a => string.Equals(a.Scope.Trim('/'), scope, StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            var how = string.Equals(match.PrincipalId, principal.ObjectId, StringComparison.OrdinalIgnoreCase) ? "directly" : $"through group {match.PrincipalId}";
            return Pass(id, title, principal, scope, requirement, $"Assigned {how}.");
        }

        var narrower = administrator.Length == 0 ? string.Empty : $" Synapse Administrator is assigned only at {string.Join(", ", administrator.Select(a => $"'{a.Scope}'").Distinct())}, which does not cover the workspace.";
        var reason = groups.Succeeded
            ? $"No Synapse Administrator assignment on '{scope}' names the service principal or one of its groups.{narrower}"
            : $"No Synapse Administrator assignment on '{scope}' names the service principal; its groups could not be read ({groups.Error}).{narrower}";
        return new PrerequisiteResult(id, title, principal, scope, requirement, groups.Succeeded ? PrerequisiteStatus.Failed : PrerequisiteStatus.Unknown, reason,
            $"New-AzSynapseRoleAssignment -WorkspaceName '{target.WorkspaceName}' -RoleDefinitionId '{WellKnownRoles.SynapseAdministrator}' -ObjectId '{principal.ObjectId}' (Repair-CISynapsePrerequisite can do this, and sets principalType).",
            endpoint is null ? null : new RepairAction(RepairKind.SynapseRoleAssignment, scope, WellKnownRoles.SynapseAdministrator, "Synapse Administrator", principal.ObjectId, principal.AzurePrincipalType, endpoint));
    }

    public PrerequisiteResult SynapsePrincipalTypes(Outcome<IReadOnlyList<SynapseRoleAssignment>> assignments, string? callerId)
    {
        const string id = CheckIds.SynapseAssignmentPrincipalType;
        const string title = "Synapse administrator assignments carry a principal type";
        const string requirement = "Synapse Administrator and Synapse SQL Administrator assignments must have principalType set; without it the serverless SQL login of a service principal is created wrong and its sign-in fails.";
        if (!assignments.Succeeded)
        {
            return SynapseListFailed(id, title, PrerequisitePrincipal.None, requirement, assignments, callerId);
        }

        var broken = assignments.Value!.Where(a => a.PrincipalType is null
            && (string.Equals(a.RoleDefinitionId, WellKnownRoles.SynapseAdministrator, StringComparison.OrdinalIgnoreCase)
                || string.Equals(a.RoleDefinitionId, WellKnownRoles.SynapseSqlAdministrator, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (broken.Length == 0)
        {
            return Pass(id, title, PrerequisitePrincipal.None, WorkspaceScope, requirement, "Every administrator assignment has a principal type.");
        }

        var list = string.Join(", ", broken.Select(b => $"{b.PrincipalId} ({WellKnownRoles.NameOf(b.RoleDefinitionId)})"));
        return new PrerequisiteResult(id, title, PrerequisitePrincipal.None, WorkspaceScope, requirement, PrerequisiteStatus.Warning,
            $"{broken.Length} assignment(s) have no principal type: {list}.",
            $"Remove and re-create each with its principal type, for example: Remove-AzSynapseRoleAssignment -WorkspaceName '{target.WorkspaceName}' -RoleAssignmentId <id>; then New-AzSynapseRoleAssignment (or Repair-CISynapsePrerequisite for the Customer Insights service principal)." + NoRepair,
            null);
    }

    private string WorkspaceScope => $"workspaces/{target.WorkspaceName}";

    /// <summary>
    /// The Synapse role assignments could not be listed. Refused (401/403): the signed-in account holds no Synapse
    /// role, and any Synapse RBAC role lets it list them, so the least to ask for is Synapse User.
    /// </summary>
    private PrerequisiteResult SynapseListFailed(string id, string title, PrerequisitePrincipal principal, string requirement, Outcome<IReadOnlyList<SynapseRoleAssignment>> assignments, string? callerId)
    {
        if (WorkspaceNetworkCheck.IsRefusal(assignments))
        {
            return new PrerequisiteResult(id, title, principal, WorkspaceScope, requirement, PrerequisiteStatus.Unknown,
                $"Could not be decided: the workspace firewall refused this computer ({assignments.Error}).",
                $"Let this computer through the workspace firewall first (see {WorkspaceNetworkCheck.CheckId}); then run the test again.",
                null);
        }

        if (assignments.Status is 401 or 403)
        {
            return new PrerequisiteResult(id, title, principal, WorkspaceScope, requirement, PrerequisiteStatus.Unknown,
                $"Could not be decided: the signed-in account may not list the workspace's Synapse role assignments, which needs a Synapse RBAC role on '{WorkspaceScope}' (any role, {WellKnownRoles.NameOf(WellKnownRoles.SynapseUser)} is the least): {assignments.Error}",
                $"Ask a Synapse Administrator of '{target.WorkspaceName}' to give the signed-in account {WellKnownRoles.NameOf(WellKnownRoles.SynapseUser)} (or a higher Synapse role) on the workspace: New-AzSynapseRoleAssignment -WorkspaceName '{target.WorkspaceName}' -RoleDefinitionId '{WellKnownRoles.SynapseUser}' -ObjectId '{callerId ?? "<your object id>"}'; then run the test again." + NoRepair,
                null);
        }

        return Undecided(id, title, WorkspaceScope, requirement, assignments.Error!, false, principal);
    }

    private PrerequisiteResult RoleCheck(
        string id,
        string title,
        PrerequisitePrincipal principal,
        string scope,
        string requirement,
        string? lookupError,
        Outcome<IReadOnlyList<RoleAssignment>>? assignments,
        Outcome<IReadOnlyList<DenyAssignment>>? denies,
        IReadOnlyDictionary<string, RoleDefinition> definitions,
        IReadOnlyList<string> actions,
        bool dataPlane,
        string roleId,
        string repairScope,
        string? documentedScope = null)
    {
        if (principal.ObjectId is null || assignments is null || denies is null)
        {
            return Undecided(id, title, scope, requirement, lookupError ?? "The principal is not known.", false, principal, UnknownPrincipalFix(principal));
        }

        if (!assignments.Succeeded)
        {
            return Undecided(id, title, scope, requirement, $"Role assignments could not be listed: {assignments.Error}", false, principal);
        }

        if (!denies.Succeeded)
        {
            return Undecided(id, title, scope, requirement, $"Deny assignments could not be listed: {denies.Error}", false, principal);
        }

        var result = EffectiveAccess.Evaluate(actions, dataPlane, assignments.Value!, definitions, denies.Value!);
        var roleName = WellKnownRoles.NameOf(roleId);
        var fix = $"New-AzRoleAssignment -ObjectId '{principal.ObjectId}' -RoleDefinitionName '{roleName}' -Scope '{repairScope}'";
        if (result.Decision == AccessDecision.Granted && documentedScope is not null && result.GrantingAssignments.All(a => IsBelow(a.Scope, documentedScope)))
        {
            return new PrerequisiteResult(id, title, principal, scope, requirement, PrerequisiteStatus.Warning,
                $"{result.Reason} This is below the storage account, where the documentation asks for {roleName}: Customer Insights may need the account-level role for other containers and for user delegation keys.",
                $"New-AzRoleAssignment -ObjectId '{principal.ObjectId}' -RoleDefinitionName '{roleName}' -Scope '{documentedScope}'" + NoRepair, null);
        }

        return result.Decision switch
        {
            AccessDecision.Granted => Pass(id, title, principal, scope, requirement, result.Reason),
            AccessDecision.Undetermined => new PrerequisiteResult(id, title, principal, scope, requirement, PrerequisiteStatus.Unknown, result.Reason, fix, null),
            AccessDecision.Denied => Fail(id, title, principal, scope, requirement, result.Reason, "A deny assignment is managed by Azure (for example a managed application or Blueprint); remove its cause." + NoRepair, null),
            _ => Fail(id, title, principal, scope, requirement, result.Reason, fix + " (Repair-CISynapsePrerequisite can do this.)",
                new RepairAction(RepairKind.ArmRoleAssignment, repairScope, roleId, roleName, principal.ObjectId, principal.AzurePrincipalType)),
        };
    }

    private static PrerequisiteResult Pass(string id, string title, PrerequisitePrincipal principal, string scope, string requirement, string reason) =>
        new(id, title, principal, scope, requirement, PrerequisiteStatus.Passed, reason, string.Empty, null);

    private static PrerequisiteResult Fail(string id, string title, PrerequisitePrincipal principal, string scope, string requirement, string reason, string remediation, RepairAction? repair, PrerequisiteStatus status = PrerequisiteStatus.Failed) =>
        new(id, title, principal, scope, requirement, status, reason, remediation, repair);

    /// <summary>A check whose input could not be read: Failed when the resource does not exist, Unknown otherwise.</summary>
    private static PrerequisiteResult Undecided(string id, string title, string scope, string requirement, string error, bool notFound, PrerequisitePrincipal? principal = null, string? fix = null) =>
        new(id, title, principal ?? PrerequisitePrincipal.None, scope, requirement, notFound ? PrerequisiteStatus.Failed : PrerequisiteStatus.Unknown,
            notFound ? $"Not found: {error}" : $"Could not be decided: {error}",
            fix ?? (notFound ? "Check the connection's subscription, workspace and storage account." : "Make sure the signed-in account can read role assignments (Reader or User Access Administrator on the scope) and try again."),
            null);

    /// <summary>What to do when a principal's object id is unknown, so its roles cannot be listed.</summary>
    private static string UnknownPrincipalFix(PrerequisitePrincipal principal) => principal.Kind switch
    {
        PrincipalKind.ServicePrincipal => "Make sure the Customer Insights service principal exists (see ServicePrincipalExists), or pass its object id with -ServicePrincipalObjectId when Microsoft Graph cannot be read.",
        PrincipalKind.User => "Pass the user's object id with -UserObjectId when the sign-in token does not carry it.",
        PrincipalKind.WorkspaceIdentity => "Turn on the workspace's system-assigned managed identity, and make sure the signed-in account can read the workspace.",
        _ => "Pass the object id of the principal.",
    };

    private static string Describe(PrerequisitePrincipal principal) => principal.Kind switch
    {
        PrincipalKind.ServicePrincipal => "The Customer Insights service principal",
        PrincipalKind.User => "The user",
        PrincipalKind.WorkspaceIdentity => "The workspace managed identity",
        PrincipalKind.QueryUser => principal.IsGroup ? $"Query group {principal.ObjectId}" : $"Query user {principal.ObjectId}",
        _ => "Nobody",
    };

    private static bool IsBelow(string scope, string parent) =>
        scope.TrimEnd('/').StartsWith(parent.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);

    private static string ResourceGroupOf(string resourceId) => AzureResourceId.Parse(resourceId).ResourceGroup ?? string.Empty;
}
