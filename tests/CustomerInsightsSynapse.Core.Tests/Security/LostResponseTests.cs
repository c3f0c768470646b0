using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.Store;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Security;

/// <summary>
/// A write reaches the store but its answer is lost (the connection drops after the server acted); Azure.Core retries
/// it, and the retry meets its own earlier write as an existing blob (409) or a changed ETag (412).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LostResponseTests
{
    private readonly AzuriteFixture _azurite;

    public LostResponseTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_not_reported_as_an_existing_document()
    {
        var (url, _) = await NewContainerAsync();
        var losing = new LoseFirstResponse(RequestMethod.Put, "/counters/");

        var created = await Open(url, losing).CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);

        Assert.Equal(1, losing.Lost);
        Assert.Equal(1, created.Revision);
        Assert.Equal(1, (await Open(url).GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Fact]
    public async Task An_update_whose_answer_was_lost_is_not_reported_as_a_conflict()
    {
        var (url, _) = await NewContainerAsync();
        await Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);
        var losing = new LoseFirstResponse(RequestMethod.Put, "/counters/");

        var updated = await Open(url, losing).UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), "oid", default);

        Assert.Equal(1, losing.Lost);
        Assert.Equal(2, updated.Revision);
        var read = (await Open(url).GetAsync(TestKinds.Counters, "c", default))!;
        Assert.Equal((2, 2L), (read.Content.Value, read.Revision));
    }

    [Fact]
    public async Task A_delete_whose_answer_was_lost_is_not_reported_as_a_missing_document()
    {
        var (url, _) = await NewContainerAsync();
        await Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);
        var losing = new LoseFirstResponse(RequestMethod.Delete, "/counters/", 202);

        await Open(url, losing).DeleteAsync(TestKinds.Counters, "c", 1, default);

        Assert.Equal(1, losing.Lost);
        Assert.Null(await Open(url).GetAsync(TestKinds.Counters, "c", default));
    }

    [Fact]
    public async Task A_delete_whose_mark_was_answered_too_late_is_not_reported_as_a_conflict()
    {
        var (url, container) = await NewContainerAsync();
        await Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);
        var losing = new LoseFirstResponse(RequestMethod.Put, "/counters/", 200);

        await Open(url, losing).DeleteAsync(TestKinds.Counters, "c", 1, default);

        Assert.Equal(1, losing.Lost);
        Assert.Null(await Open(url).GetAsync(TestKinds.Counters, "c", default));
        Assert.False((await container.GetBlobClient("counters/c.json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task An_update_whose_answer_was_lost_and_a_rival_of_the_same_bytes_are_told_apart()
    {
        var (url, _) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);
        var baseTag = (await store.Backend.ReadAsync("counters", "c.json", default))!.Tag;
        var sameBytes = "{\"same\":1}"u8.ToArray();
        var losing = new LoseFirstResponse(RequestMethod.Put, "/counters/");

        var lostAnswer = await Open(url, losing).Backend.WriteAsync("counters", "c.json", sameBytes, baseTag, default);
        var rival = await Open(url).Backend.WriteAsync("counters", "c.json", sameBytes, baseTag, default);

        Assert.Equal(1, losing.Lost);
        Assert.Equal(WriteOutcome.Written, lostAnswer.Outcome);
        Assert.Equal(WriteOutcome.Changed, rival.Outcome);
    }

    [Fact]
    public async Task A_create_that_meets_someone_elses_document_is_still_refused()
    {
        var (url, _) = await NewContainerAsync();
        await Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(1), "first", default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(2), "second", default));

        Assert.Equal(ErrorIds.StoreDocumentExists, ex.ErrorId);
        Assert.Equal(1, (await Open(url).GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    private static DefinitionStore Open(string url, HttpPipelinePolicy? policy = null)
    {
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options);
        return StoreLocation.Parse(url, StoreLocationSource.Session).Open(() => factory);
    }

    private async Task<(string Url, BlobContainerClient Container)> NewContainerAsync()
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("lost-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        return (container.Uri.AbsoluteUri.TrimEnd('/'), container);
    }

    /// <summary>Sends the first matching request, then throws away its answer as a dropped connection would.</summary>
    private sealed class LoseFirstResponse(RequestMethod method, string pathPart, int status = 201) : HttpPipelinePolicy
    {
        public int Lost { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            LoseIfFirst(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            LoseIfFirst(message);
        }

        private void LoseIfFirst(HttpMessage message)
        {
            if (Lost == 0 && message.Request.Method == method && message.Request.Uri.Path.Contains(pathPart, StringComparison.Ordinal) && message.Response.Status == status)
            {
                Lost++;
                throw new IOException("The connection was reset after the request was sent (simulated).");
            }
        }
    }
}
