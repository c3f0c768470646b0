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
/// container grants the signed-in identity.
/// </summary>
public sealed class BlobContainerBackend : IDocumentBackend
{
    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    public BlobContainerBackend(BlobLocation location, BlobClientFactory clients)
    {
        _prefix = location.Path.Length == 0 ? string.Empty : BlobPaths.ValidateRelativePath(location.Path, "store path");
        _container = clients.Container(location);
        Location = location.ToUri().AbsoluteUri;
    }

    public string Location { get; }

    public string Describe(string folder, string fileName) => _container.GetBlobClient(BlobName(folder, fileName)).Uri.AbsoluteUri;

    public async Task<RawDocument?> ReadAsync(string folder, string fileName, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new RawDocument(result.Value.Content.ToArray(), result.Value.Details.ETag.ToString(), blob.Uri.AbsoluteUri);
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

    public async Task<WriteResult> WriteAsync(string folder, string fileName, byte[] content, string? expectedTag, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Conditions = expectedTag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(expectedTag) },
        };
        try
        {
            var result = await blob.UploadAsync(new BinaryData(content), options, cancellationToken).ConfigureAwait(false);
            return new WriteResult(WriteOutcome.Written, result.Value.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // A retry of a write whose answer was lost finds the blob already written, by this very write.
            if (await ReadAsync(folder, fileName, cancellationToken).ConfigureAwait(false) is { } stored && stored.Content.AsSpan().SequenceEqual(content))
            {
                return new WriteResult(WriteOutcome.Written, stored.Tag);
            }

            return new WriteResult(expectedTag is null ? WriteOutcome.AlreadyExists : WriteOutcome.Changed, null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return new WriteResult(WriteOutcome.Missing, null);
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

    public async Task<WriteOutcome> DeleteAsync(string folder, string fileName, string expectedTag, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(folder, fileName));
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = new ETag(expectedTag) }, cancellationToken).ConfigureAwait(false);
            return WriteOutcome.Written;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return WriteOutcome.Changed;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return WriteOutcome.Missing;
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
