using System.Buffers;
using System.Security.Cryptography;
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
/// a blob one downloaded and uploaded instead of copied. A UTF-8 byte order mark is not landed: a local file's is
/// skipped, and a UTF-8 CSV blob is asked whether it starts with one without reading it (see
/// <see cref="StartsWithByteOrderMarkAsync"/>) and copied from past it. A CSV file's bytes that pass through the module go through
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
        if (CopiesOnServer(source))
        {
            var access = await SourceAccessAsync(source, cancellationToken).ConfigureAwait(false);
            try
            {
                var skip = IsUtf8Csv(source) && await StartsWithByteOrderMarkAsync(source, access, destination, cancellationToken).ConfigureAwait(false)
                    ? Utf8ByteOrderMark.Length
                    : 0;
                await CopyAsync(source, access, skip, destination, bytesMoved, cancellationToken).ConfigureAwait(false);
                return skip == 0 ? "server-side copy" : "server-side copy without its UTF-8 byte order mark";
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Only the source carries a condition here (its ETag as planned).
                throw Changed(source, ex);
            }
        }

        await UploadAsync(entity, source, destination, bytesMoved, cancellationToken).ConfigureAwait(false);
        return CsvEncodings.TranscodedFrom(source.Partition) is null ? "upload" : $"transcoded from {source.Partition.Csv!.Encoding} to UTF-8";
    }

    /// <summary>Whether <see cref="LandAsync"/> has the storage service copy the partition: a blob that needs no transcoding.</summary>
    public static bool CopiesOnServer(SourcePartition source) => source.IsBlob && CsvEncodings.TranscodedFrom(source.Partition) is null;

    /// <summary>
    /// Streams a local file, or a blob that needs transcoding, into <paramref name="destination"/> in blocks; the
    /// blocks are committed only when every byte was read, decoded and checked, so a failure leaves no blob.
    /// </summary>
    private async Task UploadAsync(CdmEntity entity, SourcePartition source, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        // A UTF-8 byte order mark is not landed: the serverless documentation promises UTF-8, and says nothing of a mark.
        // A blob comes here only to be transcoded, so never as UTF-8.
        await using var input = source.IsBlob
            ? await ReadBlobAsync(source, default, cancellationToken).ConfigureAwait(false)
            : OpenLocal(source, IsUtf8Csv(source) ? Utf8ByteOrderMark.Length : 0);
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

        // A file of at most one block is sent from memory in one Put Blob (below) and reports its bytes once sent: a
        // progress handler would have the SDK copy every byte once more, through its progress-counting stream.
        var oneBlock = !source.IsBlob && encoding is null && source.Size <= _options.BlockSize;
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(source.Partition.Format) },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = _options.BlockSize,
                MaximumTransferSize = _options.BlockSize,
                MaximumConcurrency = _options.MaxParallelBlocks,
            },
            ProgressHandler = encoding is null && !oneBlock ? new Progress(Report) : null,
        };
        if (oneBlock)
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

    /// <summary>
    /// Whether the blob (as planned: its ETag then) starts with a UTF-8 byte order mark, asked of the storage service
    /// so that no byte of it passes through this process: its first 3 bytes are staged as a block of the destination
    /// with the mark's MD5 as the source content hash, which the service refuses with <c>Md5Mismatch</c> when they
    /// differ (Put Block From URL, <c>x-ms-source-content-md5</c>). The block is never committed: a copy from past the
    /// mark commits only its own blocks, and a whole copy replaces the blob. The refusal is documented as a 400, its
    /// error code is not: any other 400 is answered by reading the 3 bytes instead.
    /// </summary>
    private async Task<bool> StartsWithByteOrderMarkAsync(SourcePartition source, SourceAccess access, BlobClient destination, CancellationToken cancellationToken)
    {
        if (source.Size < Utf8ByteOrderMark.Length)
        {
            return false;
        }

        try
        {
            await BlockBlob(destination).StageBlockFromUriAsync(
                access.Uri,
                BlockId("probe", 0),
                new StageBlockFromUriOptions
                {
                    SourceRange = new HttpRange(0, Utf8ByteOrderMark.Length),
                    SourceAuthentication = access.Authorization,
                    SourceConditions = access.Conditions,
                    SourceContentHash = ByteOrderMarkMd5,
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return ex.ErrorCode != "Md5Mismatch" && await ReadsAsByteOrderMarkAsync(source, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> ReadsAsByteOrderMarkAsync(SourcePartition source, CancellationToken cancellationToken)
    {
        var start = await ReadBlobAsync(source, new HttpRange(0, Utf8ByteOrderMark.Length), cancellationToken).ConfigureAwait(false);
        await using (start.ConfigureAwait(false))
        {
            var bytes = new byte[Utf8ByteOrderMark.Length];
            var read = await start.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return read == bytes.Length && bytes.AsSpan().SequenceEqual(Utf8ByteOrderMark);
        }
    }

    private static byte[] ByteOrderMarkMd5 { get; } = MD5.HashData(Utf8ByteOrderMark);

    /// <summary>Block ids of one blob must all have the same length: a 5-letter kind and an 8-digit number.</summary>
    private static string BlockId(string kind, int number) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{kind}-{number:D8}"));

    private static BlockBlobClient BlockBlob(BlobClient destination) => destination.GetParentBlobContainerClient().GetBlockBlobClient(destination.Name);

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

    /// <summary>Copies the blob from byte <paramref name="skip"/> on by the service: whole in one request when it may, else in ranges.</summary>
    private async Task CopyAsync(SourcePartition source, SourceAccess access, int skip, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        if (skip == 0 && source.Size <= _options.SingleCopyLimit)
        {
            await destination.SyncCopyFromUriAsync(
                access.Uri,
                new BlobCopyFromUriOptions { SourceAuthentication = access.Authorization, SourceConditions = new BlobRequestConditions { IfMatch = access.Conditions.IfMatch } },
                cancellationToken).ConfigureAwait(false);
            bytesMoved(source.Size);
            return;
        }

        var block = _options.CopyBlockSize;
        var count = (int)Math.Max(1, (source.Size - skip + block - 1) / block);
        var ids = Enumerable.Range(0, count).Select(i => BlockId("block", i)).ToArray();
        var blockBlob = BlockBlob(destination);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelBlocks, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var offset = skip + (i * block);
                var length = Math.Min(block, source.Size - offset);
                if (length > 0)
                {
                    await blockBlob.StageBlockFromUriAsync(
                        access.Uri,
                        ids[i],
                        new StageBlockFromUriOptions { SourceRange = new HttpRange(offset, length), SourceAuthentication = access.Authorization, SourceConditions = access.Conditions },
                        ct).ConfigureAwait(false);
                }

                bytesMoved(i == 0 ? skip + length : length);
            }).ConfigureAwait(false);
        await blockBlob.CommitBlockListAsync(
            source.Size == skip ? [] : ids,
            new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(source.Partition.Format) } },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How the service reads the source blob for a copy: its URL, the authorization, and its ETag as planned.</summary>
    private sealed record SourceAccess(Uri Uri, HttpAuthorization? Authorization, RequestConditions Conditions);

    private async Task<SourceAccess> SourceAccessAsync(SourcePartition source, CancellationToken cancellationToken)
    {
        var location = BlobLocation.Parse(source.Partition.Location);
        var client = _factory.Container(location).GetBlobClient(location.Path);
        var conditions = new RequestConditions { IfMatch = new ETag("\"" + source.Version + "\"") };
        if (_factory.TokenCredential is { } credential)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([StorageScope]), cancellationToken).ConfigureAwait(false);
            return new SourceAccess(client.Uri, new HttpAuthorization("Bearer", token.Token), conditions);
        }

        if (client.CanGenerateSasUri)
        {
            return new SourceAccess(client.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2)), null, conditions);
        }

        return new SourceAccess(client.Uri, null, conditions);
    }

    internal static string ContentType(PartitionFormat format) => format == PartitionFormat.Parquet ? "application/vnd.apache.parquet" : "text/csv";

    private static CISynapseException Changed(SourcePartition source, Exception? inner = null) =>
        new(
            ErrorIds.PartitionLandingFailed,
            ErrorKind.InvalidData,
            $"The partition '{LandingPlanner.Describe(source.Partition.Location)}' changed while it was being landed.",
            source.Partition.Location,
            inner)
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
