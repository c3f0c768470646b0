using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class SqlEndpointTests
{
    [Theory]
    [InlineData("contoso-ondemand.sql.azuresynapse.net", "tcp:contoso-ondemand.sql.azuresynapse.net,1433")]
    [InlineData("tcp:contoso-ondemand.sql.azuresynapse.net,1433", "tcp:contoso-ondemand.sql.azuresynapse.net,1433")]
    [InlineData("TCP:Contoso-OnDemand.sql.azuresynapse.net,1433", "tcp:contoso-ondemand.sql.azuresynapse.net,1433")]
    [InlineData("contoso-ondemand.sql.azuresynapse.net,11433", "tcp:contoso-ondemand.sql.azuresynapse.net,11433")]
    [InlineData("  127.0.0.1,1 ", "tcp:127.0.0.1,1")]
    public void WorkspaceEndpointFormsAreAccepted(string value, string dataSource)
    {
        Assert.Equal(dataSource, SqlEndpoint.Parse(value).DataSource);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("tcp:")]
    [InlineData("host,")]
    [InlineData("host,0")]
    [InlineData("host,65536")]
    [InlineData("host,14x")]
    [InlineData("bad host")]
    [InlineData("host;Password=x")]
    [InlineData("https://contoso-ondemand.sql.azuresynapse.net")]
    public void OtherValuesAreRefused(string? value)
    {
        var ex = Assert.Throws<CISynapseException>(() => SqlEndpoint.Parse(value));

        Assert.Equal(ErrorIds.InvalidSqlEndpoint, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }
}
