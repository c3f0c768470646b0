namespace AzureEmulator.Tds;

/// <summary>One client message: the type and status of its first packet and the payload of all its packets.</summary>
internal sealed record TdsMessage(byte Type, byte Status, byte[] Payload)
{
    public bool ResetConnection => (Status & (TdsProtocol.StatusResetConnection | TdsProtocol.StatusResetConnectionSkipTran)) != 0;
}

/// <summary>Reads and writes TDS packets (8-byte header, big-endian length) on a stream.</summary>
internal sealed class TdsPacketStream(Stream stream)
{
    private byte _packetId;

    public Stream Stream { get; set; } = stream;

    public int PacketSize { get; set; } = TdsProtocol.DefaultPacketSize;

    /// <summary>The next message, or null when the client closed the connection between messages.</summary>
    public async Task<TdsMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var header = new byte[TdsProtocol.HeaderLength];
        byte type = 0, status = 0;
        var payload = new MemoryStream();
        var first = true;
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(header, cancellationToken))
            {
                if (first)
                {
                    return null;
                }

                throw new EndOfStreamException("The client closed the connection in the middle of a message.");
            }

            var length = (header[2] << 8) | header[3];
            if (length < TdsProtocol.HeaderLength)
            {
                throw new InvalidDataException($"A TDS packet declares length {length}.");
            }

            if (first)
            {
                type = header[0];
                status = header[1];
                first = false;
            }

            var body = new byte[length - TdsProtocol.HeaderLength];
            await Stream.ReadExactlyAsync(body, cancellationToken);
            payload.Write(body);
            if ((header[1] & TdsProtocol.StatusEndOfMessage) != 0)
            {
                return new TdsMessage(type, status, payload.ToArray());
            }
        }
    }

    /// <summary>Writes <paramref name="payload"/> as one message split into packets of the negotiated size.</summary>
    public async Task WriteMessageAsync(byte type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var chunk = PacketSize - TdsProtocol.HeaderLength;
        var offset = 0;
        do
        {
            var size = Math.Min(chunk, payload.Length - offset);
            var last = offset + size >= payload.Length;
            var packet = new byte[TdsProtocol.HeaderLength + size];
            packet[0] = type;
            packet[1] = last ? TdsProtocol.StatusEndOfMessage : (byte)0;
            packet[2] = (byte)(packet.Length >> 8);
            packet[3] = (byte)packet.Length;
            packet[6] = ++_packetId;
            payload.Slice(offset, size).CopyTo(packet.AsMemory(TdsProtocol.HeaderLength));
            await Stream.WriteAsync(packet, cancellationToken);
            offset += size;
        }
        while (offset < payload.Length);
        await Stream.FlushAsync(cancellationToken);
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await Stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("The client closed the connection in the middle of a packet header.");
            }

            read += n;
        }

        return true;
    }
}
