using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// A blob folder's document is found by reading default.manifest.cdm.json and model.json by name, both asked for at
/// once and the manifest preferred: the folder is not listed by delimiter (which costs Azurite a walk over every blob
/// below the folder), and the document found is read once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobFolderDocumentTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly BlobContainerClient _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("cdm-" + Guid.NewGuid().ToString("N"));
    private readonly RequestRecorder _recorder = new();

    public Task InitializeAsync() => _container.CreateAsync();

    public Task DisposeAsync() => _container.DeleteAsync();

    [Fact]
    public async Task AModelJsonFolderIsReadWithoutListingItsNames()
    {
        await UploadAsync("ci/model.json", ModelJson(30));
        for (var i = 0; i < 30; i++)
        {
            await UploadAsync($"ci/E/p{i}.csv", "1\n");
        }

        var folder = await ReadAsync("ci");

        Assert.Equal(CdmDocumentKind.ModelJson, folder.Kind);
        Assert.All(Assert.Single(folder.Entities).Partitions, p => Assert.Equal(2, p.Size));
        Assert.Empty(Listings(byDelimiter: true));
        Assert.Single(Listings(byDelimiter: false));
        Assert.Equal(["ci/default.manifest.cdm.json", "ci/model.json"], Downloads().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BothDocumentNamesAreAskedForBeforeEitherIsAnswered()
    {
        await UploadAsync("ci/model.json", ModelJson(1));
        await UploadAsync("ci/E/p0.csv", "1\n");
        var gate = new AnswerOnceAskedFor("ci/default.manifest.cdm.json", "ci/model.json");

        var folder = await ReadAsync("ci", gate);

        Assert.Equal(CdmDocumentKind.ModelJson, folder.Kind);
        Assert.True(gate.AskedForTogether, "model.json was asked for only after default.manifest.cdm.json was answered.");
    }

    [Fact]
    public async Task AManifestFolderIsReadWithoutListingItsNames()
    {
        await UploadAsync("m/default.manifest.cdm.json", """{ "entities": [ { "entityName": "E", "entityPath": "E.cdm.json/E" } ] }""");
        await UploadAsync("m/E.cdm.json", """{ "definitions": [ { "entityName": "E", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" } ] } ] }""");
        await UploadAsync("m/model.json", ModelJson(1));

        var folder = await ReadAsync("m");

        Assert.Equal(CdmDocumentKind.Manifest, folder.Kind);
        Assert.Equal("E", Assert.Single(folder.Entities).Name);
        Assert.Empty(Listings(byDelimiter: true));
        // model.json is asked for with the manifest, and its answer left unused.
        Assert.Equal(["m/E.cdm.json", "m/default.manifest.cdm.json", "m/model.json"], Downloads().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Model.json", CdmDocumentKind.ModelJson)]
    [InlineData("only.manifest.cdm.json", CdmDocumentKind.Manifest)]
    public async Task AFolderWithoutTheUsualNamesIsListedAndItsDocumentChosen(string document, CdmDocumentKind kind)
    {
        var text = kind == CdmDocumentKind.ModelJson
            ? ModelJson(0)
            : """{ "entities": [ { "entityName": "E", "entityPath": "E.cdm.json/E" } ] }""";
        await UploadAsync("f/" + document, text);
        await UploadAsync("f/E.cdm.json", """{ "definitions": [ { "entityName": "E", "hasAttributes": [ { "name": "a", "dataFormat": "Int64" } ] } ] }""");

        var folder = await ReadAsync("f");

        Assert.Equal(kind, folder.Kind);
        Assert.EndsWith("/f/" + document, folder.DocumentPath, StringComparison.Ordinal);
        Assert.Equal("E", Assert.Single(folder.Entities).Name);
        Assert.Single(Listings(byDelimiter: true));
    }

    private static string ModelJson(int partitions) => $$"""
        { "name": "m", "version": "1.0", "entities": [ { "name": "E", "attributes": [ { "name": "a", "dataType": "int64" } ],
          "partitions": [ {{string.Join(",", Enumerable.Range(0, partitions).Select(i => $$"""{ "name": "p{{i}}", "location": "E/p{{i}}.csv" }"""))}} ] } ] }
        """;

    private Task UploadAsync(string name, string text) => _container.GetBlobClient(name).UploadAsync(BinaryData.FromString(text));

    private async Task<CdmFolder> ReadAsync(string folder, HttpPipelinePolicy? policy = null)
    {
        var options = BlobClientFactory.DefaultOptions();
        options.AddPolicy(_recorder, HttpPipelinePosition.PerCall);
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        var reader = new CdmFolderReader(new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options));
        return await reader.ReadAsync(_container.Uri.AbsoluteUri.TrimEnd('/') + "/" + folder, OperationContext.None);
    }

    private List<RecordedRequest> Listings(bool byDelimiter) =>
        _recorder.Requests.Where(r => r.Query.Contains("comp=list", StringComparison.Ordinal) && r.Query.Contains("delimiter=", StringComparison.Ordinal) == byDelimiter).ToList();

    /// <summary>The blobs read (GET of a blob, found or not), as paths in the container.</summary>
    private List<string> Downloads() =>
        _recorder.Requests.Where(r => r.Method == "GET" && r.Query.Length == 0).Select(r => r.Path[_container.Uri.AbsolutePath.TrimEnd('/').Length..].TrimStart('/')).ToList();

    /// <summary>
    /// Holds the request for the blob <paramref name="held"/> (a path in the container) until the request for
    /// <paramref name="awaited"/> has been sent too, or a deadline has passed; says whether it was.
    /// </summary>
    private sealed class AnswerOnceAskedFor(string held, string awaited) : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _awaitedSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool AskedForTogether { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsolutePath);
            if (path.EndsWith("/" + awaited, StringComparison.Ordinal))
            {
                _awaitedSent.TrySetResult();
            }
            else if (path.EndsWith("/" + held, StringComparison.Ordinal))
            {
                AskedForTogether = await Task.WhenAny(_awaitedSent.Task, Task.Delay(TimeSpan.FromSeconds(10))) == _awaitedSent.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
