using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Store;

public sealed class StoreLocationTests
{
    [Fact]
    public void A_container_url_is_a_blob_store()
    {
        var location = StoreLocation.Parse("https://acct.blob.core.windows.net/defs/team", StoreLocationSource.Session);

        Assert.True(location.IsBlob);
        Assert.Equal("https://acct.blob.core.windows.net/defs/team", location.Value);
    }

    [Fact]
    public void A_dfs_url_is_read_through_the_blob_endpoint()
    {
        var location = StoreLocation.Parse("https://acct.dfs.core.windows.net/defs", StoreLocationSource.Environment);

        Assert.Equal("https://acct.blob.core.windows.net/defs/", location.Value);
        Assert.Equal(StoreLocationSource.Environment, location.Source);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/defs?sv=2020&sig=secret", ErrorIds.InvalidStoreLocation)]
    [InlineData("http://acct.blob.core.windows.net/defs", ErrorIds.InvalidStoreLocation)]
    [InlineData("https://acct.blob.core.windows.net/", ErrorIds.InvalidBlobPath)]
    public void Bad_urls_are_refused(string url, string errorId)
    {
        var ex = Assert.Throws<CISynapseException>(() => StoreLocation.Parse(url, StoreLocationSource.Session));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Fact]
    public void A_folder_is_made_absolute()
    {
        var location = StoreLocation.Parse("relative-store", StoreLocationSource.Session);

        Assert.False(location.IsBlob);
        Assert.True(Path.IsPathFullyQualified(location.Value));
    }

    [Fact]
    public void The_session_setting_wins()
    {
        var folder = Path.Combine(Path.GetTempPath(), "session-store");

        Assert.Equal(StoreLocationSource.Session, StoreLocation.Resolve(folder).Source);
        Assert.Equal(Path.GetFullPath(folder), StoreLocation.Resolve(folder).Value);
    }
}
