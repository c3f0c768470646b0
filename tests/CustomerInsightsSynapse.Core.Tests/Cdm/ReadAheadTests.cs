using System.Collections.Concurrent;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Entity documents are read ahead, several at once, and attributes are read in one pass over each object; what a
/// reader sees (entities, warnings, the first error in manifest order) stays what reading one by one gave.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReadAheadTests(AzuriteFixture azurite)
{
    [Fact]
    public void TheFirstBrokenEntityDocumentInManifestOrderIsReportedEveryTime()
    {
        using var temp = new TempFolder();
        WriteManifest(temp, 40, broken: [7, 31]);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var ex = ReadFails(temp.Path);
            Assert.Equal(ErrorIds.InvalidCdmDocument, ex.ErrorId);
            Assert.Contains("E07.cdm.json", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheByteBudgetFailsAtTheSameDocumentAsReadingOneByOne()
    {
        using var temp = new TempFolder();
        WriteManifest(temp, 30, broken: []);
        var manifestBytes = new FileInfo(Path.Combine(temp.Path, "default.manifest.cdm.json")).Length;
        var documentBytes = new FileInfo(Path.Combine(temp.Path, "E00.cdm.json")).Length;
        var budget = manifestBytes + (documentBytes * 12) + (documentBytes / 2);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var ex = ReadFails(temp.Path, new CdmReaderOptions { MaxTotalBytes = budget });
            Assert.Equal(ErrorIds.CdmDocumentTooLarge, ex.ErrorId);
            Assert.Contains("reached at", ex.Message, StringComparison.Ordinal);
            Assert.Contains("E12.cdm.json", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EntitiesAndWarningsComeInManifestOrder()
    {
        using var temp = new TempFolder();
        WriteManifest(temp, 60, broken: [], unknownFormatEvery: 7);
        var folder = Read(temp.Path);
        Assert.Equal(Enumerable.Range(0, 60).Select(Name), folder.Entities.Select(e => e.Name));
        Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 7 == 0).Select(Name), folder.Warnings.Select(w => w[(w.IndexOf("Entity '", StringComparison.Ordinal) + 8)..][..3]));
    }

    [Fact]
    public void ADocumentASubManifestNamesForAnotherEntityIsReadForThatEntityToo()
    {
        // The root manifest's read-ahead reads Shared.cdm.json for entity A only; the sub-manifest then asks for the
        // same definition as entity B, which the reader must read again for B (names in warnings, attributes).
        using var temp = new TempFolder();
        temp.Write("default.manifest.cdm.json", """
            { "manifestName": "root",
              "entities": [ { "type": "LocalEntity", "entityName": "A", "entityPath": "Shared.cdm.json/Thing" } ],
              "subManifests": [ { "manifestName": "sub", "definition": "sub/sub.manifest.cdm.json" } ] }
            """);
        temp.Write("sub/sub.manifest.cdm.json", """
            { "manifestName": "sub", "entities": [ { "type": "LocalEntity", "entityName": "B", "entityPath": "/Shared.cdm.json/Thing" } ] }
            """);
        temp.Write("Shared.cdm.json", """
            { "definitions": [ { "entityName": "Thing", "hasAttributes": [
                { "name": "id", "dataFormat": "Int64" }, { "name": "odd", "dataFormat": "Strange" } ] } ] }
            """);

        var folder = Read(temp.Path);

        Assert.Equal(["A", "B"], folder.Entities.Select(e => e.Name));
        Assert.All(folder.Entities, e => Assert.Equal(["id", "odd"], e.Attributes.Select(a => a.Name)));
        Assert.All(folder.Entities, e => Assert.Equal(["int64", "Strange"], e.Attributes.Select(a => a.DataType)));
        Assert.Equal(2, folder.Warnings.Count);
        Assert.Contains("Entity 'A'", folder.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("Entity 'B'", folder.Warnings[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "exact" }""", "exact")]
    [InlineData("""{ "NAME": "other case" }""", "other case")]
    [InlineData("""{ "Name": "first", "NAME": "second" }""", "first")]
    [InlineData("""{ "Name": "other case", "name": "exact" }""", "exact")]
    [InlineData("""{ "name": "first exact", "name": "last exact" }""", "last exact")]
    [InlineData("""{ "nam": "no", "names": "no" }""", null)]
    [InlineData("""[ "not an object" ]""", null)]
    [InlineData("""{ "na\u006De": "escaped exact" }""", "escaped exact")]
    [InlineData("""{ "NAME": "other case", "na\u006De": "escaped exact" }""", "escaped exact")]
    [InlineData("""{ "N\u0041ME": "escaped other case", "NAME": "second" }""", "escaped other case")]
    [InlineData("""{ "NAMË": "no", "Name": "ascii after non-ascii" }""", "ascii after non-ascii")]
    [InlineData("""{ "nаme": "cyrillic a is not a" }""", null)]
    public void OnePassLookupsAnswerAsSingleLookupsDo(string json, string? expected)
    {
        using var document = JsonDocument.Parse(json);
        var names = new PropertyNames("dataFormat", "name", "description");
        var values = new JsonElement[names.Count];
        CdmJson.GetAll(document.RootElement, names, values);

        Assert.Equal(expected, CdmJson.AsStringOrNull(values[1]));
        Assert.Equal(CdmJson.String(document.RootElement, "name"), CdmJson.AsStringOrNull(values[1]));
        Assert.Equal(JsonValueKind.Undefined, values[0].ValueKind);
        Assert.Equal(JsonValueKind.Undefined, values[2].ValueKind);
    }

    [Theory]
    [InlineData("\"String\"")]
    [InlineData("\"Str\\u0069ng\"")]
    [InlineData("\"string\"")]
    [InlineData("\" DateTime \"")]
    [InlineData("\"DateTimeOffset\"")]
    [InlineData("\"Strange\"")]
    [InlineData("\"\"")]
    [InlineData("5")]
    [InlineData("true")]
    public void AJsonDataFormatNormalizesAsItsTextDoes(string json)
    {
        using var document = JsonDocument.Parse(json);
        var byText = CdmDataTypes.TryNormalize(CdmJson.AsStringOrNull(document.RootElement), out var fromText);

        Assert.Equal(byText, CdmDataTypes.TryNormalize(document.RootElement, out var fromJson));
        Assert.Equal(fromText, fromJson);
    }

    [Fact]
    public async Task ABlobManifestWithManyExplicitPartitionsDescribesThemFromOneListing()
    {
        var requests = new ConcurrentQueue<string>();
        var options = BlobClientFactory.DefaultOptions();
        options.AddPolicy(new RequestRecorder(requests), HttpPipelinePosition.PerCall);
        var reader = new CdmFolderReader(new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options));
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("cdm-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        try
        {
            using var temp = new TempFolder();
            WriteManifest(temp, 30, broken: []);
            foreach (var file in Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories))
            {
                await container.GetBlobClient("ci/" + Path.GetRelativePath(temp.Path, file).Replace('\\', '/')).UploadAsync(file);
            }

            requests.Clear();
            var folder = await reader.ReadAsync(container.Uri.AbsoluteUri.TrimEnd('/') + "/ci", OperationContext.None);

            Assert.Equal(30, folder.Entities.Count);
            Assert.All(folder.Entities, e => Assert.Equal(2, Assert.Single(e.Partitions).Size));
            Assert.Equal(0, requests.Count(r => r == "HEAD"));

            // The manifest, model.json (asked for with it, not there) and the 30 entity documents.
            Assert.Equal(32, requests.Count(r => r == "GET download"));
        }
        finally
        {
            await container.DeleteAsync();
        }
    }

    private static string Name(int index) => "E" + index.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteManifest(TempFolder temp, int entities, int[] broken, int unknownFormatEvery = 0)
    {
        var declarations = string.Join(",", Enumerable.Range(0, entities).Select(i =>
            $$"""{ "entityName": "{{Name(i)}}", "entityPath": "{{Name(i)}}.cdm.json/{{Name(i)}}", "dataPartitions": [ { "location": "{{Name(i)}}/part.csv" } ] }"""));
        temp.Write("default.manifest.cdm.json", $$"""{ "entities": [ {{declarations}} ] }""");
        for (var i = 0; i < entities; i++)
        {
            var format = unknownFormatEvery > 0 && i % unknownFormatEvery == 0 ? "Sparkly" : "String";
            temp.Write(
                $"{Name(i)}.cdm.json",
                broken.Contains(i)
                    ? """{ "definitions": [ { "entityName": """
                    : $$"""{ "definitions": [ { "entityName": "{{Name(i)}}", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "v", "dataFormat": "{{format}}" } ] } ] }""");
            temp.Write($"{Name(i)}/part.csv", "1\n");
        }
    }

    /// <summary>Records each request as its method, and "GET download" for a blob read (neither a listing nor properties).</summary>
    private sealed class RequestRecorder(ConcurrentQueue<string> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var query = message.Request.Uri.Query;
            requests.Enqueue(message.Request.Method == RequestMethod.Get && !query.Contains("comp=", StringComparison.Ordinal) && !query.Contains("restype=", StringComparison.Ordinal)
                ? "GET download"
                : message.Request.Method.Method);
        }
    }
}
