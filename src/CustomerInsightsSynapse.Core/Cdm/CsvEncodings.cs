using System.Globalization;
using System.Text;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The encodings a CSV partition may declare (CDM <c>encoding</c>): a name or a code page number that .NET or its
/// code-page provider knows. UTF-8 and ASCII files land as they are; every other known encoding is transcoded to
/// UTF-8 while landing, because serverless SQL parser 2.0 reads UTF-8 only.
/// </summary>
public static class CsvEncodings
{
    /// <summary>The encoding that <paramref name="name"/> names, strict (undecodable bytes throw), or null when it names none.</summary>
    public static Encoding? Find(string? name)
    {
        var trimmed = (name ?? string.Empty).Trim();
        if (trimmed.Length is 0 or > 64)
        {
            return null;
        }

        try
        {
            var found = int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var codePage)
                ? CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.GetEncoding(codePage)
                : CodePagesEncodingProvider.Instance.GetEncoding(trimmed) ?? Encoding.GetEncoding(trimmed);
            return CodePagesEncodingProvider.Instance.GetEncoding(found.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
                ?? Encoding.GetEncoding(found.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>True when files in <paramref name="name"/> are UTF-8 already (UTF-8, or its subset ASCII; an empty name means CDM's default, UTF-8).</summary>
    public static bool IsUtf8(string? name)
    {
        var key = (name ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return key is "" or "UTF8" or "65001" or "ASCII" or "USASCII" or "20127" || Find(name)?.CodePage is 65001 or 20127;
    }

    /// <summary>
    /// The source encoding of a CSV partition that is transcoded to UTF-8 while landing, or null when the partition
    /// lands as it is (Parquet, UTF-8, ASCII, or an encoding no reader knows, which the SQL generator refuses).
    /// </summary>
    public static Encoding? TranscodedFrom(CdmPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (partition.Format != PartitionFormat.Csv || IsUtf8(partition.Csv?.Encoding))
        {
            return null;
        }

        return Find(partition.Csv!.Encoding);
    }

    /// <summary>The encoding of the files as landed: UTF-8 for every encoding the lander transcodes, otherwise <paramref name="declared"/>.</summary>
    public static string Landed(string declared) => IsUtf8(declared) || Find(declared) is not null ? "UTF-8" : declared;
}
