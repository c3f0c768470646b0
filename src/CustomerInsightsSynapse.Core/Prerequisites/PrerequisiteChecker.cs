using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// Runs every prerequisite check of the export against Azure in three rounds of concurrent requests:
/// (1) the subscription, workspace, storage account, container, the Customer Insights service principal and what the
/// directory says the named principals are (user, group or service principal);
/// (2) the role assignments that apply to each principal, the deny assignments at each scope, each principal's
/// groups, the workspace firewall, the Synapse role assignments and (when the account is not the default data lake)
/// the linked services; (3) each role definition those assignments use, fetched once, as soon as the assignments are in
/// (not after the rest of round 2).
/// Role assignments of a user or service principal are listed with <c>atScope() and assignedTo('{id}')</c>, which
/// Azure expands over groups; a group (assignedTo() refuses one) gets the assignments at or above the scope made to
/// it or to a group it is in. Deny assignments are listed with <c>atScope()</c> (assignedTo() is not a deny
/// assignment filter) and matched to the principal and its groups here.
/// Failed checks are results, not exceptions.
/// </summary>
public sealed class PrerequisiteChecker
{
    private readonly AzureRestClient _arm;
    private readonly ArmResourceReader? _sharedResources;
    private readonly AzureRestClient _graph;
    private readonly Func<Uri, AzureRestClient> _synapse;
    private readonly Func<CancellationToken, Task<SignedInIdentity>> _signedIn;
    private readonly Func<Uri, string, CancellationToken, Task>? _probeContainer;
    private readonly Func<string, CancellationToken, Task<SqlRights>>? _probeSql;

    /// <param name="session">The signed-in session.</param>
    /// <param name="resources">
    /// The reader of the storage account and workspace when another part of the same run shares it (each is then read
    /// once for all tests); without it every test reads them afresh.
    /// </param>
    public PrerequisiteChecker(AzureSession session, ArmResourceReader? resources = null)
        : this(
            session.CreateResourceManagerClient(),
            session.CreateGraphClient(),
            endpoint => session.CreateRestClient(endpoint, session.Cloud.SynapseAudience),
            async ct =>
            {
                var claims = await session.GetIdentityAsync(session.Cloud.ResourceManagerAudience, ct).ConfigureAwait(false);
                return new SignedInIdentity(claims.ObjectId, claims.PrincipalType);
            },
            (endpoint, container, ct) => session.CreateBlobClientFactory().Container(endpoint, container).GetPropertiesAsync(cancellationToken: ct),
            (endpoint, ct) => SqlRightsCheck.ProbeAsync(
                new Sql.SqlScriptExecutor(Sql.SqlEndpoint.Parse(endpoint), session.Credential, session.Cloud.SqlAudience, new Sql.SqlExecutorOptions { MaxAttempts = 1, ConnectTimeout = TimeSpan.FromSeconds(15) }),
                ct),
            resources)
    {
    }

    /// <summary>
    /// With <paramref name="probeContainer"/> (reads the container's properties from this computer) the checker also
    /// tests the storage network rules (StorageNetworkAllowsCaller); without it that check is left out. With
    /// <paramref name="probeSql"/> (asks master on the workspace's serverless SQL endpoint what the signed-in account may
    /// do) it also tests the user's SQL rights (UserSqlRights); without it that check is left out.
    /// </summary>
    internal PrerequisiteChecker(AzureRestClient arm, AzureRestClient graph, Func<Uri, AzureRestClient> synapse, Func<CancellationToken, Task<SignedInIdentity>> signedIn,
        Func<Uri, string, CancellationToken, Task>? probeContainer = null, Func<string, CancellationToken, Task<SqlRights>>? probeSql = null, ArmResourceReader? resources = null)
    {
        _arm = arm;
        _sharedResources = resources;
        _graph = graph;
        _synapse = synapse;
        _signedIn = signedIn;
        _probeContainer = probeContainer;
        _probeSql = probeSql;
    }

    /// <summary>How many rounds of requests the last run needed (at most three).</summary>
    public int Rounds { get; private set; }

