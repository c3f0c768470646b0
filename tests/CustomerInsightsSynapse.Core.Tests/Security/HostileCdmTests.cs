using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Security;

/// <summary>Broken and hostile CDM documents get the ErrorId of what is wrong with them.</summary>
public sealed class HostileCdmTests
{
    private const string Valid = """{"name":"m","version":"1.0","entities":[{"$type":"LocalEntity","name":"Orders","attributes":[{"name":"Id","dataType":"int64"}],"partitions":[]}]}""";

    [Theory]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(90)]
    public void A_truncated_document_is_invalid_not_too_deep(int percent)
    {
        using var temp = new TempFolder();
        temp.Write("model.json", Valid[..(Valid.Length * percent / 100)]);

        var ex = ReadFails(temp.Path);

        Assert.Equal(ErrorIds.InvalidCdmDocument, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
    }

    [Fact]
    public void A_document_truncated_after_nesting_past_the_limit_is_too_deep()
    {
        using var temp = new TempFolder();
        temp.Write("model.json", "{\"x\":" + new StringBuilder().Append('[', 500));

        Assert.Equal(ErrorIds.CdmDocumentTooDeep, ReadFails(temp.Path).ErrorId);
    }

    [Theory]
    [InlineData("utf-8; DROP")]
    [InlineData("EBCDIC")]
    [InlineData("no-such-encoding")]
    public void An_encoding_that_names_no_encoding_is_refused(string encoding)
    {
        using var temp = new TempFolder();
        temp.Write("Orders/o.csv", "1\n");
        temp.Write("model.json", ModelWithCsvSettings($"\"encoding\":\"{encoding}\""));

        var ex = ReadFails(temp.Path);

        Assert.Equal(ErrorIds.InvalidCsvFormat, ex.ErrorId);
        Assert.Contains("encoding", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UTF-8")]
    [InlineData("ASCII")]
    [InlineData("windows-1252")]
    [InlineData("ISO-8859-1")]
    [InlineData("utf-16")]
    [InlineData("1252")]
    public void Real_encodings_are_read(string encoding)
    {
        using var temp = new TempFolder();
        temp.Write("Orders/o.csv", "1\n");
        temp.Write("model.json", ModelWithCsvSettings($"\"encoding\":\"{encoding}\""));

        var entity = Assert.Single(Read(temp.Path).Entities);

        Assert.Equal(encoding, Assert.Single(entity.Partitions).Csv!.Encoding);
    }

    [Theory]
    [InlineData("\\n")]
    [InlineData(",\\r\\n")]
    [InlineData("\\u0000")]
    public void A_delimiter_that_holds_a_line_break_or_nul_is_refused(string delimiter)
    {
        using var temp = new TempFolder();
        temp.Write("Orders/o.csv", "1\n");
        temp.Write("model.json", ModelWithCsvSettings($"\"delimiter\":\"{delimiter}\""));

        Assert.Equal(ErrorIds.InvalidCsvFormat, ReadFails(temp.Path).ErrorId);
    }

    [Theory]
    [InlineData("|||")]
    [InlineData("\\t")]
    public void Multi_character_and_tab_delimiters_are_read(string delimiter)
    {
        using var temp = new TempFolder();
        temp.Write("Orders/o.csv", "1\n");
        temp.Write("model.json", ModelWithCsvSettings($"\"delimiter\":\"{delimiter}\""));

        Assert.Single(Read(temp.Path).Entities);
    }

    [Theory]
    [InlineData("\\r")]
    [InlineData("\\n")]
    [InlineData("\\u0000")]
    public void A_quote_that_holds_a_line_break_or_nul_is_refused(string quote)
    {
        using var temp = new TempFolder();
        temp.Write("Orders/o.csv", "1\n");
        temp.Write("Orders.cdm.json", """{"jsonSchemaSemanticVersion":"1.0.0","definitions":[{"entityName":"Orders","hasAttributes":[{"name":"Id","dataFormat":"Int64"}]}]}""");
        temp.Write("default.manifest.cdm.json", """{"jsonSchemaSemanticVersion":"1.0.0","manifestName":"default","entities":[{"type":"LocalEntity","entityName":"Orders","entityPath":"Orders.cdm.json/Orders","dataPartitions":[{"location":"Orders/o.csv","exhibitsTraits":[{"traitReference":"is.partition.format.CSV","arguments":[{"name":"quote","value":"QUOTE"}]}]}]}]}""".Replace("QUOTE", quote, StringComparison.Ordinal));

        var ex = ReadFails(temp.Path);

        Assert.Equal(ErrorIds.InvalidCsvFormat, ex.ErrorId);
        Assert.Contains("the quote", ex.Message, StringComparison.Ordinal);
    }

    private static string ModelWithCsvSettings(string setting) =>
        "{\"name\":\"m\",\"version\":\"1.0\",\"entities\":[{\"$type\":\"LocalEntity\",\"name\":\"Orders\",\"attributes\":[{\"name\":\"Id\",\"dataType\":\"int64\"}],"
        + "\"partitions\":[{\"name\":\"p\",\"location\":\"Orders/o.csv\",\"fileFormatSettings\":{\"$type\":\"CsvFormatSettings\"," + setting + "}}]}]}";
}
