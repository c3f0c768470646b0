using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>Reads CSV settings from the <c>is.partition.format.CSV</c> trait and from model.json <c>CsvFormatSettings</c>.</summary>
internal static class CsvFormatReader
{
    public const string CsvTrait = "is.partition.format.CSV";
    public const string ParquetTrait = "is.partition.format.parquet";
    private const string FormatTraitPrefix = "is.partition.format.";

    /// <summary>The format a partition's traits declare: (null, null) when none does; the name of an unsupported one otherwise.</summary>
    public static (PartitionFormat? Format, CsvFormat? Csv, string? Unsupported) FromTraits(IReadOnlyList<CdmTrait> traits)
    {
        foreach (var trait in traits)
        {
            if (!trait.Name.StartsWith(FormatTraitPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(trait.Name, CsvTrait, StringComparison.OrdinalIgnoreCase))
            {
                return (PartitionFormat.Csv, FromCsvTrait(trait, CsvFormat.Default), null);
            }

            if (string.Equals(trait.Name, ParquetTrait, StringComparison.OrdinalIgnoreCase))
            {
                return (PartitionFormat.Parquet, null, null);
            }

            return (null, null, trait.Name[FormatTraitPrefix.Length..]);
        }

        return (null, null, null);
    }

    public static CsvFormat FromCsvTrait(CdmTrait trait, CsvFormat start)
    {
        var csv = start;
        if (trait.BoolArgument("columnHeaders") is { } header)
        {
            csv = csv with { HasHeader = header };
        }

        if (trait.StringArgument("delimiter") is { Length: > 0 } delimiter)
        {
            csv = csv with { Delimiter = delimiter };
        }

        if (trait.StringArgument("quote") is { } quote)
        {
            csv = csv with { Quote = quote };
        }

        if (IsQuoteStyleNone(trait.StringArgument("quoteStyle")))
        {
            csv = csv with { Quote = string.Empty };
        }

        if (trait.StringArgument("escape") is { } escape)
        {
            csv = csv with { Escape = escape };
        }

        if (trait.StringArgument("encoding") is { Length: > 0 } encoding)
        {
            csv = csv with { Encoding = encoding };
        }

        if (trait.StringArgument("newline") is { Length: > 0 } newline)
        {
            csv = csv with { NewLine = newline };
        }

        if (trait.IntArgument("skipLines") is { } skip and >= 0)
        {
            csv = csv with { SkipLines = skip };
        }

        return csv;
    }

    /// <summary>Applies model.json <c>CsvFormatSettings</c> over <paramref name="start"/>: the settings win over traits.</summary>
    public static CsvFormat FromSettings(JsonElement settings, CsvFormat start)
    {
        var csv = start;
        if (CdmJson.Bool(settings, "columnHeaders") is { } header)
        {
            csv = csv with { HasHeader = header };
        }

        if (CdmJson.String(settings, "delimiter") is { Length: > 0 } delimiter)
        {
            csv = csv with { Delimiter = delimiter };
        }

        if (CdmJson.String(settings, "quoteStyle") is { } quoteStyle)
        {
            csv = csv with { Quote = IsQuoteStyleNone(quoteStyle) ? string.Empty : (csv.Quote.Length == 0 ? "\"" : csv.Quote) };
        }

        if (CdmJson.String(settings, "encoding") is { Length: > 0 } encoding)
        {
            csv = csv with { Encoding = encoding };
        }

        return csv;
    }

    /// <summary>
    /// Refuses CSV settings no reader could apply: an encoding name that names no encoding, and a delimiter, quote or
    /// escape that holds a line break or NUL (rows could not be split). Returns the settings unchanged.
    /// </summary>
    public static CsvFormat? Validate(CsvFormat? csv, string document, string item)
    {
        if (csv is null)
        {
            return null;
        }

        if (!IsKnownEncoding(csv.Encoding))
        {
            throw CdmErrors.InvalidCsv(document, item, $"the encoding '{Printable(csv.Encoding)}' is not the name or code page of an encoding");
        }

        foreach (var (what, value) in new[] { ("delimiter", csv.Delimiter), ("quote", csv.Quote), ("escape", csv.Escape ?? string.Empty) })
        {
            if (value.IndexOfAny(['\r', '\n', '\0']) >= 0)
            {
                throw CdmErrors.InvalidCsv(document, item, $"the {what} '{Printable(value)}' contains a line break or NUL");
            }
        }

        return csv;
    }

    private static bool IsKnownEncoding(string name) => CsvEncodings.Find(name) is not null;

    private static string Printable(string value) =>
        new string(value.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (value.Length > 40 ? "…" : string.Empty);

    private static bool IsQuoteStyleNone(string? quoteStyle) =>
        quoteStyle is not null && (quoteStyle.Equals("QuoteStyle.None", StringComparison.OrdinalIgnoreCase) || quoteStyle.Equals("None", StringComparison.OrdinalIgnoreCase));

    /// <summary>The format implied by a file name when no trait or setting says: Parquet for .parquet, CSV otherwise.</summary>
    public static PartitionFormat FromExtension(string path) =>
        path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? PartitionFormat.Parquet : PartitionFormat.Csv;
}
