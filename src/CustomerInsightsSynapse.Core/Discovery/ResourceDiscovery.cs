using System.Runtime.CompilerServices;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>
/// Lists what the signed-in account can read in Resource Manager: subscriptions, Synapse workspaces, storage accounts
/// and their blob containers. Each list follows nextLink; items arrive as their page does.
/// </summary>
public sealed class ResourceDiscovery(AzureRestClient resourceManager)
{
    public IAsyncEnumerable<DiscoveredSubscription> SubscriptionsAsync(CancellationToken cancellationToken) =>
        ListAsync(ArmPaths.Subscriptions(), DiscoveredSubscription.From, cancellationToken);

    /// <summary>The workspaces of a subscription, or of one of its resource groups.</summary>
    public IAsyncEnumerable<DiscoveredWorkspace> WorkspacesAsync(string subscriptionId, string? resourceGroup, CancellationToken cancellationToken) =>
        ListAsync(
            ArmPaths.Workspaces(subscriptionId, resourceGroup),
            DiscoveredWorkspace.From,
            cancellationToken);

    /// <summary>The storage accounts of a subscription, or of one of its resource groups.</summary>
    public IAsyncEnumerable<DiscoveredStorageAccount> StorageAccountsAsync(string subscriptionId, string? resourceGroup, CancellationToken cancellationToken) =>
        ListAsync(
            ArmPaths.StorageAccounts(subscriptionId, resourceGroup),
            DiscoveredStorageAccount.From,
            cancellationToken);

    /// <summary>The blob containers of a storage account, through Resource Manager (no data-plane access needed).</summary>
    public IAsyncEnumerable<DiscoveredContainer> ContainersAsync(string storageAccountResourceId, CancellationToken cancellationToken) =>
        ListAsync(
            ArmPaths.Containers(storageAccountResourceId),
            e => DiscoveredContainer.From(e, storageAccountResourceId),
            cancellationToken);

    private async IAsyncEnumerable<T> ListAsync<T>(string path, Func<System.Text.Json.JsonElement, T?> read, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        await foreach (var item in resourceManager.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (read(item) is { } value)
            {
                yield return value;
            }
        }
    }
}