    public async Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context)
    {
        var ct = context.CancellationToken;
        Rounds = 0;
        const int activity = ProgressIds.PrerequisiteTest;
        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading the workspace, storage account and principals", 0));

        // Round 1.
        Rounds++;
        // Without a reader shared with the rest of a run, each test reads the resources afresh.
        var resources = _sharedResources ?? new ArmResourceReader(_arm);
        var subscriptionTask = Fetch(() => _arm.GetAsync(ArmPaths.Subscription(target.SubscriptionId), ct));
        var workspaceTask = FetchValue(() => resources.WorkspaceAsync(target.WorkspaceResourceId, ct));
        var storageTask = FetchValue(() => resources.StorageAccountAsync(target.StorageAccountResourceId, ct));
        var containerTask = Fetch(() => _arm.GetAsync(ArmPaths.Container(target.ContainerScope), ct));
        var servicePrincipalTask = target.ServicePrincipalObjectId is { } given
            ? Task.FromResult(Outcome<(string? Id, string? Name)>.Of((given, null)))
            : FetchValue(() => FindServicePrincipalAsync(target.ServicePrincipalAppId, ct));
        var userTask = target.UserObjectId is { } user
            ? Task.FromResult(Outcome<SignedInIdentity>.Of(new SignedInIdentity(user, null)))
            : FetchValue(() => _signedIn(ct));
        var namedIds = new[] { target.UserObjectId }.Concat(target.QueryUserObjectIds).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var namedTask = LookUpAsync(namedIds, ct);
        await Task.WhenAll(subscriptionTask, workspaceTask, storageTask, containerTask, servicePrincipalTask, userTask, namedTask).ConfigureAwait(false);

        using var subscription = subscriptionTask.Result.Value;
        var workspace = workspaceTask.Result.Value;
        var storage = storageTask.Result.Value;
        using var container = containerTask.Result.Value;
        var (spId, spName) = servicePrincipalTask.Result.Value;
        var userId = userTask.Result.Value?.ObjectId;
        var miId = workspace?.ManagedIdentityPrincipalId;
        var named = namedTask.Result.Value ?? new Dictionary<string, DirectoryEntry>();
        string? TypeOf(string? id) => id is not null && named.TryGetValue(id, out var entry) ? entry.Type : null;

        var servicePrincipal = new PrerequisitePrincipal(PrincipalKind.ServicePrincipal, spId, spName ?? "Dynamics 365 AI for Customer Insights") { DirectoryType = "ServicePrincipal" };
        var signedInUser = new PrerequisitePrincipal(PrincipalKind.User, userId, null) { DirectoryType = TypeOf(userId) ?? userTask.Result.Value?.PrincipalType };
        var workspaceIdentity = new PrerequisitePrincipal(PrincipalKind.WorkspaceIdentity, miId, $"{target.WorkspaceName} (workspace managed identity)") { DirectoryType = "ServicePrincipal" };
        var queryUsers = target.QueryUserObjectIds.Select(id => new PrerequisitePrincipal(PrincipalKind.QueryUser, id, null) { DirectoryType = TypeOf(id) }).ToArray();

        // Round 2.
        Rounds++;
        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading role assignments, deny assignments and firewall rules", 33));
        var storagePrincipals = new[] { servicePrincipal, signedInUser, workspaceIdentity }.Concat(queryUsers).Where(p => p.ObjectId is not null).ToArray();
        var groupPrincipals = new[] { servicePrincipal, signedInUser }.Where(p => p.ObjectId is not null).ToArray();
        var containerScopeList = storagePrincipals.Any(p => p.IsGroup) ? ListAssignmentsAsync(target.ContainerScope, null, ct) : null;
        var containerAssignments = storagePrincipals.Where(p => !p.IsGroup).ToDictionary(p => p, p => ListAssignmentsAsync(target.ContainerScope, p.ObjectId!, ct));
        var groupAssignments = groupPrincipals.Where(p => !p.IsGroup).ToDictionary(p => p, p => ListAssignmentsAsync(target.WorkspaceResourceGroupScope, p.ObjectId!, ct));
        var groupScopeList = groupPrincipals.Any(p => p.IsGroup) ? ListAssignmentsAsync(target.WorkspaceResourceGroupScope, null, ct) : null;
        var containerDenies = ListDenyAssignmentsAsync(target.ContainerScope, ct);
        var groupDenies = ListDenyAssignmentsAsync(target.WorkspaceResourceGroupScope, ct);
        var memberOf = storagePrincipals.Select(p => p.ObjectId!).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(id => id, id => FetchValue(() => ListGroupIdsAsync(id, ct)), StringComparer.OrdinalIgnoreCase);
        var firewallTask = workspace is null
            ? Task.FromResult(Outcome<IReadOnlyList<JsonElement>>.Of([]))
            : FetchValue(() => _arm.ListAllAsync(ArmPaths.FirewallRules(target.WorkspaceResourceId), ct));
        var synapseEndpoint = workspace?.DevEndpointUri;
        var synapseTask = synapseEndpoint is null
            ? Task.FromResult(Outcome<IReadOnlyList<SynapseRoleAssignment>>.Failed("The workspace reports no development endpoint."))
            : FetchValue(() => ListSynapseAssignmentsAsync(synapseEndpoint, ct));
        var storageName = AzureResourceId.Parse(target.StorageAccountResourceId, "storage account id").Name ?? target.StorageAccountResourceId;
        var linkedServicesTask = workspace is null || synapseEndpoint is null || workspace.DefaultDataLake.Is(target.StorageAccountResourceId, storageName)
            ? null
            : FetchValue(() => _synapse(synapseEndpoint).ListAllAsync(ArmPaths.SynapseLinkedServices(), ct));
        var blobEndpoint = storage?.BlobEndpoint;
        var probeTask = _probeContainer is null
            ? null
            : blobEndpoint is not null && Uri.TryCreate(blobEndpoint, UriKind.Absolute, out var blobUri)
                ? ProbeAsync(blobUri, target.Container, ct)
                : Task.FromResult(Outcome<bool>.Failed(storageTask.Result.Error ?? "The storage account reports no blob endpoint."));
        var sqlEndpoint = workspace?.SqlOnDemandEndpoint;
        // The probe signs in as the signed-in account: it says nothing about another user named with -UserObjectId.
        // SqlClient does part of a login synchronously: on the thread pool it cannot hold back the round's other requests.
        var sqlProbeTask = _probeSql is null || sqlEndpoint is null || target.UserObjectId is not null
            ? null
            : Task.Run(() => SqlRightsCheck.TryProbeAsync(c => _probeSql(sqlEndpoint, c), ct), ct);
        var unnamed = userId is not null && !named.ContainsKey(userId) ? new[] { userId } : [];
        var namesTask = LookUpAsync(unnamed, ct);
        // Round 3 needs only the assignments (and a group's groups): it starts as soon as they are in, while the rest
        // of round 2 (the SQL probe's login, Graph, the firewall) may still be answering.
        var listings = new List<Task>(containerAssignments.Values);
        listings.AddRange(groupAssignments.Values);
        listings.AddRange(memberOf.Values);
        listings.AddRange(new Task?[] { containerScopeList, groupScopeList }.OfType<Task>());
        var round3 = ReadDefinitionsAsync();
        var round2 = new List<Task> { firewallTask, synapseTask, namesTask, containerDenies, groupDenies, round3 };
        if (linkedServicesTask is not null)
        {
            round2.Add(linkedServicesTask);
        }

        round2.AddRange(new Task?[] { probeTask, sqlProbeTask }.OfType<Task>());
        await Task.WhenAll(round2).ConfigureAwait(false);
        var (containerOutcomes, groupOutcomes, definitions) = round3.Result;

        Outcome<IReadOnlyList<string>> GroupsOf(PrerequisitePrincipal p) =>
            p.ObjectId is not null && memberOf.TryGetValue(p.ObjectId, out var groups) ? groups.Result : Outcome<IReadOnlyList<string>>.Of([]);
        Outcome<IReadOnlyList<RoleAssignment>> AssignmentsOf(PrerequisitePrincipal p, Dictionary<PrerequisitePrincipal, Task<Outcome<IReadOnlyList<RoleAssignment>>>> byPrincipal, Task<Outcome<IReadOnlyList<RoleAssignment>>>? scopeList) =>
            p.IsGroup ? ForGroup(p.ObjectId!, scopeList!.Result, GroupsOf(p)) : byPrincipal[p].Result;

        async Task<(Dictionary<PrerequisitePrincipal, Outcome<IReadOnlyList<RoleAssignment>>> Container, Dictionary<PrerequisitePrincipal, Outcome<IReadOnlyList<RoleAssignment>>> Group, Dictionary<string, RoleDefinition> Definitions)> ReadDefinitionsAsync()
        {
            await Task.WhenAll(listings).ConfigureAwait(false);
            var container = storagePrincipals.ToDictionary(p => p, p => AssignmentsOf(p, containerAssignments, containerScopeList));
            var group = groupPrincipals.ToDictionary(p => p, p => AssignmentsOf(p, groupAssignments, groupScopeList));

            // Round 3: each role definition once.
            Rounds++;
            context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading role definitions", 66));
            var definitionIds = container.Values.Concat(group.Values)
                .Where(o => o.Succeeded)
                .SelectMany(o => o.Value!)
                .GroupBy(a => a.RoleGuid)
                .ToDictionary(g => g.Key, g => g.First().RoleDefinitionId);
            var definitionTasks = definitionIds.ToDictionary(
                kv => kv.Key,
                kv => FetchValue(async () =>
                {
                    using var response = await _arm.GetAsync(ArmPaths.RoleDefinition(kv.Value), ct).ConfigureAwait(false);
                    return RoleDefinition.FromJson(response.Root);
                }));
            await Task.WhenAll(definitionTasks.Values).ConfigureAwait(false);
            return (container, group, definitionTasks.Where(kv => kv.Value.Result.Succeeded).ToDictionary(kv => kv.Key, kv => kv.Value.Result.Value!));
        }

        // Display names are a courtesy: when Graph cannot be read the results carry object ids only.
        var names = named.Concat(namesTask.Result.Value ?? new Dictionary<string, DirectoryEntry>())
            .GroupBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
        PrerequisitePrincipal Named(PrerequisitePrincipal p) =>
            p.ObjectId is not null && names.TryGetValue(p.ObjectId, out var entry)
                ? p with { DisplayName = p.DisplayName ?? entry.DisplayName, DirectoryType = entry.Type ?? p.DirectoryType }
                : p;

        var spLookupError = servicePrincipalTask.Result.Error
            ?? (spId is null ? $"No service principal has app id {target.ServicePrincipalAppId} in this tenant (see ServicePrincipalExists), so it holds no role." : null);
        var results = new List<PrerequisiteResult>();
        var rules = new PrerequisiteRules(target, storageName);

        results.Add(rules.Subscription(subscriptionTask.Result));
        results.Add(rules.Container(containerTask.Result));
        results.Add(rules.HierarchicalNamespace(storageTask.Result));
        results.Add(rules.StorageLinked(workspaceTask.Result, linkedServicesTask?.Result));
        results.Add(rules.StorageFirewall(storageTask.Result));
        if (probeTask is not null)
        {
            results.Add(rules.StorageNetwork(storageTask.Result, probeTask.Result));
        }

        results.Add(rules.WorkspaceFirewall(workspaceTask.Result, firewallTask.Result));
        results.Add(WorkspaceNetworkCheck.Evaluate(target, workspaceTask.Result, synapseTask.Result));
        results.Add(rules.ServicePrincipalFound(servicePrincipalTask.Result, servicePrincipal));

        foreach (var principal in new[] { servicePrincipal, signedInUser, workspaceIdentity })
        {
            var lookup = principal.Kind switch
            {
                PrincipalKind.ServicePrincipal => spLookupError,
                PrincipalKind.User => userTask.Result.Error,
                _ => workspaceTask.Result.Error ?? (miId is null ? "The workspace has no system-assigned managed identity." : null),
            };
            results.Add(rules.StorageAccess(
                Named(principal),
                lookup,
                principal.ObjectId is null ? null : containerOutcomes[principal],
                principal.ObjectId is null ? null : DeniesFor(principal, containerDenies.Result, GroupsOf(principal)),
                definitions,
                WellKnownRoles.StorageBlobDataContributor,
                WellKnownRoles.BlobContributorDataActions));
        }

        foreach (var principal in new[] { servicePrincipal, signedInUser })
        {
            var lookup = principal.Kind == PrincipalKind.ServicePrincipal ? spLookupError : userTask.Result.Error;
            results.Add(rules.ResourceGroupReader(
                Named(principal),
                lookup,
                principal.ObjectId is null ? null : groupOutcomes[principal],
                principal.ObjectId is null ? null : DeniesFor(principal, groupDenies.Result, GroupsOf(principal)),
                definitions));
        }

        results.Add(rules.SynapseAdministrator(servicePrincipal, spLookupError, synapseTask.Result, GroupsOf(servicePrincipal), synapseEndpoint, userId));
        results.Add(rules.SynapsePrincipalTypes(synapseTask.Result, userId));
        if (_probeSql is not null)
        {
            results.Add(SqlRightsCheck.Evaluate(target, Named(signedInUser), sqlEndpoint, sqlProbeTask?.Result, synapseEndpoint));
        }

        foreach (var principal in queryUsers)
        {
            results.Add(rules.StorageAccess(
                Named(principal),
                null,
                containerOutcomes[principal],
                DeniesFor(principal, containerDenies.Result, GroupsOf(principal)),
                definitions,
                WellKnownRoles.StorageBlobDataReader,
                WellKnownRoles.BlobReaderDataActions));
        }

        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Done", 100, Completed: true));
        return results;
    }

    /// <summary>
    /// Reads the container's properties from this computer. True when the request got through the storage firewall:
    /// any answer but 403 AuthorizationFailure (one about roles, AuthorizationPermissionMismatch, or ContainerNotFound
    /// came from behind it); failed with the status and error code, or the connection error, otherwise.
    /// </summary>
    private async Task<Outcome<bool>> ProbeAsync(Uri blobEndpoint, string container, CancellationToken ct)
    {
        try
        {
            await _probeContainer!(blobEndpoint, container, ct).ConfigureAwait(false);
            return Outcome<bool>.Of(true);
        }
        catch (global::Azure.RequestFailedException ex) when (!(ex.Status == 403 && ex.ErrorCode == StorageNetworkRefusal))
        {
            return Outcome<bool>.Of(true);
        }
        catch (global::Azure.RequestFailedException ex)
        {
            return Outcome<bool>.Failed(ex.ErrorCode ?? $"HTTP {ex.Status}", ex.Status);
        }
        catch (Exception ex) when (ex is HttpRequestException or global::Azure.Identity.AuthenticationFailedException or AggregateException)
        {
            return Outcome<bool>.Failed(ex.Message);
        }
        catch (CISynapseException ex) when (ex.ErrorId is ErrorIds.AuthenticationFailed or ErrorIds.NotConnected or ErrorIds.AccessTokenExpired)
        {
            return Outcome<bool>.Failed(ex.Message);
        }
    }

    /// <summary>The storage error code of a request its network rules refuse.</summary>
    internal const string StorageNetworkRefusal = "AuthorizationFailure";

    /// <summary>A group's assignments among those at or above the scope: made to it or to a group it is in.</summary>
    private static Outcome<IReadOnlyList<RoleAssignment>> ForGroup(string groupId, Outcome<IReadOnlyList<RoleAssignment>> atScope, Outcome<IReadOnlyList<string>> groups)
    {
        if (!atScope.Succeeded)
        {
            return atScope;
        }

        if (!groups.Succeeded)
        {
            return Outcome<IReadOnlyList<RoleAssignment>>.Failed($"the groups that group {groupId} is a member of could not be read: {groups.Error}", groups.Status);
        }

        var identities = new HashSet<string>(groups.Value!, StringComparer.OrdinalIgnoreCase) { groupId };
        return Outcome<IReadOnlyList<RoleAssignment>>.Of(atScope.Value!.Where(a => identities.Contains(a.PrincipalId)).ToArray());
    }

    /// <summary>
    /// The deny assignments at a scope that apply to a principal: to everyone or to it or one of its groups, and
    /// excluding neither. When its groups are unknown and a deny assignment names someone else, the answer is unknown.
    /// </summary>
    private static Outcome<IReadOnlyList<DenyAssignment>> DeniesFor(PrerequisitePrincipal principal, Outcome<IReadOnlyList<DenyAssignment>> atScope, Outcome<IReadOnlyList<string>> groups)
    {
        if (!atScope.Succeeded)
        {
            return atScope;
        }

        var identities = new HashSet<string>(groups.Value ?? [], StringComparer.OrdinalIgnoreCase) { principal.ObjectId! };
        var applying = atScope.Value!.Where(d => d.AppliesTo(identities)).ToArray();
        if (!groups.Succeeded)
        {
            var naming = atScope.Value!.Where(d => !d.AppliesTo(identities) && d.PrincipalIds.Any(id => !identities.Contains(id))).Select(d => $"'{d.Name}'").ToArray();
            if (naming.Length > 0)
            {
                return Outcome<IReadOnlyList<DenyAssignment>>.Failed(
                    $"the deny assignments {string.Join(", ", naming)} name groups, and the groups of {principal.ObjectId} could not be read: {groups.Error}", groups.Status);
            }
        }

        return Outcome<IReadOnlyList<DenyAssignment>>.Of(applying);
    }

    private async Task<(string? Id, string? Name)> FindServicePrincipalAsync(string appId, CancellationToken ct)
    {
        var filter = Uri.EscapeDataString($"appId eq '{appId}'");
        using var response = await _graph.GetAsync($"v1.0/servicePrincipals?$filter={filter}&$select=id,appId,displayName", ct).ConfigureAwait(false);
        var first = TolerantJson.Array(response.Root, "value").FirstOrDefault();
        return first.ValueKind == JsonValueKind.Object ? (TolerantJson.String(first, "id"), TolerantJson.String(first, "displayName")) : (null, null);
    }

    /// <summary>What the directory says each id is (type and display name); empty when there is nothing to ask or Graph cannot be read.</summary>
    private async Task<Outcome<IReadOnlyDictionary<string, DirectoryEntry>>> LookUpAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return Outcome<IReadOnlyDictionary<string, DirectoryEntry>>.Of(new Dictionary<string, DirectoryEntry>());
        }

        return await FetchValue<IReadOnlyDictionary<string, DirectoryEntry>>(async () =>
        {
            using var response = await _graph.PostAsync("v1.0/directoryObjects/getByIds", new { ids, types = new[] { "user", "group", "servicePrincipal" } }, ct).ConfigureAwait(false);
            var found = new Dictionary<string, DirectoryEntry>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in TolerantJson.Array(response.Root, "value"))
            {
                if (TolerantJson.String(item, "id") is { } id)
                {
                    found[id] = new DirectoryEntry(DirectoryTypeOf(TolerantJson.String(item, "@odata.type")), TolerantJson.String(item, "displayName"));
                }
            }

            return found;
        }).ConfigureAwait(false);
    }

    private static string? DirectoryTypeOf(string? odataType) => odataType?.ToLowerInvariant() switch
    {
        "#microsoft.graph.user" => "User",
        "#microsoft.graph.group" => "Group",
        "#microsoft.graph.serviceprincipal" => "ServicePrincipal",
        _ => null,
    };

    /// <summary>The security groups a user, group or service principal is in, transitively (Graph getMemberGroups).</summary>
    private async Task<IReadOnlyList<string>> ListGroupIdsAsync(string objectId, CancellationToken ct)
    {
        using var response = await _graph.PostAsync($"v1.0/directoryObjects/{Uri.EscapeDataString(objectId)}/getMemberGroups", new { securityEnabledOnly = true }, ct).ConfigureAwait(false);
        return TolerantJson.Array(response.Root, "value").Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray();
    }

    /// <summary>Assignments at or above the scope: those that apply to the principal (groups included), or all of them when it is null.</summary>
    private Task<Outcome<IReadOnlyList<RoleAssignment>>> ListAssignmentsAsync(string scope, string? principalId, CancellationToken ct) =>
        FetchValue(async () =>
        {
            var filter = principalId is null ? "atScope()" : $"atScope() and assignedTo('{principalId}')";
            var items = await _arm.ListAllAsync(ArmPaths.RoleAssignments(scope, filter), ct).ConfigureAwait(false);
            return (IReadOnlyList<RoleAssignment>)items.Select(RoleAssignment.FromJson).ToArray();
        });

    /// <summary>Deny assignments at or above the scope that reach it (whoever they name).</summary>
    private Task<Outcome<IReadOnlyList<DenyAssignment>>> ListDenyAssignmentsAsync(string scope, CancellationToken ct) =>
        FetchValue(async () =>
        {
            var items = await _arm.ListAllAsync(ArmPaths.DenyAssignments(scope, "atScope()"), ct).ConfigureAwait(false);
            return (IReadOnlyList<DenyAssignment>)items.Select(DenyAssignment.FromJson).Where(d => d.AppliesAt(scope)).ToArray();
        });

    private async Task<IReadOnlyList<SynapseRoleAssignment>> ListSynapseAssignmentsAsync(Uri endpoint, CancellationToken ct)
    {
        var items = await _synapse(endpoint).ListWithContinuationAsync(ArmPaths.SynapseRoleAssignments(), ct).ConfigureAwait(false);
        return items.Select(SynapseRoleAssignment.FromJson).ToArray();
    }

    private static async Task<Outcome<AzureResponse?>> Fetch(Func<Task<AzureResponse>> request)
    {
        try
        {
            return Outcome<AzureResponse?>.Of(await request().ConfigureAwait(false));
        }
        catch (AzureRequestException ex)
        {
            return Outcome<AzureResponse?>.Failed(ex.Message, ex.Status, ex.AzureErrorCode);
        }
        catch (CISynapseException ex) when (ex is not NotSignedInException && ex.ErrorId is ErrorIds.AzureRequestFailed or ErrorIds.AuthenticationFailed or ErrorIds.NotConnected or ErrorIds.AccessTokenExpired)
        {
            return Outcome<AzureResponse?>.Failed(ex.Message);
        }
    }

    private static async Task<Outcome<T>> FetchValue<T>(Func<Task<T>> request)
    {
        try
        {
            return Outcome<T>.Of(await request().ConfigureAwait(false));
        }
        catch (AzureRequestException ex)
        {
            return Outcome<T>.Failed(ex.Message, ex.Status, ex.AzureErrorCode);
        }
        catch (CISynapseException ex) when (ex is not NotSignedInException && ex.ErrorId is ErrorIds.AzureRequestFailed or ErrorIds.AuthenticationFailed or ErrorIds.NotConnected or ErrorIds.AccessTokenExpired)
        {
            return Outcome<T>.Failed(ex.Message);
        }
    }
}

/// <summary>Who the signed-in account is: its object id and, from its token, whether it is a user or an application.</summary>
internal sealed record SignedInIdentity(string? ObjectId, string? PrincipalType);

/// <summary>A directory object's type (User, Group, ServicePrincipal) and display name.</summary>
internal sealed record DirectoryEntry(string? Type, string? DisplayName);

/// <summary>A request's value, or why there is none (with the HTTP status when Azure answered).</summary>
internal sealed record Outcome<T>(T? Value, string? Error, int? Status, string? Code = null)
{
    public bool Succeeded => Error is null;

    public bool NotFound => Status == 404;

    public static Outcome<T> Of(T value) => new(value, null, null);

    public static Outcome<T> Failed(string error, int? status = null, string? code = null) => new(default, error, status, code);
}
