using System.Text;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Store;

[Collection(AzuriteCollection.Name)]
public sealed class BlobStoreTests
{
    private readonly AzuriteFixture _azurite;

    public BlobStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Documents_round_trip_under_the_path_given_in_the_url()
    {
        var (url, container) = await NewContainerAsync();
        var store = Open(url + "/team/defs");

        await store.CreateAsync(TestKinds.Counters, "Sales", new Counter(4), "oid", default);
        var read = await Open(url + "/team/defs").GetAsync(TestKinds.Counters, "SALES", default);

        Assert.Equal(new Counter(4), read!.Content);
        Assert.Equal(1, read.Revision);
        Assert.True(await container.GetBlobClient("team/defs/counters/sales.json").ExistsAsync());
        Assert.EndsWith("/team/defs/counters/sales.json", read.Location);
    }

    [Fact]
    public async Task Create_of_an_existing_name_is_refused_by_the_if_none_match_condition()
    {
        var (url, _) = await NewContainerAsync();
        await Open(url).CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => Open(url).CreateAsync(TestKinds.Counters, "C", new Counter(2), null, default));

        Assert.Equal(ErrorIds.StoreDocumentExists, ex.ErrorId);
        Assert.Equal(1, (await Open(url).GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Fact]
    public async Task A_write_based_on_an_old_etag_is_refused_even_when_the_revision_check_passed()
    {
        var (url, _) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var backend = store.Backend;
        var stale = (await backend.ReadAsync("counters", "c.json", default))!;
        await Open(url).UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);

        var result = await backend.WriteAsync("counters", "c.json", Encoding.UTF8.GetBytes("{}"), stale.Tag, default);
        var delete = await backend.DeleteAsync("counters", "c.json", stale.Tag, default);

        Assert.Equal(WriteOutcome.Changed, result.Outcome);
        Assert.Equal(WriteOutcome.Changed, delete);
        Assert.Equal(2, (await Open(url).GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    /// <summary>With a frozen clock the writers of one revision compute byte-identical documents.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_writers_on_the_container_lose_no_update(bool frozenClock)
    {
        const int writers = 10;
        const int incrementsEach = 3;
        var (url, _) = await NewContainerAsync();
        DefinitionStore OpenWriter() => frozenClock ? OpenFrozen(url) : Open(url);
        await OpenWriter().CreateAsync(TestKinds.Counters, "shared", new Counter(0), null, default);

        var conflicts = await StoreRaces.IncrementConcurrentlyAsync(OpenWriter, "shared", writers, incrementsEach);

        var final = (await Open(url).GetAsync(TestKinds.Counters, "shared", default))!;
        Assert.Equal(writers * incrementsEach, final.Content.Value);
        Assert.Equal(1 + (writers * incrementsEach), final.Revision);
        Assert.True(conflicts >= writers - 1, $"every writer but one should have met a conflict; {conflicts} did");
    }

    [Fact]
    public async Task Two_writers_of_the_same_bytes_from_the_same_etag_are_not_both_told_they_wrote()
    {
        var (url, _) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var baseTag = (await store.Backend.ReadAsync("counters", "c.json", default))!.Tag;
        var sameNextDocument = Encoding.UTF8.GetBytes("{\"same\":\"bytes\"}");

        var first = await Open(url).Backend.WriteAsync("counters", "c.json", sameNextDocument, baseTag, default);
        var second = await Open(url).Backend.WriteAsync("counters", "c.json", sameNextDocument, baseTag, default);

        Assert.Equal(WriteOutcome.Written, first.Outcome);
        Assert.Equal(WriteOutcome.Changed, second.Outcome);
        Assert.Equal(first.Tag, (await store.Backend.ReadAsync("counters", "c.json", default))!.Tag);
    }

    [Fact]
    public async Task A_document_marked_deleted_by_a_process_that_died_reads_as_none_and_a_create_replaces_it()
    {
        var (url, container) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var blob = container.GetBlobClient("counters/c.json");
        await blob.SetMetadataAsync(new Dictionary<string, string> { [BlobContainerBackend.DeleteIdKey] = "died-before-removing" });

        Assert.Null(await store.GetAsync(TestKinds.Counters, "c", default));
        Assert.Empty((await store.ListAsync(TestKinds.Counters, default)).Documents);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default));
        Assert.Equal(ErrorIds.StoreDocumentNotFound, ex.ErrorId);

        var created = await store.CreateAsync(TestKinds.Counters, "c", new Counter(5), null, default);

        Assert.Equal(1, created.Revision);
        Assert.Equal(5, (await store.GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Fact]
    public async Task A_delete_refused_for_a_changed_document_leaves_it_readable()
    {
        var (url, _) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var stale = (await store.Backend.ReadAsync("counters", "c.json", default))!;
        await Open(url).UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);

        Assert.Equal(WriteOutcome.Changed, await store.Backend.DeleteAsync("counters", "c.json", stale.Tag, default));

        Assert.Equal(2, (await store.GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
        await store.DeleteAsync(TestKinds.Counters, "c", 2, default);
        Assert.Null(await store.GetAsync(TestKinds.Counters, "c", default));
        Assert.Equal(WriteOutcome.Missing, await store.Backend.DeleteAsync("counters", "c.json", stale.Tag, default));
    }

    [Fact]
    public async Task A_blob_over_the_size_limit_is_refused_without_being_read_and_listed_as_a_problem()
    {
        var (url, container) = await NewContainerAsync();
        var store = Open(url);
        await store.CreateAsync(TestKinds.Counters, "small", new Counter(1), null, default);
        await container.GetBlobClient("counters/huge.json").UploadAsync(new BinaryData(new byte[StoreLimits.MaxDocumentBytes + 1]));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "huge", default));
        var listing = await store.ListAsync(TestKinds.Counters, default);

        Assert.Equal(ErrorIds.StoreDocumentTooLarge, ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
        Assert.Contains("/counters/huge.json", ex.Message);
        Assert.NotNull(ex.RecommendedAction);
        Assert.Equal("small", Assert.Single(listing.Documents).Name);
        Assert.Equal(ErrorIds.StoreDocumentTooLarge, Assert.Single(listing.Problems).ErrorId);
    }

    [Fact]
    public async Task A_corrupt_blob_is_reported_with_its_url_and_left_untouched()
    {
        var (url, container) = await NewContainerAsync();
        var garbage = Encoding.UTF8.GetBytes("not json");
        await container.GetBlobClient("counters/bad.json").UploadAsync(new BinaryData(garbage));
        var store = Open(url);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "bad", 1, new Counter(1), null, default));
        var listing = await store.ListAsync(TestKinds.Counters, default);

        Assert.Equal(ErrorIds.StoreDocumentCorrupt, ex.ErrorId);
        Assert.Contains("/counters/bad.json", ex.Message);
        Assert.Single(listing.Problems);
        Assert.Equal(garbage, (await container.GetBlobClient("counters/bad.json").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_missing_container_is_a_clear_error()
    {
        var (url, _) = await NewContainerAsync();
        var store = Open(url + "-missing");

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.ListAsync(TestKinds.Counters, default));

        Assert.Equal(ErrorIds.StoreUnavailable, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_connection_error_that_names_the_store()
    {
        using var refusing = new RefusingPort();
        var port = refusing.Port;
        var store = Open($"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}/defs");

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "c", default));

        Assert.Equal(ErrorIds.StoreUnavailable, ex.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, ex.Kind);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
    }

    private DefinitionStore Open(string url)
    {
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 1;
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options);
        return StoreLocation.Parse(url, StoreLocationSource.Session).Open(() => factory);
    }

    private static DefinitionStore OpenFrozen(string url)
    {
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 1;
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options);
        return new DefinitionStore(new BlobContainerBackend(BlobLocation.Parse(url), factory), FrozenClock.Noon);
    }

    private async Task<(string Url, BlobContainerClient Container)> NewContainerAsync()
    {
        var service = new BlobServiceClient(_azurite.ConnectionString);
        var container = service.GetBlobContainerClient("store-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        return (container.Uri.AbsoluteUri.TrimEnd('/'), container);
    }
}
