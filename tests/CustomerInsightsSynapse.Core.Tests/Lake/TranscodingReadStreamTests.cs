using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

public sealed class TranscodingReadStreamTests
{
    private const string Text = "Id,Name,City\n1,\"Zoë \"\"Ångström\"\"\",Köln – Straße\n2,Łódź,Ærøskøbing €5\n";

    [Theory]
    [InlineData("windows-1252", "Id,Name\n1,Zoë Ångström – €5\n")]
    [InlineData("ISO-8859-1", "Id,Name\n1,Zoë Ångström ÿ\n")]
    [InlineData("UTF-16", Text)]
    [InlineData("UTF-16BE", Text)]
    [InlineData("utf-32", Text + "😀")]
    [InlineData("shift_jis", "Id,Name\n1,東京都港区\n2,ｶﾀｶﾅ\n")]
    [InlineData("1252", "a,b\n€,ž\n")]
    public void ReadsTheDeclaredEncodingAsUtf8(string encoding, string text)
    {
        var source = CsvEncodings.Find(encoding)!;

        var landed = Transcode(source.GetBytes(text), encoding, readSize: 4096);

        Assert.Equal(Encoding.UTF8.GetBytes(text), landed);
    }

    [Theory]
    [InlineData("UTF-16", 1)]
    [InlineData("UTF-16BE", 3)]
    [InlineData("shift_jis", 1)]
    [InlineData("utf-32", 5)]
    [InlineData("windows-1252", 7)]
    public void CharactersSplitAcrossReadsAndChunksComeOutWhole(string encoding, int readSize)
    {
        // More than one 64 KiB chunk, multi-byte characters on every boundary, and a character outside the BMP.
        var line = encoding switch
        {
            "windows-1252" => "Zoë €",
            "shift_jis" => "東京 ﾃｽﾄ Ω",
            _ => "東京 😀 Ωé",
        };
        var text = string.Concat(Enumerable.Range(0, 9000).Select(i => $"{i},{line}\n"));
        var source = CsvEncodings.Find(encoding)!;

        var landed = Transcode(source.GetBytes(text), encoding, readSize);

        Assert.Equal(Encoding.UTF8.GetBytes(text), landed);
    }

    [Theory]
    [InlineData("UTF-16", new byte[] { 0xFF, 0xFE })]
    [InlineData("UTF-16BE", new byte[] { 0xFF, 0xFE })]
    [InlineData("UTF-16", new byte[] { 0xFE, 0xFF })]
    [InlineData("utf-32", new byte[] { 0xFF, 0xFE, 0x00, 0x00 })]
    public void AByteOrderMarkIsDroppedAndSaysTheByteOrder(string declared, byte[] mark)
    {
        var order = mark switch
        {
            [0xFE, 0xFF] => Encoding.BigEndianUnicode,
            [0xFF, 0xFE, 0, 0] => Encoding.UTF32,
            _ => Encoding.Unicode,
        };
        var bytes = mark.Concat(order.GetBytes("Id\n€ß\n")).ToArray();

        var landed = Transcode(bytes, declared, readSize: 1);

        Assert.Equal(Encoding.UTF8.GetBytes("Id\n€ß\n"), landed);
    }

    [Fact]
    public void WithoutAByteOrderMarkUtf16IsLittleEndian()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("ab"), Transcode(Encoding.Unicode.GetBytes("ab"), "UTF-16", 4096));
    }

    [Fact]
    public void AnEmptyFileStaysEmpty()
    {
        Assert.Empty(Transcode([], "windows-1252", 4096));
        Assert.Empty(Transcode([0xFF, 0xFE], "UTF-16", 4096));
    }

    [Theory]
    [InlineData("UTF-16", 1)]
    [InlineData("UTF-16", 4096)]
    [InlineData("shift_jis", 3)]
    public void BytesThatDoNotDecodeFailWithEntityFileAndOffset(string encoding, int readSize)
    {
        var source = CsvEncodings.Find(encoding)!;
        var good = source.GetBytes(string.Concat(Enumerable.Repeat("1,東京\n", 12_000)));
        // UTF-16: a lone low surrogate followed by 'A'; Shift-JIS: a lead byte followed by a byte no trail may be.
        byte[] bad = encoding == "UTF-16" ? [0x00, 0xDC, 0x41, 0x00] : [0x81, 0x20];
        var bytes = good.Concat(bad).Concat(source.GetBytes("\n2,x\n")).ToArray();

        var ex = Assert.Throws<CISynapseException>(() => Transcode(bytes, encoding, readSize));

        Assert.Equal(ErrorIds.CsvTextNotDecodable, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("'Contact'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'cdm/Contact/part.csv'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {good.Length}", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.RecommendedAction);
    }

    [Fact]
    public async Task ReadsAsynchronouslyTheSameBytesAndReportsSourceBytesRead()
    {
        var source = CsvEncodings.Find("windows-1252")!;
        var text = string.Concat(Enumerable.Repeat("1,Zoë €\n", 30_000));
        var bytes = source.GetBytes(text);
        var reported = new List<long>();
        await using var stream = new TranscodingReadStream(new MemoryStream(bytes), source, "Contact", "part.csv", reported.Add);
        using var landed = new MemoryStream();

        await stream.CopyToAsync(landed);

        Assert.Equal(Encoding.UTF8.GetBytes(text), landed.ToArray());
        Assert.Equal(bytes.Length, reported[^1]);
        Assert.Equal(reported.Order(), reported);
    }

    private static byte[] Transcode(byte[] bytes, string encoding, int readSize)
    {
        using var stream = new TranscodingReadStream(new TrickleStream(bytes, readSize), CsvEncodings.Find(encoding)!, "Contact", "cdm/Contact/part.csv");
        using var landed = new MemoryStream();
        var buffer = new byte[Math.Max(1, readSize / 2)];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            landed.Write(buffer, 0, read);
        }

        return landed.ToArray();
    }

    /// <summary>A source that returns at most <c>readSize</c> bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);
    }
}
