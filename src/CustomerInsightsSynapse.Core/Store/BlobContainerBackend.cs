using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// Documents as blobs in an Azure Blob container (optionally under a path inside it), so a team and its
/// runbooks share one store. Writes are conditional on the blob's ETag (If-Match) or on its absence
/// (If-None-Match: *), which takes the place of the local lock. Access is whatever Azure RBAC on the
/// container grants the signed-in identity. A document's length is checked from the response headers before
/// its body is read.
/// </summary>
public sealed class BlobContainerBackend : IDocumentBackend
{
    /// <summary>Metadata naming the write that put the blob's current content there.</summary>
    internal const string WriteIdKey = "cisynapsewriteid";

    /// <summary>Metadata marking a blob as deleted, naming the delete.</summary>
    internal const string DeleteIdKey = "cisynapsedeleteid";

    private const int MaxCreateAttempts = 3;

    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    public BlobContainerBackend(BlobLocation location, BlobClientFactory clients)
    {
        _prefix = location.Path.Length == 0 ? string.Empty : BlobPaths.ValidateRelativePath(location.Path, "store path");
        _container = clients.Container(location);
        Location = location.ToUri().AbsoluteUri;
    }

    public string Location { get; }

    /// <summary>Test seam: the largest document read, <see cref="StoreLimits.MaxDocumentBytes"/> unless a test lowers it.</summary>
    internal long MaxDocumentBytes { get; init; } = StoreLimits.MaxDocumentBytes;

    public string Describe(string folder, string fileName) => _container.GetBlobClient(BlobName(folder, fileName)).Uri.AbsoluteUri;

