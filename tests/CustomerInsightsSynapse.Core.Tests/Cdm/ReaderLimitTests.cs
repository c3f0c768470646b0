using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>Hostile or broken documents are refused clearly instead of exhausting the process.</summary>
public sealed class ReaderLimitTests
{
    [Fact]
    public void DeeplyNestedJsonIsRefused()
    {
        using var temp = new TempFolder();
        var depth = 100_000;
        var json = new StringBuilder("{\"name\":\"m\",\"version\":\"1.0\",\"entities\":[],\"x\":");
        json.Append('[', depth).Append(']', depth).Append('}');
        temp.Write("model.json", json.ToString());
        var ex = ReadFails(temp.Path);
        Assert.Equal(ErrorIds.CdmDocumentTooDeep, ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
        Assert.Contains("128", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingWithinTheLimitReads()
    {
        using var temp = new TempFolder();
        var json = new StringBuilder("{\"name\":\"m\",\"version\":\"1.0\",\"entities\":[],\"x\":");
        json.Append('[', 100).Append(']', 100).Append('}');
        temp.Write("model.json", json.ToString());
        Assert.Empty(Read(temp.Path).Entities);
    }

    [Fact]
    public void DocumentsLargerThanTheLimitAreRefusedBeforeParsing()
    {
        using var temp = new TempFolder();
        var path = temp.Write("model.json", "{\"name\":\"m\",\"version\":\"1.0\",\"entities\":[]," + "\"pad\":\"" + new string('x', 5000) + "\"}");
        var ex = ReadFails(temp.Path, new CdmReaderOptions { MaxDocumentBytes = 4096 });
        Assert.Equal(ErrorIds.CdmDocumentTooLarge, ex.ErrorId);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("4,096", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultLimitRefusesAHundredMegabyteManifest()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "big.manifest.cdm.json");
        using (var file = File.Create(path))
        {
            file.SetLength(100L * 1024 * 1024);
        }

        var ex = ReadFails(path);
        Assert.Equal(ErrorIds.CdmDocumentTooLarge, ex.ErrorId);
        Assert.Contains("104,857,600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTotalOfAllDocumentsIsLimitedToo()
    {
        using var temp = new TempFolder();
        var entities = string.Join(",", Enumerable.Range(0, 5).Select(i => $$"""{ "entityName": "E{{i}}", "entityPath": "E{{i}}.cdm.json/E{{i}}" }"""));
        temp.Write("default.manifest.cdm.json", $$"""{ "entities": [ {{entities}} ] }""");
        for (var i = 0; i < 5; i++)
        {
            temp.Write($"E{i}.cdm.json", $$"""{ "definitions": [ { "entityName": "E{{i}}", "description": "{{new string('d', 1000)}}", "hasAttributes": [] } ] }""");
        }

        Assert.Equal(5, Read(temp.Path).Entities.Count);
        var ex = ReadFails(temp.Path, new CdmReaderOptions { MaxTotalBytes = 3000 });
        Assert.Equal(ErrorIds.CdmDocumentTooLarge, ex.ErrorId);
        Assert.Contains("add up to more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACatastrophicRegexTimesOut()
    {
        using var temp = new TempFolder();
        temp.Write("E.cdm.json", """{ "definitions": [ { "entityName": "E", "hasAttributes": [] } ] }""");
        temp.Write("E/" + new string('a', 40) + "!", "x");
        temp.Write("default.manifest.cdm.json", """
            { "entities": [ { "entityName": "E", "entityPath": "E.cdm.json/E",
              "dataPartitionPatterns": [ { "name": "slow", "rootLocation": "E", "regularExpression": "^/(a+)+$" } ] } ] }
            """);
        var ex = ReadFails(temp.Path, new CdmReaderOptions { RegexTimeout = TimeSpan.FromMilliseconds(50) });
        Assert.Equal(ErrorIds.InvalidPartitionPattern, ex.ErrorId);
        Assert.Contains("took too long", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubManifestChainsDeeperThanTheLimitAreRefused()
    {
        using var temp = new TempFolder();
        var path = "";
        for (var i = 0; i < 5; i++)
        {
            temp.Write(Path.Combine(path, i == 0 ? "default.manifest.cdm.json" : $"m{i}.manifest.cdm.json"), $$"""{ "entities": [], "subManifests": [ { "manifestName": "m{{i + 1}}", "definition": "s/m{{i + 1}}.manifest.cdm.json" } ] }""");
            path = Path.Combine(path, "s");
        }

        temp.Write(Path.Combine(path, "m5.manifest.cdm.json"), """{ "entities": [] }""");
        Assert.Empty(Read(temp.Path).Entities);
        var ex = ReadFails(temp.Path, new CdmReaderOptions { MaxSubManifestDepth = 3 });
        Assert.Equal(ErrorIds.InvalidCdmDocument, ex.ErrorId);
        Assert.Contains("more than 3 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16DocumentsWithABomRead()
    {
        using var temp = new TempFolder();
        var text = """{ "name": "m", "version": "1.0", "entities": [ { "name": "Ünïcode", "attributes": [ { "name": "a", "dataType": "string" } ] } ] }""";
        File.WriteAllBytes(Path.Combine(temp.Path, "model.json"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
        Assert.Equal("Ünïcode", Assert.Single(Read(temp.Path).Entities).Name);
    }
}
