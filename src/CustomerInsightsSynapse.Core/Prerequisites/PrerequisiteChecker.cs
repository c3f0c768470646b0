using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// Runs every prerequisite check of the export against Azure in three rounds of concurrent requests:
/// (1) the subscription, workspace, storage account, container and the Customer Insights service principal;
/// (2) the role and deny assignments that apply to each principal, the workspace firewall, the Synapse role
/// assignments, group memberships and (when the account is not the default data lake) the linked services; (3) each role definition those assignments use, fetched once.
/// Failed checks are results, not exceptions.
/// </summary>
public sealed class PrerequisiteChecker
{
    private readonly AzureRestClient _arm;
    private readonly AzureRestClient _graph;
    private readonly Func<Uri, AzureRestClient> _synapse;
    private readonly Func<CancellationToken, Task<string?>> _signedInObjectId;

    public PrerequisiteChecker(AzureSession session)
        : this(
            session.CreateResourceManagerClient(),
            session.CreateGraphClient(),
            endpoint => session.CreateRestClient(endpoint, session.Cloud.SynapseAudience),
            async ct => (await session.GetIdentityAsync(session.Cloud.ResourceManagerAudience, ct).ConfigureAwait(false)).ObjectId)
    {
    }

    internal PrerequisiteChecker(AzureRestClient arm, AzureRestClient graph, Func<Uri, AzureRestClient> synapse, Func<CancellationToken, Task<string?>> signedInObjectId)
    {
        _arm = arm;
        _graph = graph;
        _synapse = synapse;
        _signedInObjectId = signedInObjectId;
    }

    /// <summary>How many rounds of requests the last run needed (at most three).</summary>
    public int Rounds { get; private set; }

