using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>A workspace with its default data lake storage account, when the account can read it.</summary>
public sealed record WorkspaceListing(DiscoveredWorkspace Workspace, string? SubscriptionName, DiscoveredStorageAccount? DefaultDataLakeStorageAccount);

/// <summary>
/// Finds the Synapse workspaces the signed-in account can see (in one subscription or all of them, optionally one
/// resource group) with their default data lake account: one workspace list and one storage account list per
/// subscription, read in parallel.
/// </summary>
public sealed class WorkspaceFinder(ResourceDiscovery discovery)
{
    public async Task<IReadOnlyList<WorkspaceListing>> FindAsync(string? subscriptionId, string? resourceGroup, Func<string, bool> nameMatches, OperationContext context)
    {
        var token = context.CancellationToken;
        var subscriptions = await ListAsync(discovery.SubscriptionsAsync(token)).ConfigureAwait(false);
        var names = subscriptions.ToDictionary(s => s.SubscriptionId, s => s.DisplayName, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> searched = subscriptionId is not null ? [subscriptionId] : subscriptions.Select(s => s.SubscriptionId).ToList();
        if (subscriptionId is not null && !names.ContainsKey(subscriptionId))
        {
            throw new CISynapseException(
                ErrorIds.SubscriptionNotFound,
                ErrorKind.ObjectNotFound,
                $"The subscription '{subscriptionId}' was not found, or the signed-in account cannot see it.",
                subscriptionId)
            {
                RecommendedAction = "Run Get-CISynapseWorkspace without -SubscriptionId to search every subscription the account can see, or check the tenant you connected to (Get-CISynapseContext).",
            };
        }

        var perSubscription = await Task.WhenAll(searched.Select(async sub =>
        {
            var workspaces = (await ListAsync(discovery.WorkspacesAsync(sub, resourceGroup, token)).ConfigureAwait(false))
                .Where(w => nameMatches(w.Name))
                .ToList();
            context.Log.Verbose($"Subscription {sub}: {workspaces.Count} matching workspace(s).");
            if (workspaces.Count == 0)
            {
                return [];
            }

            var accounts = await ListAsync(discovery.StorageAccountsAsync(sub, null, token)).ConfigureAwait(false);
            return workspaces.Select(w => new WorkspaceListing(
                w,
                names.GetValueOrDefault(sub),
                accounts.FirstOrDefault(a => w.HasDefaultDataLake(a.ResourceId, a.Name)))).ToList();
        })).ConfigureAwait(false);

        return perSubscription
            .SelectMany(w => w)
            .OrderBy(w => w.SubscriptionName ?? w.Workspace.SubscriptionId, StringComparer.OrdinalIgnoreCase)
            .ThenBy(w => w.Workspace.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(w => w.Workspace.ResourceGroupName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var all = new List<T>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            all.Add(item);
        }

        return all;
    }
}
