using System.Diagnostics;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>The parameter being completed.</summary>
public enum CompletionTarget
{
    SubscriptionId,
    WorkspaceResourceGroupName,
    WorkspaceName,
    StorageAccountName,
    StorageAccountResourceId,
    Container,
}

/// <summary>What is already on the command line (PowerShell's fakeBoundParameters), by meaning.</summary>
public sealed record CompletionBinding
{
    public string? SubscriptionId { get; init; }

    public string? WorkspaceResourceGroupName { get; init; }

    public string? WorkspaceName { get; init; }

    public string? WorkspaceResourceId { get; init; }

    public string? StorageAccountName { get; init; }

    public string? StorageAccountResourceGroupName { get; init; }

    public string? StorageAccountResourceId { get; init; }

    /// <summary>
    /// For Set-CISynapseConnection: the stored connection's subscription, workspace and storage account where the
    /// command line names none of them, so completion offers what the connection would keep.
    /// </summary>
    public CompletionBinding OrStored(ConnectionDefinition stored)
    {
        var namesWorkspace = WorkspaceName is not null || WorkspaceResourceId is not null || WorkspaceResourceGroupName is not null;
        var namesStorage = StorageAccountName is not null || StorageAccountResourceId is not null || StorageAccountResourceGroupName is not null;
        return this with
        {
            SubscriptionId = SubscriptionId ?? stored.SubscriptionId,
            WorkspaceResourceId = namesWorkspace ? WorkspaceResourceId : stored.WorkspaceResourceId,
            StorageAccountResourceId = namesStorage ? StorageAccountResourceId : stored.StorageAccountResourceId,
        };
    }
}

/// <summary>One completion: the value to insert, the text to list and a tooltip.</summary>
public sealed record CompletionCandidate(string Value, string ListItemText, string ToolTip);

/// <summary>
/// Completions for one signed-in session from Resource Manager listings, narrowed by what is already bound. Answers
/// within a time limit with what it has (listings keep filling the cache in the background) and never throws.
/// </summary>
public sealed class ResourceCompletion(ResourceDiscovery discovery, ListingCache cache, TimeSpan timeLimit)
{
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ListingRunsFor = TimeSpan.FromSeconds(60);

    public static ResourceCompletion For(AzureRestClient resourceManager) =>
        new(new ResourceDiscovery(resourceManager), new ListingCache(DefaultTimeToLive, ListingRunsFor), DefaultTimeLimit);

    public async Task<IReadOnlyList<CompletionCandidate>> CompleteAsync(CompletionTarget target, CompletionBinding bound, string? word)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan Remaining() => timeLimit - clock.Elapsed;
        try
        {
            return target switch
            {
                CompletionTarget.SubscriptionId => await SubscriptionCandidatesAsync(word, Remaining).ConfigureAwait(false),
                CompletionTarget.WorkspaceResourceGroupName => await ResourceGroupCandidatesAsync(bound, word, Remaining).ConfigureAwait(false),
                CompletionTarget.WorkspaceName => await WorkspaceCandidatesAsync(bound, word, Remaining).ConfigureAwait(false),
                CompletionTarget.StorageAccountName => await StorageCandidatesAsync(bound, word, byResourceId: false, Remaining).ConfigureAwait(false),
                CompletionTarget.StorageAccountResourceId => await StorageCandidatesAsync(bound, word, byResourceId: true, Remaining).ConfigureAwait(false),
                CompletionTarget.Container => await ContainerCandidatesAsync(bound, word, Remaining).ConfigureAwait(false),
                _ => [],
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
    }

    private async Task<IReadOnlyList<CompletionCandidate>> SubscriptionCandidatesAsync(string? word, Func<TimeSpan> remaining)
    {
        var subscriptions = await Subscriptions().WithinAsync(remaining()).ConfigureAwait(false);
        return CompletionMatcher.Select(subscriptions, word, s => [s.SubscriptionId, s.DisplayName], s => s.DisplayName)
            .Select(s => new CompletionCandidate(s.SubscriptionId, $"{s.DisplayName} ({s.SubscriptionId})", $"{s.DisplayName}: {s.SubscriptionId}{(s.State is null ? string.Empty : ", " + s.State)}"))
            .ToList();
    }

    private async Task<IReadOnlyList<CompletionCandidate>> ResourceGroupCandidatesAsync(CompletionBinding bound, string? word, Func<TimeSpan> remaining)
    {
        var workspaces = (await WorkspacesAsync(bound with { WorkspaceResourceGroupName = null, WorkspaceResourceId = null }, remaining).ConfigureAwait(false))
            .Where(w => bound.WorkspaceName is null || w.Name.Equals(bound.WorkspaceName, StringComparison.OrdinalIgnoreCase));
        var groups = workspaces
            .GroupBy(w => w.ResourceGroupName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Name: g.Key, Workspaces: g.Select(w => w.Name).Order(StringComparer.OrdinalIgnoreCase).ToArray(), Subscription: g.First().SubscriptionId));
        return CompletionMatcher.Select(groups, word, g => [g.Name], g => g.Name)
            .Select(g => new CompletionCandidate(g.Name, g.Name, $"{g.Name} (subscription {g.Subscription}): workspaces {string.Join(", ", g.Workspaces)}"))
            .ToList();
    }

