using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// A write-only stream into a block blob that stages each full block of <c>blockSize</c> (once more bytes follow it)
/// while the writer goes on, at most <c>maxBlocksInFlight</c> at a time, each from a pooled buffer: memory is bounded
/// by their product plus the block being filled. <see cref="FlushAsync"/> sends nothing, so every block but the last is
/// full. Nothing is visible until <see cref="CompleteAsync"/>: it commits the blocks in the order written with one
/// Put Block List, or sends a stream of at most one block in one Put Blob. Disposed without it (the writer failed or
/// was cancelled), it waits for the blocks in flight and commits nothing, so no blob appears.
/// </summary>
internal sealed class ConcurrentBlockUploadStream : ForwardWriteStream
{
    private readonly BlockBlobClient _blob;
    private readonly int _blockSize;
    private readonly BlobHttpHeaders _headers;
    private readonly CancellationTokenSource _stop;
    private readonly SemaphoreSlim _slots;
    private readonly List<string> _blockIds = [];
    private readonly List<Task> _staging = [];
    private byte[]? _block;
    private int _filled;
    private long _written;
    private bool _completed;
    private bool _disposed;
    private volatile ExceptionDispatchInfo? _stagingFailure;

    public ConcurrentBlockUploadStream(BlockBlobClient blob, long blockSize, int maxBlocksInFlight, BlobHttpHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, Array.MaxLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlocksInFlight, 1);
        _blob = blob;
        _blockSize = (int)blockSize;
        _headers = headers;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _slots = new SemaphoreSlim(maxBlocksInFlight);
    }

    public override bool CanWrite => !_completed;

    protected override long BytesWritten => _written;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_filled == _blockSize)
            {
                WaitForSlot();
                StageFilledBlock();
            }

            buffer = buffer[Append(buffer)..];
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_filled == _blockSize)
            {
                await WaitForSlotAsync(cancellationToken).ConfigureAwait(false);
                StageFilledBlock();
            }

            buffer = buffer[Append(buffer.Span)..];
        }
    }

    /// <summary>Blocks are staged when full, never on a flush: a flush per column chunk would make many small blocks.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends what is left and makes the blob: one Put Blob for at most one block, else the blocks staged and one Put Block List.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        if (_blockIds.Count == 0)
        {
            using var content = new MemoryStream(_block ?? [], 0, _filled, writable: false);
            await _blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = _headers }, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_filled > 0)
        {
            await WaitForSlotAsync(cancellationToken).ConfigureAwait(false);
            StageFilledBlock();
        }

        try
        {
            await Task.WhenAll(_staging).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stagingFailure is not null)
        {
        }

        _stagingFailure?.Throw();
        await _blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions { HttpHeaders = _headers }, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _completed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_staging).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The blocks of an abandoned upload: whether they failed or were cancelled, none is committed.
        }

        ReturnBlock();
        _stop.Dispose();
        _slots.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies as much of <paramref name="buffer"/> as the block being filled takes; throws the first failure of a staged block.</summary>
    private int Append(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ThrowIfStagingFailed();
        _block ??= ArrayPool<byte>.Shared.Rent(_blockSize);
        var taken = Math.Min(buffer.Length, _blockSize - _filled);
        buffer[..taken].CopyTo(_block.AsSpan(_filled));
        _filled += taken;
        _written += taken;
        return taken;
    }

    /// <summary>Starts staging the block filled so far, holding a slot taken by the caller; the next write fills a new buffer.</summary>
    private void StageFilledBlock()
    {
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{_blockIds.Count:D8}"));
        _blockIds.Add(id);
        var block = _block!;
        var length = _filled;
        _block = null;
        _filled = 0;
        _staging.Add(StageAsync(id, block, length));
    }

    private async Task StageAsync(string id, byte[] block, int length)
    {
        try
        {
            using var content = new MemoryStream(block, 0, length, writable: false);
            await _blob.StageBlockAsync(id, content, new BlockBlobStageBlockOptions(), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            // The writer learns of it at its next write; the other blocks in flight are not needed any more.
            _stagingFailure ??= ExceptionDispatchInfo.Capture(ex);
            await _stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
            _slots.Release();
        }
    }

    private void ThrowIfStagingFailed() => _stagingFailure?.Throw();

    private void WaitForSlot()
    {
        try
        {
            _slots.Wait(_stop.Token);
        }
        catch (OperationCanceledException) when (_stagingFailure is not null)
        {
            _stagingFailure.Throw();
        }
    }

    private async Task WaitForSlotAsync(CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        try
        {
            await _slots.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stagingFailure is not null)
        {
            _stagingFailure.Throw();
        }
    }

    private void ReturnBlock()
    {
        if (_block is not null)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = null;
        }
    }
}
