using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>A CDM folder copied into Azurite reads exactly like the local copy.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobCdmFolderTests(AzuriteFixture azurite)
{
    private readonly BlobServiceClient _service = new(azurite.ConnectionString);
    private readonly CdmFolderReader _reader = new(new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey)));

    public static TheoryData<string> Folders() => new(
        Path.Combine(RepositoryPaths.SharedCdmFixtures, "microsoft-cdm", "samples", "1-read-manifest", "sample-data"),
        Path.Combine(OwnFixtures, "quirks-manifest"),
        Path.Combine(OwnFixtures, "quirks-modeljson"));

    [Theory]
    [MemberData(nameof(Folders))]
    public async Task BlobCopyReadsLikeTheLocalCopy(string localFolder)
    {
        var (container, url) = await UploadAsync(localFolder, "cdm/root");
        var local = Read(localFolder);
        var blob = await _reader.ReadAsync(url, OperationContext.None);

        Assert.Equal(url + "/", blob.Location + "/");
        Assert.Equal(local.Kind, blob.Kind);
        Assert.Equal(Normalize(local.Warnings, localFolder, url), blob.Warnings);
        Assert.Equal(local.Entities.Count, blob.Entities.Count);
        foreach (var (l, b) in local.Entities.Zip(blob.Entities))
        {
            Assert.Equal(l.Name, b.Name);
            Assert.Equal(l.Description, b.Description);
            Assert.Equal(l.Attributes, b.Attributes);
            Assert.Equal(l.Annotations, b.Annotations);
            Assert.Equal(l.Partitions.Count, b.Partitions.Count);
            Assert.Equal(l.TotalSize, b.TotalSize);
            foreach (var (lp, bp) in l.Partitions.Zip(b.Partitions))
            {
                Assert.Equal(RelativeUrl(lp.Location, localFolder), bp.Location[(url.Length + 1)..]);
                Assert.Equal(lp with { Location = bp.Location, LastModified = bp.LastModified, ETag = bp.ETag, LocalFolder = null }, bp);
                Assert.False(string.IsNullOrEmpty(bp.ETag));
                Assert.NotNull(bp.LastModified);
            }
        }

        await container.DeleteAsync();
    }

    [Fact]
    public async Task TheDocumentUrlReadsLikeTheFolderUrl()
    {
        var (container, url) = await UploadAsync(Path.Combine(OwnFixtures, "quirks-manifest"), "folder");
        var byDocument = await _reader.ReadAsync(url + "/default.manifest.cdm.json", OperationContext.None);
        var byFolder = await _reader.ReadAsync(url, OperationContext.None);
        Assert.Equal(byFolder.DocumentPath, byDocument.DocumentPath);
        Assert.Equal(byFolder.Entities.Select(e => e.Partitions.Count), byDocument.Entities.Select(e => e.Partitions.Count));
        await container.DeleteAsync();
    }

    [Fact]
    public async Task AbsolutePartitionUrlsMustStayInTheContainer()
    {
        var container = await NewContainerAsync();
        var containerUrl = container.Uri.AbsoluteUri.TrimEnd('/');
        await container.GetBlobClient("elsewhere/data.csv").UploadAsync(BinaryData.FromString("1,2\n"));
        var inside = ModelWithPartition(containerUrl + "/elsewhere/data.csv");
        await container.GetBlobClient("ci/model.json").UploadAsync(BinaryData.FromString(inside));
        var partition = Assert.Single(Assert.Single((await _reader.ReadAsync(containerUrl + "/ci", OperationContext.None)).Entities).Partitions);
        Assert.Equal(containerUrl + "/elsewhere/data.csv", partition.Location);
        Assert.Equal(4, partition.Size);

        var otherContainer = containerUrl[..containerUrl.LastIndexOf('/')] + "/another-container/ci/data.csv";
        await container.GetBlobClient("ci/model.json").UploadAsync(BinaryData.FromString(ModelWithPartition(otherContainer)), overwrite: true);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _reader.ReadAsync(containerUrl + "/ci/model.json", OperationContext.None));
        Assert.Equal(ErrorIds.PartitionOutsideFolder, ex.ErrorId);
        Assert.Contains(containerUrl + "/ci/model.json", ex.Message, StringComparison.Ordinal);
        await container.DeleteAsync();
    }

    [Fact]
    public async Task ManyExplicitPartitionsAreDescribedFromOneListing()
    {
        var container = await NewContainerAsync();
        var url = container.Uri.AbsoluteUri.TrimEnd('/');
        var partitions = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{ "name": "p{{i}}", "location": "E/p{{i}}.csv" }"""));
        await container.GetBlobClient("m/model.json").UploadAsync(BinaryData.FromString($$"""
            { "name": "m", "version": "1.0", "entities": [ { "name": "E", "attributes": [ { "name": "a", "dataType": "int64" } ], "partitions": [ {{partitions}} ] } ] }
            """));
        for (var i = 0; i < 30; i += 2)
        {
            await container.GetBlobClient($"m/E/p{i}.csv").UploadAsync(BinaryData.FromString(new string('x', i + 1)));
        }

        var folder = await _reader.ReadAsync(url + "/m", OperationContext.None);
        var entity = Assert.Single(folder.Entities);
        Assert.Equal(30, entity.Partitions.Count);
        Assert.All(entity.Partitions.Where((_, i) => i % 2 == 0), p => Assert.NotNull(p.ETag));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? (long?)(i + 1) : null), entity.Partitions.Select(p => p.Size));
        Assert.Equal(15, folder.Warnings.Count(w => w.Contains("does not exist", StringComparison.Ordinal)));
        await container.DeleteAsync();
    }

    [Fact]
    public async Task MissingBlobFoldersAndDocumentsAreNotFound()
    {
        var container = await NewContainerAsync();
        var url = container.Uri.AbsoluteUri.TrimEnd('/');
        Assert.Equal(ErrorIds.CdmDocumentNotFound, (await Assert.ThrowsAsync<CISynapseException>(() => _reader.ReadAsync(url + "/nothing-here", OperationContext.None))).ErrorId);
        Assert.Equal(ErrorIds.CdmDocumentNotFound, (await Assert.ThrowsAsync<CISynapseException>(() => _reader.ReadAsync(url + "/x/model.json", OperationContext.None))).ErrorId);
        var noContainer = url[..url.LastIndexOf('/')] + "/no-such-container/folder";
        Assert.Equal(ErrorIds.CdmDocumentNotFound, (await Assert.ThrowsAsync<CISynapseException>(() => _reader.ReadAsync(noContainer, OperationContext.None))).ErrorId);
        await container.DeleteAsync();
    }

    [Fact]
    public async Task StrictErrorsNameTheBlobDocument()
    {
        var (container, url) = await UploadAsync(Path.Combine(OwnFixtures, "error-circular-submanifest"), "c");
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _reader.ReadAsync(url, OperationContext.None));
        Assert.Equal(ErrorIds.CircularSubManifest, ex.ErrorId);
        Assert.Contains(url + "/a/b/b.manifest.cdm.json", ex.Message, StringComparison.Ordinal);
        await container.DeleteAsync();
    }

    private static string ModelWithPartition(string location) => $$"""
        { "name": "m", "version": "1.0", "entities": [ { "name": "E", "attributes": [ { "name": "a", "dataType": "int64" } ],
          "partitions": [ { "name": "p", "location": "{{location}}" } ] } ] }
        """;

    private static string RelativeUrl(string localPath, string localFolder) =>
        string.Join('/', Path.GetRelativePath(localFolder, localPath).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));

    private static IEnumerable<string> Normalize(IEnumerable<string> warnings, string localFolder, string url) =>
        warnings.Select(w => w.Replace(localFolder, url, StringComparison.Ordinal).Replace(Path.DirectorySeparatorChar, '/'));

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = _service.GetBlobContainerClient("cdm-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        return container;
    }

    private async Task<(BlobContainerClient Container, string FolderUrl)> UploadAsync(string localFolder, string prefix)
    {
        var container = await NewContainerAsync();
        foreach (var file in Directory.EnumerateFiles(localFolder, "*", SearchOption.AllDirectories))
        {
            var name = prefix + "/" + Path.GetRelativePath(localFolder, file).Replace('\\', '/');
            await container.GetBlobClient(name).UploadAsync(file);
        }

        return (container, container.Uri.AbsoluteUri.TrimEnd('/') + "/" + prefix);
    }
}
