namespace AzureEmulator.Tds;

/// <summary>
/// The transport under the server's SslStream. In TDS 7.x the TLS handshake travels inside PRELOGIN packets
/// ([MS-TDS] 2.2.6.5): while <see cref="InHandshake"/> is true, reads unwrap packet payloads and writes are sent
/// as PRELOGIN packets. Afterwards TLS records go over the socket as they are.
/// </summary>
internal sealed class PreLoginTlsStream(Stream inner) : Stream
{
    private readonly byte[] _header = new byte[TdsProtocol.HeaderLength];
    private int _remainingInPacket;

    public bool InHandshake { get; set; } = true;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!InHandshake)
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        while (_remainingInPacket == 0)
        {
            await inner.ReadExactlyAsync(_header, cancellationToken);
            _remainingInPacket = ((_header[2] << 8) | _header[3]) - TdsProtocol.HeaderLength;
            if (_remainingInPacket < 0)
            {
                throw new InvalidDataException("A PRELOGIN packet carrying TLS declares a length below its header.");
            }
        }

        if (buffer.Length == 0)
        {
            // SslStream waits for data with zero-byte reads; a packet has arrived, so there is data.
            return 0;
        }

        var n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _remainingInPacket)], cancellationToken);
        if (n == 0)
        {
            throw new EndOfStreamException("The client closed the connection during the TLS handshake.");
        }

        _remainingInPacket -= n;
        return n;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!InHandshake)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        await new TdsPacketStream(inner).WriteMessageAsync(TdsProtocol.PreLogin, buffer, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