    public async Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context)
    {
        var ct = context.CancellationToken;
        Rounds = 0;
        const int activity = 1;
        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading the workspace, storage account and principals", 0));

        // Round 1.
        Rounds++;
        var subscriptionTask = Fetch(() => _arm.GetAsync($"subscriptions/{target.SubscriptionId}?api-version={ApiVersions.Subscriptions}", ct));
        var workspaceTask = Fetch(() => _arm.GetAsync($"{target.WorkspaceResourceId.TrimStart('/')}?api-version={ApiVersions.Synapse}", ct));
        var storageTask = Fetch(() => _arm.GetAsync($"{target.StorageAccountResourceId.TrimStart('/')}?api-version={ApiVersions.Storage}", ct));
        var containerTask = Fetch(() => _arm.GetAsync($"{target.ContainerScope.TrimStart('/')}?api-version={ApiVersions.Storage}", ct));
        var servicePrincipalTask = target.ServicePrincipalObjectId is { } given
            ? Task.FromResult(Outcome<(string? Id, string? Name)>.Of((given, null)))
            : FetchValue(() => FindServicePrincipalAsync(target.ServicePrincipalAppId, ct));
        var userTask = target.UserObjectId is { } user
            ? Task.FromResult(Outcome<string?>.Of(user))
            : FetchValue(() => _signedInObjectId(ct));
        await Task.WhenAll(subscriptionTask, workspaceTask, storageTask, containerTask, servicePrincipalTask, userTask).ConfigureAwait(false);

        using var subscription = subscriptionTask.Result.Value;
        using var workspace = workspaceTask.Result.Value;
        using var storage = storageTask.Result.Value;
        using var container = containerTask.Result.Value;
        var (spId, spName) = servicePrincipalTask.Result.Value;
        var userId = userTask.Result.Value;
        var miId = workspace is null ? null : Json.String(Json.Object(workspace.Root, "identity"), "principalId");
        var devEndpoint = workspace is null ? null : Json.String(Json.Object(Json.Object(workspace.Root, "properties"), "connectivityEndpoints"), "dev");

        var servicePrincipal = new PrerequisitePrincipal(PrincipalKind.ServicePrincipal, spId, spName ?? "Dynamics 365 AI for Customer Insights");
        var signedInUser = new PrerequisitePrincipal(PrincipalKind.User, userId, null);
        var workspaceIdentity = new PrerequisitePrincipal(PrincipalKind.WorkspaceIdentity, miId, $"{target.WorkspaceName} (workspace managed identity)");
        var queryUsers = target.QueryUserObjectIds.Select(id => new PrerequisitePrincipal(PrincipalKind.QueryUser, id, null)).ToArray();

        // Round 2.
        Rounds++;
        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading role assignments, deny assignments and firewall rules", 33));
        var storagePrincipals = new[] { servicePrincipal, signedInUser, workspaceIdentity }.Concat(queryUsers).Where(p => p.ObjectId is not null).ToArray();
        var groupPrincipals = new[] { servicePrincipal, signedInUser }.Where(p => p.ObjectId is not null).ToArray();
        var containerAssignments = storagePrincipals.ToDictionary(p => p, p => ListAssignmentsAsync(target.ContainerScope, p.ObjectId!, ct));
        var containerDenies = storagePrincipals.ToDictionary(p => p, p => ListDenyAssignmentsAsync(target.ContainerScope, p.ObjectId!, ct));
        var groupAssignments = groupPrincipals.ToDictionary(p => p, p => ListAssignmentsAsync(target.WorkspaceResourceGroupScope, p.ObjectId!, ct));
        var groupDenies = groupPrincipals.ToDictionary(p => p, p => ListDenyAssignmentsAsync(target.WorkspaceResourceGroupScope, p.ObjectId!, ct));
        var firewallTask = workspace is null
            ? Task.FromResult(Outcome<IReadOnlyList<JsonElement>>.Of([]))
            : FetchValue(() => _arm.ListAllAsync($"{target.WorkspaceResourceId.TrimStart('/')}/firewallRules?api-version={ApiVersions.Synapse}", ct));
        var synapseEndpoint = devEndpoint is not null && Uri.TryCreate(devEndpoint, UriKind.Absolute, out var dev) ? dev : null;
        var synapseTask = synapseEndpoint is null
            ? Task.FromResult(Outcome<IReadOnlyList<SynapseRoleAssignment>>.Failed("The workspace reports no development endpoint."))
            : FetchValue(() => ListSynapseAssignmentsAsync(synapseEndpoint, ct));
        var storageName = AzureResourceId.Parse(target.StorageAccountResourceId, "storage account id").Name ?? target.StorageAccountResourceId;
        var linkedServicesTask = workspace is null || synapseEndpoint is null || ResultBuilder.IsDefaultLake(workspace.Root, target, storageName)
            ? null
            : FetchValue(() => _synapse(synapseEndpoint).ListAllAsync($"linkedservices?api-version={ApiVersions.SynapseDataPlane}", ct));
        var spGroupsTask = spId is null
            ? Task.FromResult(Outcome<IReadOnlyList<string>>.Of([]))
            : FetchValue(() => ListGroupIdsAsync($"servicePrincipals/{spId}", ct));
        var people = new[] { signedInUser }.Concat(queryUsers).Select(p => p.ObjectId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var namesTask = people.Length == 0
            ? Task.FromResult(Outcome<IReadOnlyDictionary<string, string>>.Of(new Dictionary<string, string>()))
            : FetchValue(() => FindDisplayNamesAsync(people, ct));
        var round2 = new List<Task> { firewallTask, synapseTask, spGroupsTask, namesTask };
        if (linkedServicesTask is not null)
        {
            round2.Add(linkedServicesTask);
        }

        round2.AddRange(containerAssignments.Values);
        round2.AddRange(containerDenies.Values);
        round2.AddRange(groupAssignments.Values);
        round2.AddRange(groupDenies.Values);
        await Task.WhenAll(round2).ConfigureAwait(false);

        // Round 3: each role definition once.
        Rounds++;
        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Reading role definitions", 66));
        var definitionIds = containerAssignments.Values.Concat(groupAssignments.Values)
            .Where(t => t.Result.Succeeded)
            .SelectMany(t => t.Result.Value!)
            .GroupBy(a => a.RoleGuid)
            .ToDictionary(g => g.Key, g => g.First().RoleDefinitionId);
        var definitionTasks = definitionIds.ToDictionary(
            kv => kv.Key,
            kv => FetchValue(async () =>
            {
                using var response = await _arm.GetAsync($"{kv.Value.TrimStart('/')}?api-version={ApiVersions.Authorization}", ct).ConfigureAwait(false);
                return RoleDefinition.FromJson(response.Root);
            }));
        await Task.WhenAll(definitionTasks.Values).ConfigureAwait(false);
        var definitions = definitionTasks.Where(kv => kv.Value.Result.Succeeded).ToDictionary(kv => kv.Key, kv => kv.Value.Result.Value!);

        // Display names are a courtesy: when Graph cannot be read the results carry object ids only.
        var names = namesTask.Result.Value ?? new Dictionary<string, string>();
        PrerequisitePrincipal Named(PrerequisitePrincipal p) =>
            p.DisplayName is null && p.ObjectId is not null && names.TryGetValue(p.ObjectId, out var name) ? p with { DisplayName = name } : p;

        var spLookupError = servicePrincipalTask.Result.Error
            ?? (spId is null ? $"No service principal has app id {target.ServicePrincipalAppId} in this tenant (see ServicePrincipalExists), so it holds no role." : null);
        var results = new List<PrerequisiteResult>();
        var builder = new ResultBuilder(target, storageName);

        results.Add(builder.Subscription(subscriptionTask.Result));
        results.Add(builder.Container(containerTask.Result));
        results.Add(builder.HierarchicalNamespace(storageTask.Result));
        results.Add(builder.StorageLinked(workspaceTask.Result, linkedServicesTask?.Result));
        results.Add(builder.StorageFirewall(storageTask.Result));
        results.Add(builder.WorkspaceFirewall(workspaceTask.Result, firewallTask.Result));
        results.Add(builder.ServicePrincipalFound(servicePrincipalTask.Result, servicePrincipal));

        foreach (var principal in new[] { servicePrincipal, signedInUser, workspaceIdentity })
        {
            var lookup = principal.Kind switch
            {
                PrincipalKind.ServicePrincipal => spLookupError,
                PrincipalKind.User => userTask.Result.Error,
                _ => workspaceTask.Result.Error ?? (miId is null ? "The workspace has no system-assigned managed identity." : null),
            };
            results.Add(builder.StorageAccess(
                Named(principal),
                lookup,
                principal.ObjectId is null ? null : containerAssignments[principal].Result,
                principal.ObjectId is null ? null : containerDenies[principal].Result,
                definitions,
                WellKnownRoles.StorageBlobDataContributor,
                WellKnownRoles.BlobContributorDataActions));
        }

        foreach (var principal in new[] { servicePrincipal, signedInUser })
        {
            var lookup = principal.Kind == PrincipalKind.ServicePrincipal ? spLookupError : userTask.Result.Error;
            results.Add(builder.ResourceGroupReader(
                Named(principal),
                lookup,
                principal.ObjectId is null ? null : groupAssignments[principal].Result,
                principal.ObjectId is null ? null : groupDenies[principal].Result,
                definitions));
        }

        results.Add(builder.SynapseAdministrator(servicePrincipal, spLookupError, synapseTask.Result, spGroupsTask.Result, synapseEndpoint));
        results.Add(builder.SynapsePrincipalTypes(synapseTask.Result));

        foreach (var principal in queryUsers)
        {
            results.Add(builder.StorageAccess(
                Named(principal),
                null,
                containerAssignments[principal].Result,
                containerDenies[principal].Result,
                definitions,
                WellKnownRoles.StorageBlobDataReader,
                WellKnownRoles.BlobReaderDataActions));
        }

        context.Progress.Report(new OperationProgress(activity, "Testing prerequisites", "Done", 100, Completed: true));
        return results;
    }

    private async Task<(string? Id, string? Name)> FindServicePrincipalAsync(string appId, CancellationToken ct)
    {
        var filter = Uri.EscapeDataString($"appId eq '{appId}'");
        using var response = await _graph.GetAsync($"v1.0/servicePrincipals?$filter={filter}&$select=id,appId,displayName", ct).ConfigureAwait(false);
        var first = Json.Array(response.Root, "value").FirstOrDefault();
        return first.ValueKind == JsonValueKind.Object ? (Json.String(first, "id"), Json.String(first, "displayName")) : (null, null);
    }

    private async Task<IReadOnlyDictionary<string, string>> FindDisplayNamesAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        using var response = await _graph.PostAsync("v1.0/directoryObjects/getByIds", new { ids, types = new[] { "user", "group", "servicePrincipal" } }, ct).ConfigureAwait(false);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in Json.Array(response.Root, "value"))
        {
            if (Json.String(item, "id") is { } id && Json.String(item, "displayName") is { } name)
            {
                names[id] = name;
            }
        }

        return names;
    }

    private async Task<IReadOnlyList<string>> ListGroupIdsAsync(string directoryObject, CancellationToken ct)
    {
        var groups = await _graph.ListAllAsync($"v1.0/{directoryObject}/transitiveMemberOf?$select=id", ct).ConfigureAwait(false);
        return groups.Select(g => Json.String(g, "id")).OfType<string>().ToArray();
    }

    private Task<Outcome<IReadOnlyList<RoleAssignment>>> ListAssignmentsAsync(string scope, string principalId, CancellationToken ct) =>
        FetchValue(async () =>
        {
            var filter = Uri.EscapeDataString($"atScope() and assignedTo('{principalId}')");
            var items = await _arm.ListAllAsync($"{scope.TrimStart('/')}/providers/Microsoft.Authorization/roleAssignments?api-version={ApiVersions.Authorization}&$filter={filter}", ct).ConfigureAwait(false);
            return (IReadOnlyList<RoleAssignment>)items.Select(RoleAssignment.FromJson).ToArray();
        });

    private Task<Outcome<IReadOnlyList<DenyAssignment>>> ListDenyAssignmentsAsync(string scope, string principalId, CancellationToken ct) =>
        FetchValue(async () =>
        {
            var filter = Uri.EscapeDataString($"atScope() and assignedTo('{principalId}')");
            var items = await _arm.ListAllAsync($"{scope.TrimStart('/')}/providers/Microsoft.Authorization/denyAssignments?api-version={ApiVersions.Authorization}&$filter={filter}", ct).ConfigureAwait(false);
            return (IReadOnlyList<DenyAssignment>)items.Select(DenyAssignment.FromJson).Where(d => !d.Excludes(principalId) && d.AppliesAt(scope)).ToArray();
        });

    private async Task<IReadOnlyList<SynapseRoleAssignment>> ListSynapseAssignmentsAsync(Uri endpoint, CancellationToken ct)
    {
        var items = await _synapse(endpoint).ListWithContinuationAsync($"roleAssignments?api-version={ApiVersions.SynapseDataPlane}", ct).ConfigureAwait(false);
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
            return Outcome<AzureResponse?>.Failed(ex.Message, ex.Status);
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
            return Outcome<T>.Failed(ex.Message, ex.Status);
        }
        catch (CISynapseException ex) when (ex is not NotSignedInException && ex.ErrorId is ErrorIds.AzureRequestFailed or ErrorIds.AuthenticationFailed or ErrorIds.NotConnected or ErrorIds.AccessTokenExpired)
        {
            return Outcome<T>.Failed(ex.Message);
        }
    }
}

/// <summary>A request's value, or why there is none (with the HTTP status when Azure answered).</summary>
internal sealed record Outcome<T>(T? Value, string? Error, int? Status)
{
    public bool Succeeded => Error is null;

    public bool NotFound => Status == 404;

    public static Outcome<T> Of(T value) => new(value, null, null);

    public static Outcome<T> Failed(string error, int? status = null) => new(default, error, status);
}
