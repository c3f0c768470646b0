using System.Buffers;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using global::Azure;
using global::Azure.Core;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;
using global::Azure.Storage.Sas;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Moves one partition into its snapshot folder. Blob sources are copied by the service (Copy Blob From URL up to
/// <see cref="LandingOptions.SingleCopyLimit"/>, else Put Block From URL in parallel ranges and one Put Block List),
/// so no data passes through this process; the source is authorized with a bearer token from the factory's
/// credential, or a short read-only SAS when the factory signs with a shared key. Local files are streamed in
/// blocks of <see cref="LandingOptions.BlockSize"/>; one of at most one block is sent in one Put Blob. A CSV partition in another encoding than UTF-8 (see
/// <see cref="CsvEncodings.TranscodedFrom"/>) is read through <see cref="TranscodingReadStream"/> and lands as UTF-8,
/// a blob one downloaded and uploaded instead of copied; so is a UTF-8 CSV blob that starts with a byte order mark,
/// which is not landed (nor a local file's). A CSV file's bytes that pass through the module go through
/// <see cref="Utf8ColumnWidthCheck"/> on their way, and a value wider than its view column fails the partition with
/// <c>TextValueTooLong</c> (the entity is then not landed and its view does not move). Retries (Retry-After honoured) come from the factory's pipeline.
/// </summary>
internal sealed class PartitionTransfer
{
    private const string StorageScope = "https://storage.azure.com/.default";

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly BlobClientFactory _factory;
    private readonly LandingOptions _options;

    public PartitionTransfer(BlobClientFactory factory, LandingOptions options)
    {
        _factory = factory;
        _options = options;
    }

    /// <summary>Lands the partition; returns how, for the log.</summary>
    public async Task<string> LandAsync(CdmEntity entity, SourcePartition source, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        var transcodedFrom = CsvEncodings.TranscodedFrom(source.Partition) is null ? null : source.Partition.Csv!.Encoding;
        if (source.IsBlob && transcodedFrom is null
            && !(IsUtf8Csv(source) && await BlobStartsWithByteOrderMarkAsync(source, cancellationToken).ConfigureAwait(false)))
        {
            await CopyAsync(source, destination, bytesMoved, cancellationToken).ConfigureAwait(false);
            return "server-side copy";
        }

        await UploadAsync(entity, source, destination, bytesMoved, cancellationToken).ConfigureAwait(false);
        return transcodedFrom is not null ? $"transcoded from {transcodedFrom} to UTF-8"
            : source.IsBlob ? "downloaded and uploaded without its UTF-8 byte order mark"
            : "upload";
    }

    /// <summary>
    /// Streams a local file, or a blob that needs transcoding, into <paramref name="destination"/> in blocks; the
    /// blocks are committed only when every byte was read, decoded and checked, so a failure leaves no blob.
    /// </summary>
    private async Task UploadAsync(CdmEntity entity, SourcePartition source, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        // A UTF-8 byte order mark is not landed: the serverless documentation promises UTF-8, and says nothing of a mark.
        var skip = IsUtf8Csv(source) ? Utf8ByteOrderMark.Length : 0;
        await using var input = source.IsBlob ? await OpenBlobAsync(source, skip, cancellationToken).ConfigureAwait(false) : OpenLocal(source, skip);
        var reported = 0L;
        void Report(long total) => bytesMoved(total - Interlocked.Exchange(ref reported, total));

        // A transcoded file's size changes on the way: progress counts the source bytes read, not the bytes uploaded.
        var encoding = CsvEncodings.TranscodedFrom(source.Partition);
        var stream = encoding is null ? input : new TranscodingReadStream(input, encoding, entity.Name, LandingPlanner.Describe(source.Partition.Location), Report);
        var widthCheck = Utf8ColumnWidthCheck.For(entity, source.Partition);
        if (widthCheck is not null)
        {
            stream = new CheckedReadStream(stream, widthCheck);
        }

        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(source.Partition.Format) },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = _options.BlockSize,
                MaximumTransferSize = _options.BlockSize,
                MaximumConcurrency = _options.MaxParallelBlocks,
            },
            ProgressHandler = encoding is null ? new Progress(Report) : null,
        };
        if (!source.IsBlob && encoding is null && source.Size <= _options.BlockSize)
        {
            // The SDK cannot tell the length of a checked stream and would send Put Block and Put Block List: a file
            // of at most one block is read (and checked) whole first, into a pooled buffer, then sent in one Put Blob.
            var length = (int)source.Size + 1;
            var content = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var read = await stream.ReadAtLeastAsync(content.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read > source.Size)
                {
                    throw Changed(source);
                }

                widthCheck?.ThrowIfTooLong();
                await destination.UploadAsync(new BinaryData(content.AsMemory(0, read)), options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(content);
            }
        }
        else
        {
            await destination.UploadAsync(stream, options, cancellationToken).ConfigureAwait(false);
            widthCheck?.ThrowIfTooLong();
        }

        bytesMoved(source.Size - Interlocked.Exchange(ref reported, source.Size));
    }

    /// <summary>The local file, past a leading UTF-8 byte order mark when <paramref name="byteOrderMark"/> is its length.</summary>
    private static Stream OpenLocal(SourcePartition source, int byteOrderMark)
    {
        var file = LocalSourceFiles.Open(
            source.Partition.LocalFolder,
            source.Partition.Location,
            "the partition",
            bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (file.Length != source.Size)
        {
            file.Dispose();
            throw Changed(source);
        }

        if (byteOrderMark > 0)
        {
            Span<byte> start = stackalloc byte[byteOrderMark];
            var read = file.ReadAtLeast(start, byteOrderMark, throwOnEndOfStream: false);
            file.Position = read == byteOrderMark && start.SequenceEqual(Utf8ByteOrderMark) ? read : 0;
        }

        return file;
    }

    private static bool IsUtf8Csv(SourcePartition source) =>
        source.Partition.Format == PartitionFormat.Csv && CsvEncodings.IsUtf8(source.Partition.Csv?.Encoding);

    /// <summary>Reads the first bytes of a blob source (as planned: its ETag then) to see whether it starts with a UTF-8 byte order mark.</summary>
    private async Task<bool> BlobStartsWithByteOrderMarkAsync(SourcePartition source, CancellationToken cancellationToken)
    {
        if (source.Size < Utf8ByteOrderMark.Length)
        {
            return false;
        }

        var start = await ReadBlobAsync(source, new HttpRange(0, Utf8ByteOrderMark.Length), cancellationToken).ConfigureAwait(false);
        await using (start.ConfigureAwait(false))
        {
            var bytes = new byte[Utf8ByteOrderMark.Length];
            var read = await start.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return read == bytes.Length && bytes.AsSpan().SequenceEqual(Utf8ByteOrderMark);
        }
    }

    /// <summary>
    /// The blob's content as planned, past a leading UTF-8 byte order mark when <paramref name="byteOrderMark"/> is
    /// its length (a blob is uploaded rather than copied only when it has one, or when it is transcoded).
    /// </summary>
    private Task<Stream> OpenBlobAsync(SourcePartition source, int byteOrderMark, CancellationToken cancellationToken) =>
        ReadBlobAsync(source, new HttpRange(byteOrderMark), cancellationToken);

    /// <summary>A range of the blob as planned (its ETag then): a blob changed since fails the partition as changed.</summary>
    private async Task<Stream> ReadBlobAsync(SourcePartition source, HttpRange range, CancellationToken cancellationToken)
    {
        var location = BlobLocation.Parse(source.Partition.Location);
        var client = _factory.Container(location).GetBlobClient(location.Path);
        try
        {
            var download = await client.DownloadStreamingAsync(
                new BlobDownloadOptions { Range = range, Conditions = new BlobRequestConditions { IfMatch = new ETag("\"" + source.Version + "\"") } },
                cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw Changed(source);
        }
    }

    private async Task CopyAsync(SourcePartition source, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        var (uri, authorization) = await SourceAccessAsync(source, cancellationToken).ConfigureAwait(false);
        var sourceConditions = new RequestConditions { IfMatch = new ETag("\"" + source.Version + "\"") };
        if (source.Size <= _options.SingleCopyLimit)
        {
            await destination.SyncCopyFromUriAsync(
                uri,
                new BlobCopyFromUriOptions { SourceAuthentication = authorization, SourceConditions = new BlobRequestConditions { IfMatch = sourceConditions.IfMatch } },
                cancellationToken).ConfigureAwait(false);
            bytesMoved(source.Size);
            return;
        }

        var block = _options.CopyBlockSize;
        var count = (int)((source.Size + block - 1) / block);
        var ids = Enumerable.Range(0, count).Select(i => Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{i:D8}"))).ToArray();
        var blockBlob = destination.GetParentBlobContainerClient().GetBlockBlobClient(destination.Name);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelBlocks, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var offset = i * block;
                var length = Math.Min(block, source.Size - offset);
                await blockBlob.StageBlockFromUriAsync(
                    uri,
                    ids[i],
                    new StageBlockFromUriOptions { SourceRange = new HttpRange(offset, length), SourceAuthentication = authorization, SourceConditions = sourceConditions },
                    ct).ConfigureAwait(false);
                bytesMoved(length);
            }).ConfigureAwait(false);
        await blockBlob.CommitBlockListAsync(
            ids,
            new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(source.Partition.Format) } },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<(Uri Uri, HttpAuthorization? Authorization)> SourceAccessAsync(SourcePartition source, CancellationToken cancellationToken)
    {
        var location = BlobLocation.Parse(source.Partition.Location);
        var client = _factory.Container(location).GetBlobClient(location.Path);
        if (_factory.TokenCredential is { } credential)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([StorageScope]), cancellationToken).ConfigureAwait(false);
            return (client.Uri, new HttpAuthorization("Bearer", token.Token));
        }

        if (client.CanGenerateSasUri)
        {
            return (client.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2)), null);
        }

        return (client.Uri, null);
    }

    internal static string ContentType(PartitionFormat format) => format == PartitionFormat.Parquet ? "application/vnd.apache.parquet" : "text/csv";

    private static CISynapseException Changed(SourcePartition source) =>
        new(
            ErrorIds.PartitionLandingFailed,
            ErrorKind.InvalidData,
            $"The partition '{LandingPlanner.Describe(source.Partition.Location)}' changed while it was being landed.",
            source.Partition.Location)
        {
            RecommendedAction = "Run the export again once the source has finished writing.",
        };

    /// <summary>A file read once, front to back, each chunk also fed to a width check.</summary>
    private sealed class CheckedReadStream(Stream inner, Utf8ColumnWidthCheck check) : ForwardReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            check.Append(buffer[..read]);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            check.Append(buffer.Span[..read]);
            return read;
        }
    }

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
