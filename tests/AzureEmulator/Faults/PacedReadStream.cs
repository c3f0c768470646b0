using System.Diagnostics;

namespace AzureEmulator.Faults;

/// <summary>
/// Reads another stream no faster than a given number of bytes per second: after each read, it waits until the
/// time since the first read is at least the bytes read so far divided by the rate. A transfer of N bytes through
/// it therefore takes at least N / rate seconds. Reads are cut to a tenth of a second's worth, so the pace is even.
/// </summary>
internal sealed class PacedReadStream(Stream inner, long bytesPerSecond, Action<int> onRead) : Stream
{
    private readonly long _chunk = Math.Max(1, bytesPerSecond / 10);
    private Stopwatch? _clock;
    private long _total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _clock ??= Stopwatch.StartNew();
        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _chunk)], cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _total += read;
            onRead(read);
            var due = TimeSpan.FromSeconds((double)_total / bytesPerSecond) - _clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken).ConfigureAwait(false);
            }
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
