using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>Issue 24 item 8: a source URL with a query string (a SAS) is refused, and never echoed.</summary>
public sealed class CdmSourceUrlTests
{
    private const string Signature = "sig=c2VjcmV0U2FzU2lnbmF0dXJl";

    [Theory]
    [InlineData("https://contoso.blob.core.windows.net/ci/folder?sv=2024-11-04&sr=c&" + Signature)]
    [InlineData("https://contoso.dfs.core.windows.net/ci/folder/model.json?" + Signature)]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/ci/folder#" + Signature)]
    public void UrlWithAQueryOrFragment_IsRefused_WithoutEchoingIt(string source)
    {
        var ex = Assert.Throws<CISynapseException>(() => CdmSourceUrl.Validate(source));

        Assert.Equal(ErrorIds.SourceUrlHasQuery, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.DoesNotContain(Signature, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Signature, ex.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(Signature, ex.Target?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(CdmSourceUrl.WithoutQuery(source), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-CISynapseAccount", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://contoso.blob.core.windows.net/ci/folder")]
    [InlineData("/data/what?/ci")]
    public void UrlWithoutAQueryAndLocalPaths_AreKept(string source) =>
        Assert.Equal(source, CdmSourceUrl.Validate(source));

    [Fact]
    public async Task TheReaderRefusesIt_BeforeAnyRequest()
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => new CdmFolderReader().ReadAsync("https://contoso.blob.core.windows.net/ci/folder?" + Signature, OperationContext.None));

        Assert.Equal(ErrorIds.SourceUrlHasQuery, ex.ErrorId);
    }
}
