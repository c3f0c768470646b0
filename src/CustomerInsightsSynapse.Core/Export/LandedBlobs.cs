using global::Azure;
using global::Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Finds and deletes what an export landed in its container: every blob under given prefixes, plus given files.</summary>
internal sealed class LandedBlobs(BlobClientFactory blobs, BlobLocation container)
{
    private const int ProgressId = ProgressIds.LandedBlobListing;
    private const string Activity = "Removing landed data";

    /// <summary>Container-relative names of the blobs under <paramref name="prefixes"/> and of the <paramref name="files"/> that exist.</summary>
    public async Task<List<string>> ListAsync(IReadOnlyList<string> prefixes, IReadOnlyList<string> files, CancellationToken token)
    {
        var client = blobs.Container(container);
        var names = new List<string>();
        foreach (var prefix in prefixes)
        {
            await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, token).ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }

        foreach (var file in files)
        {
            if ((await client.GetBlobClient(file).ExistsAsync(token).ConfigureAwait(false)).Value)
            {
                names.Add(file);
            }
        }

        return names;
    }

    /// <summary>Deletes what <see cref="ListAsync"/> finds now (a run may have landed more since a plan was made).</summary>
    public async Task<List<string>> DeleteAsync(IReadOnlyList<string> prefixes, IReadOnlyList<string> files, string exportName, OperationContext context)
    {
        var token = context.CancellationToken;
        var client = blobs.Container(container);
        var names = await ListAsync(prefixes, files, token).ConfigureAwait(false);
        var deleted = new List<string>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            context.Progress.Report(new OperationProgress(ProgressId, Activity, names[i], i * 100 / Math.Max(1, names.Count)));
            try
            {
                var response = await client.GetBlobClient(names[i]).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: token).ConfigureAwait(false);
                if (response.Value)
                {
                    deleted.Add(names[i]);
                }
            }
            catch (RequestFailedException ex)
            {
                throw new CISynapseException(
                    ErrorIds.ExportPurgeFailed,
                    ex.Status == 403 ? ErrorKind.PermissionDenied : ErrorKind.InvalidOperation,
                    $"Deleting '{names[i]}' in '{container.ToUri().AbsoluteUri}' failed ({ex.Status} {ex.ErrorCode}) after {deleted.Count} of {names.Count} blobs were deleted. The export '{exportName}' was kept; run the removal again to finish.",
                    names[i],
                    ex);
            }
        }

        context.Progress.Report(new OperationProgress(ProgressId, Activity, "Done", 100, Completed: true));
        return deleted;
    }
}