    private async Task<IReadOnlyList<CompletionCandidate>> WorkspaceCandidatesAsync(CompletionBinding bound, string? word, Func<TimeSpan> remaining)
    {
        // A workspace resource id (Set-CISynapseConnection's stored one) does not narrow the choice of another workspace.
        var workspaces = await WorkspacesAsync(bound with { WorkspaceResourceId = null }, remaining).ConfigureAwait(false);
        return CompletionMatcher.Select(workspaces, word, w => [w.Name], w => w.Name)
            .Select(w => new CompletionCandidate(w.Name, w.Name, Describe(w)))
            .ToList();
    }

    private async Task<IReadOnlyList<CompletionCandidate>> StorageCandidatesAsync(CompletionBinding bound, string? word, bool byResourceId, Func<TimeSpan> remaining)
    {
        var workspace = await BoundWorkspaceAsync(bound, remaining).ConfigureAwait(false);
        var accounts = await StorageAccountsAsync(bound, workspace, remaining).ConfigureAwait(false);
        return CompletionMatcher.Select(accounts, word, a => byResourceId ? [a.Name, a.ResourceId] : [a.Name], a => a.Name, a => workspace?.HasDefaultDataLake(a.ResourceId, a.Name) == true)
            .Select(a => new CompletionCandidate(byResourceId ? a.ResourceId : a.Name, a.Name, Describe(a, workspace)))
            .ToList();
    }

    private async Task<IReadOnlyList<CompletionCandidate>> ContainerCandidatesAsync(CompletionBinding bound, string? word, Func<TimeSpan> remaining)
    {
        var workspace = await BoundWorkspaceAsync(bound, remaining).ConfigureAwait(false);
        var accountId = await StorageAccountIdAsync(bound, workspace, remaining).ConfigureAwait(false);
        if (accountId is null)
        {
            return [];
        }

        var account = AzureResourceId.Parse(accountId);
        var isDefaultLake = workspace?.HasDefaultDataLake(accountId, account.Name!) == true;
        var containers = await cache.Get($"containers|{accountId}", t => discovery.ContainersAsync(accountId, t)).WithinAsync(remaining()).ConfigureAwait(false);
        return CompletionMatcher.Select(containers, word, c => [c.Name], c => c.Name, c => isDefaultLake && c.Name.Equals(workspace!.DefaultDataLakeStorageFilesystem, StringComparison.Ordinal))
            .Select(c => new CompletionCandidate(
                c.Name,
                c.Name,
                isDefaultLake && c.Name.Equals(workspace!.DefaultDataLakeStorageFilesystem, StringComparison.Ordinal)
                    ? $"{c.Name} in {account.Name}: the default filesystem of workspace {workspace.Name}"
                    : $"{c.Name} in {account.Name}"))
            .ToList();
    }

    private Listing<DiscoveredSubscription> Subscriptions() =>
        cache.Get("subscriptions", discovery.SubscriptionsAsync);

    /// <summary>The subscription bound (directly or inside a resource id), else every subscription the account can see.</summary>
    private async Task<IReadOnlyList<string>> SubscriptionIdsAsync(CompletionBinding bound, Func<TimeSpan> remaining)
    {
        var given = bound.SubscriptionId
            ?? SubscriptionOf(bound.WorkspaceResourceId)
            ?? SubscriptionOf(bound.StorageAccountResourceId);
        if (given is not null)
        {
            return [given];
        }

        return (await Subscriptions().WithinAsync(remaining()).ConfigureAwait(false)).Select(s => s.SubscriptionId).ToList();
    }

