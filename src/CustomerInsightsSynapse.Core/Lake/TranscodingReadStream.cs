using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Reads a text file in one encoding as UTF-8 without a byte order mark, front to back, holding one chunk at a time
/// (memory does not grow with the file). A byte order mark at the start is dropped; for UTF-16 and UTF-32 it also
/// says the byte order, whichever order the partition declared. Bytes that do not decode fail the read with
/// <see cref="ErrorIds.CsvTextNotDecodable"/> naming the entity, the file and the byte offset.
/// </summary>
internal sealed class TranscodingReadStream : ForwardReadStream
{
    private const int ChunkBytes = 64 * 1024;
    private const int ByteOrderMarkBytes = 4;

    private readonly Stream _source;
    private readonly string _entity;
    private readonly string _file;
    private readonly Action<long>? _sourceBytesRead;
    private readonly byte[] _input = new byte[ChunkBytes];
    private readonly Encoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetEncoder();
    private Encoding _encoding;
    private Decoder _decoder;
    private char[] _chars;
    private byte[] _output;
    private int _outputStart;
    private int _outputEnd;
    private long _decodedBytes;
    private bool _started;
    private bool _finished;

    /// <param name="source">The file's bytes in <paramref name="encoding"/>.</param>
    /// <param name="encoding">The declared encoding (strict: see <see cref="Cdm.CsvEncodings.Find"/>).</param>
    /// <param name="entity">The entity, for the error.</param>
    /// <param name="file">The file, for the error.</param>
    /// <param name="sourceBytesRead">Told the total of source bytes read so far, after each read.</param>
    public TranscodingReadStream(Stream source, Encoding encoding, string entity, string file, Action<long>? sourceBytesRead = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoding);
        _source = source;
        _entity = entity;
        _file = file;
        _sourceBytesRead = sourceBytesRead;
        _encoding = encoding;
        _decoder = encoding.GetDecoder();
        _chars = new char[encoding.GetMaxCharCount(ChunkBytes)];
        _output = new byte[Encoding.UTF8.GetMaxByteCount(_chars.Length)];
    }

    /// <summary>Source bytes read so far.</summary>
    public long SourceBytes { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        while (_outputStart == _outputEnd && !_finished)
        {
            var read = _source.Read(_input, 0, _input.Length);
            while (!_started && read is > 0 and < ByteOrderMarkBytes && _source.Read(_input, read, _input.Length - read) is var more and > 0)
            {
                read += more;
            }

            Transcode(read);
        }

        return CopyOut(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputStart == _outputEnd && !_finished)
        {
            var read = await _source.ReadAsync(_input.AsMemory(), cancellationToken).ConfigureAwait(false);
            while (!_started && read is > 0 and < ByteOrderMarkBytes && await _source.ReadAsync(_input.AsMemory(read), cancellationToken).ConfigureAwait(false) is var more and > 0)
            {
                read += more;
            }

            Transcode(read);
        }

        return CopyOut(buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int CopyOut(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, count).CopyTo(buffer);
        _outputStart += count;
        return count;
    }

    /// <summary>Decodes the <paramref name="read"/> bytes just read into <see cref="_input"/> (0: the end of the file) and encodes them as UTF-8.</summary>
    private void Transcode(int read)
    {
        SourceBytes += read;
        _sourceBytesRead?.Invoke(SourceBytes);
        var flush = read == 0;
        var bytes = _input.AsSpan(0, read);
        if (!_started)
        {
            bytes = bytes[SkipByteOrderMark(bytes)..];
        }

        int chars;
        try
        {
            chars = _decoder.GetChars(bytes, _chars, flush);
        }
        catch (DecoderFallbackException ex)
        {
            throw NotDecodable(ex);
        }

        _decodedBytes += bytes.Length;
        var encoded = _utf8.GetBytes(_chars.AsSpan(0, chars), _output, flush);
        _outputStart = 0;
        _outputEnd = encoded;
        _finished = flush;
    }

    /// <summary>
    /// At the start of the file: the length of a byte order mark of the declared encoding's family (0 when none), and
    /// for UTF-16 and UTF-32 the byte order it names.
    /// </summary>
    private int SkipByteOrderMark(ReadOnlySpan<byte> bytes)
    {
        _started = true;
        var (mark, encoding) = _encoding.CodePage switch
        {
            1200 or 1201 when bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) => (2, 1200),
            1200 or 1201 when bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) => (2, 1201),
            12000 or 12001 when bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) => (4, 12000),
            12000 or 12001 when bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]) => (4, 12001),
            _ when bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) && _encoding.CodePage is 65001 => (3, 65001),
            _ => (0, _encoding.CodePage),
        };
        if (encoding != _encoding.CodePage)
        {
            _encoding = Encoding.GetEncoding(encoding, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            _decoder = _encoding.GetDecoder();
            _chars = new char[Math.Max(_chars.Length, _encoding.GetMaxCharCount(ChunkBytes))];
            _output = new byte[Math.Max(_output.Length, Encoding.UTF8.GetMaxByteCount(_chars.Length))];
        }

        _decodedBytes = mark;
        return mark;
    }

    private CISynapseException NotDecodable(DecoderFallbackException ex)
    {
        // Index is relative to the bytes of this call; it is negative for bytes the decoder held back from the last one.
        var offset = _decodedBytes + ex.Index;
        var bad = ex.BytesUnknown is { Length: > 0 } unknown ? " (" + Convert.ToHexString(unknown) + ")" : string.Empty;
        return new CISynapseException(
            ErrorIds.CsvTextNotDecodable,
            ErrorKind.InvalidData,
            $"The partition '{_file}' of entity '{_entity}' is not valid {_encoding.WebName} text: the bytes at offset {offset.ToString(CultureInfo.InvariantCulture)}{bad} do not decode, so it cannot be transcoded to UTF-8.",
            _entity,
            ex)
        {
            RecommendedAction = RecommendedActions.For(ErrorIds.CsvTextNotDecodable),
        };
    }
}
