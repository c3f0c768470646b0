using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>How locations written in documents map into a blob-hosted folder (no network: only names are compared).</summary>
public sealed class LocationResolverTests
{
    private static readonly BlobClientFactory Factory = new(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey));

    private static CdmLocationResolver Resolver(string folderUrl)
    {
        var location = BlobLocation.Parse(folderUrl);
        return new CdmLocationResolver(new BlobCdmStore(Factory, location), location.Path);
    }

    [Theory]
    [InlineData("https://acct.dfs.core.windows.net:443/data/ci/Customers/p1.csv", "ci/Customers/p1.csv")]
    [InlineData("https://acct.blob.core.windows.net/data/ci/Customers/p1.csv", "ci/Customers/p1.csv")]
    [InlineData("https://ACCT.DFS.core.windows.net/data/elsewhere/p1.csv", "elsewhere/p1.csv")]
    [InlineData("abfss://data@acct.dfs.core.windows.net/ci/Customers/p1.csv", "ci/Customers/p1.csv")]
    [InlineData("https://acct.blob.core.windows.net/data/ci/Customers/p%201.csv?snapshot=2018-11-14T19:37:51.7526830Z", "ci/Customers/p 1.csv")]
    public void AbsoluteUrlsInTheSameContainerAreAccepted(string written, string expected)
    {
        var resolver = Resolver("https://acct.dfs.core.windows.net/data/ci");
        Assert.Equal(expected, resolver.Resolve("ci/model.json", written, "the partition 'p'", corpusPath: false));
    }

    [Theory]
    [InlineData("https://other.dfs.core.windows.net/data/ci/p.csv")]
    [InlineData("https://acct.dfs.core.windows.net/otherdata/ci/p.csv")]
    [InlineData("https://acct.blob.core.chinacloudapi.cn/data/ci/p.csv")]
    [InlineData("cdm:/core/Account.cdm.json")]
    [InlineData("/home/user/p.csv")]
    [InlineData(@"D:\p.csv")]
    public void LocationsOutsideTheAccountOrContainerAreRefused(string written)
    {
        var resolver = Resolver("https://acct.dfs.core.windows.net/data/ci");
        var ex = Assert.Throws<CISynapseException>(() => resolver.Resolve("ci/model.json", written, "the partition 'p' of entity 'E'", corpusPath: false));
        Assert.Equal(ErrorIds.PartitionOutsideFolder, ex.ErrorId);
        Assert.Contains("https://acct.blob.core.windows.net/data/ci/model.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the partition 'p' of entity 'E'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Customers/p.csv", "ci/sub/Customers/p.csv")]
    [InlineData("./Customers/./p.csv", "ci/sub/Customers/p.csv")]
    [InlineData("/Customers/p.csv", "ci/Customers/p.csv")]
    [InlineData("local:/Customers/p.csv", "ci/Customers/p.csv")]
    [InlineData("adls:/Customers/p.csv", "ci/Customers/p.csv")]
    [InlineData(@"Customers\p.csv", "ci/sub/Customers/p.csv")]
    public void CorpusPathsResolveAgainstTheDocumentOrTheFolderRoot(string written, string expected)
    {
        var resolver = Resolver("https://acct.dfs.core.windows.net/data/ci");
        Assert.Equal(expected, resolver.Resolve("ci/sub/sub.manifest.cdm.json", written, "x", corpusPath: true));
    }

    [Theory]
    [InlineData("../p.csv")]
    [InlineData("a/../../p.csv")]
    [InlineData(@"a\..\p.csv")]
    [InlineData("https://acct.blob.core.windows.net/data/ci/../secret/p.csv")]
    [InlineData("https://acct.blob.core.windows.net/data/ci/%2e%2e/p.csv")]
    [InlineData("local:/../p.csv")]
    public void DotDotIsRefusedBeforeAnythingElse(string written)
    {
        var resolver = Resolver("https://acct.dfs.core.windows.net/data/ci");
        var ex = Assert.Throws<CISynapseException>(() => resolver.Resolve("ci/model.json", written, "x", corpusPath: true));
        Assert.Equal(ErrorIds.PathTraversal, ex.ErrorId);
    }

    [Fact]
    public void SegmentsBlobPathsRefuseAreReportedWithTheDocument()
    {
        var resolver = Resolver("https://acct.dfs.core.windows.net/data/ci");
        var ex = Assert.Throws<CISynapseException>(() => resolver.Resolve("ci/model.json", "Customers/bad\u0001name.csv", "the partition 'p'", corpusPath: false));
        Assert.Equal(ErrorIds.InvalidBlobPath, ex.ErrorId);
        Assert.Contains("model.json", ex.Message, StringComparison.Ordinal);
    }
}
