using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class DataLakeContainerTests
{
    [Fact]
    public void AccountAndContainerGiveTheDfsUrl()
    {
        Assert.Equal("https://contosolake.dfs.core.windows.net/exports", DataLakeContainer.ForAccount("contosolake", "exports").Location);
        Assert.Equal("https://contosolake.dfs.core.chinacloudapi.cn/exports", DataLakeContainer.ForAccount("contosolake", "exports", "core.chinacloudapi.cn").Location);
    }

    [Theory]
    [InlineData("https://contosolake.blob.core.windows.net/exports/some/path", "https://contosolake.dfs.core.windows.net/exports")]
    [InlineData("https://contosolake.dfs.core.windows.net:443/exports", "https://contosolake.dfs.core.windows.net/exports")]
    [InlineData("https://contosolake.blob.core.usgovcloudapi.net/exports", "https://contosolake.dfs.core.usgovcloudapi.net/exports")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/exports/x", "http://127.0.0.1:10000/devstoreaccount1/exports")]
    public void BlobLocationGivesTheContainerAsServerlessSqlAddressesIt(string url, string expected)
    {
        Assert.Equal(expected, DataLakeContainer.From(BlobLocation.Parse(url)).Location);
    }

    [Fact]
    public void ExplicitEndpointIsKept()
    {
        Assert.Equal("https://lake.example.test:8443/acct/exports", DataLakeContainer.FromEndpoint(new Uri("https://lake.example.test:8443/acct/"), "exports").Location);
    }

    [Theory]
    [InlineData("Contoso", "exports")]
    [InlineData("co", "exports")]
    [InlineData("contosolake", "Exports")]
    [InlineData("contosolake", "ex")]
    [InlineData("contosolake", "ex--ports")]
    [InlineData("contosolake", "-exports")]
    [InlineData("contosolake", "exp'orts")]
    public void InvalidAccountOrContainerIsRefused(string account, string container)
    {
        var ex = Assert.Throws<CISynapseException>(() => DataLakeContainer.ForAccount(account, container));

        Assert.Equal(ErrorIds.InvalidDataLakeLocation, ex.ErrorId);
    }

    [Theory]
    [InlineData("https://lake.example.test/?sv=secret")]
    [InlineData("ftp://lake.example.test/")]
    [InlineData("https://user:pw@lake.example.test/")]
    public void EndpointWithQueryOrOtherSchemeIsRefused(string endpoint)
    {
        var ex = Assert.Throws<CISynapseException>(() => DataLakeContainer.FromEndpoint(new Uri(endpoint), "exports"));

        Assert.Equal(ErrorIds.InvalidDataLakeLocation, ex.ErrorId);
    }
}
