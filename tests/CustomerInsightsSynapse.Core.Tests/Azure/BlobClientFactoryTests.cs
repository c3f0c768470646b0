using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Tests.Azure;

public sealed class BlobClientFactoryTests
{
    [Fact]
    public async Task ClientsOfOneAccount_ShareOnePipeline_SoTheCredentialIsAskedForOneToken()
    {
        var credential = new CountingCredential();
        var options = BlobClientFactory.DefaultOptions();
        options.Transport = new HttpClientTransport(new HttpClient(new AnswersOk()));
        var factory = new BlobClientFactory(credential, options);

        // As a landing reads each blob source partition: a container client per partition.
        for (var i = 0; i < 5; i++)
        {
            var location = BlobLocation.Parse($"https://account.blob.core.windows.net/source/part-{i}.csv");
            await factory.Container(location).GetBlobClient(location.Path).GetPropertiesAsync();
        }

        Assert.Equal(1, credential.Calls);
    }

    [Fact]
    public void Service_IsOneClientPerAccount()
    {
        var factory = new BlobClientFactory(new CountingCredential());
        var account = new Uri("https://account.blob.core.windows.net/");

        Assert.Same(factory.Service(account), factory.Service(new Uri("https://account.blob.core.windows.net/")));
        Assert.NotSame(factory.Service(account), factory.Service(new Uri("https://other.blob.core.windows.net/")));
    }

    private sealed class CountingCredential : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return new AccessToken("header.payload.signature", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class AnswersOk : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });
    }
}