    private async Task<IReadOnlyList<DiscoveredWorkspace>> WorkspacesAsync(CompletionBinding bound, Func<TimeSpan> remaining)
    {
        var group = bound.WorkspaceResourceGroupName ?? (AzureResourceId.TryParse(bound.WorkspaceResourceId, out var id) ? id.ResourceGroup : null);
        var listings = (await SubscriptionIdsAsync(bound, remaining).ConfigureAwait(false))
            .Select(sub => cache.Get($"workspaces|{sub}|{group}", t => discovery.WorkspacesAsync(sub, group, t)))
            .ToList();
        var all = new List<DiscoveredWorkspace>();
        foreach (var listing in listings)
        {
            all.AddRange(await listing.WithinAsync(remaining()).ConfigureAwait(false));
        }

        return all;
    }

    /// <summary>The workspace named on the command line (by resource id, or by name and optionally resource group), when there is exactly one.</summary>
    private async Task<DiscoveredWorkspace?> BoundWorkspaceAsync(CompletionBinding bound, Func<TimeSpan> remaining)
    {
        if (bound.WorkspaceResourceId is null && bound.WorkspaceName is null)
        {
            return null;
        }

        var named = (await WorkspacesAsync(bound, remaining).ConfigureAwait(false))
            .Where(w => bound.WorkspaceResourceId is not null
                ? AzureResourceId.SameId(w.ResourceId, bound.WorkspaceResourceId)
                : w.Name.Equals(bound.WorkspaceName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return named.Count == 1 ? named[0] : null;
    }

    private async Task<IReadOnlyList<DiscoveredStorageAccount>> StorageAccountsAsync(CompletionBinding bound, DiscoveredWorkspace? workspace, Func<TimeSpan> remaining)
    {
        var group = bound.StorageAccountResourceGroupName;
        var subscriptions = workspace is not null && bound.SubscriptionId is null ? [workspace.SubscriptionId] : await SubscriptionIdsAsync(bound, remaining).ConfigureAwait(false);
        var listings = subscriptions.Select(sub => cache.Get($"storage|{sub}|{group}", t => discovery.StorageAccountsAsync(sub, group, t))).ToList();
        var all = new List<DiscoveredStorageAccount>();
        foreach (var listing in listings)
        {
            all.AddRange(await listing.WithinAsync(remaining()).ConfigureAwait(false));
        }

        return all;
    }

    /// <summary>
    /// The storage account whose containers to offer: the one bound by resource id, by name (and resource group), or
    /// else the workspace's default data lake account.
    /// </summary>
    private async Task<string?> StorageAccountIdAsync(CompletionBinding bound, DiscoveredWorkspace? workspace, Func<TimeSpan> remaining)
    {
        if (bound.StorageAccountResourceId is { } id)
        {
            return AzureResourceId.TryParse(id, out var parsed) && parsed.Name is not null ? parsed.ToString() : null;
        }

        var name = bound.StorageAccountName ?? workspace?.DefaultDataLakeStorageAccountName;
        if (bound.StorageAccountName is null && workspace?.DefaultDataLakeStorageAccountResourceId is { } lakeId)
        {
            return lakeId;
        }

        if (name is null)
        {
            return null;
        }

        var subscription = bound.SubscriptionId ?? workspace?.SubscriptionId;
        if (subscription is not null && bound.StorageAccountResourceGroupName is { } group)
        {
            return $"{AzureResourceId.ForResourceType(subscription, group, ConnectionTarget.StorageAccountType)}/{name}";
        }

        var matches = (await StorageAccountsAsync(bound, workspace, remaining).ConfigureAwait(false))
            .Where(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return matches.Count == 1 ? matches[0].ResourceId : null;
    }

    private static string? SubscriptionOf(string? resourceId) =>
        AzureResourceId.TryParse(resourceId, out var id) ? id.SubscriptionId : null;

    private static string Describe(DiscoveredWorkspace w) =>
        $"{w.Name} in {w.ResourceGroupName} (subscription {w.SubscriptionId})"
        + (w.DefaultDataLakeStorageAccountName is null ? string.Empty : $"; default data lake {w.DefaultDataLakeStorageAccountName}/{w.DefaultDataLakeStorageFilesystem}");

    private static string Describe(DiscoveredStorageAccount a, DiscoveredWorkspace? workspace) =>
        $"{a.Name} in {a.ResourceGroupName}; hierarchical namespace {(a.IsHnsEnabled == true ? "enabled" : "not enabled")}"
        + (workspace?.HasDefaultDataLake(a.ResourceId, a.Name) == true ? $"; the default data lake of workspace {workspace.Name}" : string.Empty);
}