    public async Task<RawDocument?> ReadAsync(string folder, string fileName, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        try
        {
            // Streamed, so that the length is known from the headers before any of the body is read.
            using var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (download.Details.Metadata.ContainsKey(DeleteIdKey))
            {
                return null;
            }

            var length = download.Details.ContentLength;
            if (length > MaxDocumentBytes)
            {
                throw StoreLimits.TooLarge(blob.Uri.AbsoluteUri, length, MaxDocumentBytes);
            }

            var bytes = new byte[length];
            await download.Content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return new RawDocument(bytes, download.Details.ETag.ToString(), blob.Uri.AbsoluteUri);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw Unreachable(ex);
        }
        catch (IOException ex)
        {
            // The body broke off after the headers, beyond what the transport's retries could mend.
            throw Unreachable(new AggregateException(ex));
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        var prefix = BlobName(folder, string.Empty);
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                var name = item.Name[prefix.Length..];
                if (!name.Contains('/') && name.EndsWith(".json", StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw Unreachable(ex);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Uploads with a write id of its own in the blob's metadata. When the condition fails (409/412), the blob is
    /// looked at again: if it carries this write's id, the write landed and only its answer was lost (the transport
    /// retried it); equal bytes prove nothing, since two writers may compute the same document from the same base.
    /// A write that landed and was then overwritten by someone else before the retry is reported as a conflict.
    /// </summary>
    public async Task<WriteResult> WriteAsync(string folder, string fileName, byte[] content, string? expectedTag, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        var writeId = Guid.NewGuid().ToString("N");
        var conditions = expectedTag is null ? CreateOnly() : new BlobRequestConditions { IfMatch = new ETag(expectedTag) };
        for (var attempt = 1; ; attempt++)
        {
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Metadata = new Dictionary<string, string> { [WriteIdKey] = writeId },
                Conditions = conditions,
            };
            try
            {
                var result = await blob.UploadAsync(new BinaryData(content), options, cancellationToken).ConfigureAwait(false);
                return new WriteResult(WriteOutcome.Written, result.Value.ETag.ToString());
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 || (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound))
            {
                var current = await StateAsync(blob, cancellationToken).ConfigureAwait(false);
                if (current?.WriteId == writeId)
                {
                    return new WriteResult(WriteOutcome.Written, current.Tag);
                }

                var absent = current is null || current.Deleted;
                if (expectedTag is not null)
                {
                    return new WriteResult(absent ? WriteOutcome.Missing : WriteOutcome.Changed, null);
                }

                if (!absent || attempt == MaxCreateAttempts)
                {
                    return new WriteResult(WriteOutcome.AlreadyExists, null);
                }

                // A create meets the leftover of a deleted document (see DeleteAsync): replace exactly that leftover.
                conditions = current is null ? CreateOnly() : new BlobRequestConditions { IfMatch = new ETag(current.Tag) };
            }
            catch (RequestFailedException ex)
            {
                throw Unavailable(ex);
            }
            catch (AggregateException ex)
            {
                throw Unreachable(ex);
            }
        }
    }

    /// <summary>
    /// A delete is two steps. First the blob is marked deleted (its metadata replaced by this delete's id) on the
    /// condition that it still carries <paramref name="expectedTag"/>: that is the delete, and from then on readers
    /// see no document. A lost answer to the mark is recognised by the delete id, as a write is by its write id.
    /// Then the marked blob is removed on the condition of the mark's ETag, which no reader is ever given; so a 404
    /// there can only mean this delete's own earlier attempt removed it (its answer lost), and a 412 that a create
    /// has already replaced the deleted document. Either way the delete stands. A mark left by a process that died
    /// between the two steps reads as no document, and a create replaces it.
    /// </summary>
    public async Task<WriteOutcome> DeleteAsync(string folder, string fileName, string expectedTag, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        var deleteId = Guid.NewGuid().ToString("N");
        try
        {
            ETag marked;
            try
            {
                var mark = await blob.SetMetadataAsync(new Dictionary<string, string> { [DeleteIdKey] = deleteId }, new BlobRequestConditions { IfMatch = new ETag(expectedTag) }, cancellationToken).ConfigureAwait(false);
                marked = mark.Value.ETag;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 || (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound))
            {
                var current = await StateAsync(blob, cancellationToken).ConfigureAwait(false);
                if (current?.DeleteId != deleteId)
                {
                    return current is null || current.Deleted ? WriteOutcome.Missing : WriteOutcome.Changed;
                }

                marked = new ETag(current.Tag);
            }

            try
            {
                await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = marked }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 || (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound))
            {
            }

            return WriteOutcome.Written;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw Unreachable(ex);
        }
    }

    /// <summary>The blob's ETag and the ids in its metadata, or null when there is no blob.</summary>
    private async Task<BlobState?> StateAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BlobState(
                properties.ETag.ToString(),
                properties.Metadata.TryGetValue(WriteIdKey, out var writeId) ? writeId : null,
                properties.Metadata.TryGetValue(DeleteIdKey, out var deleteId) ? deleteId : null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw Unreachable(ex);
        }
    }

    private static BlobRequestConditions CreateOnly() => new() { IfNoneMatch = ETag.All };

    private sealed record BlobState(string Tag, string? WriteId, string? DeleteId)
    {
        public bool Deleted => DeleteId is not null;
    }

    private string BlobName(string folder, string fileName) => BlobPaths.Combine(_prefix, folder) + "/" + fileName;

    private CISynapseException Unavailable(RequestFailedException ex)
    {
        var (id, kind, action) = (ex.Status, ex.ErrorCode) switch
        {
            (404, "ContainerNotFound") => (ErrorIds.StoreUnavailable, ErrorKind.ObjectNotFound, "Create the container, or point Set-CISynapseStore at an existing one."),
            (403, _) => (ErrorIds.StoreUnavailable, ErrorKind.PermissionDenied, "Ask for Storage Blob Data Contributor on the container (or Reader to only read)."),
            (401, _) => (ErrorIds.StoreUnavailable, ErrorKind.AuthenticationError, "Connect with Connect-CISynapseAccount; with -AccessToken also pass -StorageAccessToken."),
            _ => (ErrorIds.StoreUnavailable, ErrorKind.ConnectionError, (string?)null),
        };
        return new CISynapseException(
            id,
            kind,
            $"The definition store container '{Location}' answered {ex.Status} {ex.ErrorCode}: {FirstLine(ex.Message)}",
            Location,
            ex)
        {
            RecommendedAction = action,
        };
    }

    private CISynapseException Unreachable(AggregateException ex) =>
        new(
            ErrorIds.StoreUnavailable,
            ErrorKind.ConnectionError,
            $"The definition store container '{Location}' could not be reached after retries: {FirstLine(ex.InnerExceptions[^1].Message)}",
            Location,
            ex);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
