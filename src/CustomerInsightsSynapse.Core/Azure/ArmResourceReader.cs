using System.Collections.Concurrent;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// Reads storage accounts and workspaces from Resource Manager as typed records. Each resource is fetched once per
/// reader: give one reader to everything a run does (prerequisite checks, export targets) and they share the answer.
/// </summary>
public sealed class ArmResourceReader(AzureRestClient resourceManager)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<StorageAccountResource>>> _storageAccounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<WorkspaceResource>>> _workspaces = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The storage account; an <see cref="AzureRequestException"/> when Resource Manager refuses or does not find it.</summary>
    public Task<StorageAccountResource> StorageAccountAsync(string resourceId, CancellationToken cancellationToken) =>
        Once(_storageAccounts, resourceId, async () =>
        {
            using var response = await resourceManager.GetAsync(ArmPaths.StorageAccount(resourceId), cancellationToken).ConfigureAwait(false);
            return StorageAccountResource.FromJson(response.Root);
        });

    public Task<WorkspaceResource> WorkspaceAsync(string resourceId, CancellationToken cancellationToken) =>
        Once(_workspaces, resourceId, async () =>
        {
            using var response = await resourceManager.GetAsync(ArmPaths.Workspace(resourceId), cancellationToken).ConfigureAwait(false);
            return WorkspaceResource.FromJson(response.Root);
        });

    /// <summary>The storage account, or null when it does not exist.</summary>
    public Task<StorageAccountResource?> StorageAccountOrNullAsync(string resourceId, CancellationToken cancellationToken) =>
        OrNull(StorageAccountAsync(resourceId, cancellationToken));

    public Task<WorkspaceResource?> WorkspaceOrNullAsync(string resourceId, CancellationToken cancellationToken) =>
        OrNull(WorkspaceAsync(resourceId, cancellationToken));

    private static Task<T> Once<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string resourceId, Func<Task<T>> fetch) =>
        cache.GetOrAdd(resourceId.TrimEnd('/'), _ => new Lazy<Task<T>>(fetch)).Value;

    private static async Task<T?> OrNull<T>(Task<T> fetch)
        where T : class
    {
        try
        {
            return await fetch.ConfigureAwait(false);
        }
        catch (AzureRequestException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
