using System.Buffers;
using System.Runtime.CompilerServices;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>A CDM folder in a blob container (dfs URLs are read through the Blob API); the root is the container.</summary>
internal sealed class BlobCdmStore : ICdmStore
{
    private readonly BlobContainerClient _container;
    private readonly BlobLocation _containerLocation;

    public BlobCdmStore(BlobClientFactory factory, BlobLocation location)
    {
        _containerLocation = location with { Path = string.Empty };
        _container = factory.Container(location);
    }

    public bool HasCheapLookups => false;

    public async Task<ArraySegment<byte>?> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _container.GetBlobClient(path).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var result = response.Value;
            var length = result.Details.ContentLength;
            if (length > maxBytes)
            {
                throw CdmErrors.TooLarge(ToLocation(path), length, maxBytes);
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                await result.Content.ReadExactlyAsync(buffer.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            return new ArraySegment<byte>(buffer, 0, (int)length);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw StorageFailure(ex, path);
        }
    }

    public async IAsyncEnumerable<CdmFileInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var blobPrefix = prefix.Length == 0 ? null : prefix.TrimEnd('/') + "/";
        var pages = _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, blobPrefix, cancellationToken).AsPages(pageSizeHint: 5000);
        await using var pager = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await pager.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                page = pager.Current;
            }
            catch (RequestFailedException ex)
            {
                throw StorageFailure(ex, prefix);
            }

            foreach (var item in page.Values)
            {
                // Folders of hierarchical-namespace accounts appear as empty blobs with hdi_isfolder metadata; listings
                // without metadata cannot tell, so zero-length blobs are kept and matched like any file.
                yield return new CdmFileInfo(item.Name, item.Properties.ContentLength ?? 0, item.Properties.LastModified, item.Properties.ETag?.ToString());
            }
        }
    }

    public async Task<IReadOnlyList<string>> ListFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var prefix = folder.Length == 0 ? null : folder.TrimEnd('/') + "/";
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsBlob)
                {
                    names.Add(item.Blob.Name[(prefix?.Length ?? 0)..]);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new CISynapseException(ErrorIds.CdmDocumentNotFound, ErrorKind.ObjectNotFound, $"The container '{_containerLocation.ContainerUri}' does not exist.", _containerLocation.ContainerUri.AbsoluteUri);
        }
        catch (RequestFailedException ex)
        {
            throw StorageFailure(ex, folder);
        }

        return names;
    }

    public async Task<CdmFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await _container.GetBlobClient(path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new CdmFileInfo(path, properties.ContentLength, properties.LastModified, properties.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw StorageFailure(ex, path);
        }
    }

    public string ToLocation(string path) => (_containerLocation with { Path = path }).ToUri().AbsoluteUri;

    public string? ToStorePath(string absoluteLocation)
    {
        BlobLocation location;
        try
        {
            location = BlobLocation.Parse(absoluteLocation);
        }
        catch (CISynapseException)
        {
            return null;
        }

        var sameAccount = Uri.Compare(location.AccountEndpoint, _containerLocation.AccountEndpoint, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        return sameAccount && string.Equals(location.Container, _containerLocation.Container, StringComparison.Ordinal) ? location.Path : null;
    }

    private CISynapseException StorageFailure(RequestFailedException ex, string path)
    {
        var where = ToLocation(path);
        return ex.Status is 401 or 403
            ? new CISynapseException(ErrorIds.AzureAuthorizationFailed, ErrorKind.PermissionDenied, $"Access to '{where}' was denied ({ex.Status} {ex.ErrorCode}). Reading a CDM folder needs the Storage Blob Data Reader role on the container.", where, ex)
            : new CISynapseException(ErrorIds.AzureRequestFailed, ErrorKind.ConnectionError, $"Reading '{where}' failed ({ex.Status} {ex.ErrorCode}).", where, ex);
    }
}
