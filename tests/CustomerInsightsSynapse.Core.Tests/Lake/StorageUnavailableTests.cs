using System.Diagnostics.CodeAnalysis;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>When storage answers nothing but 503, the landing error names the container endpoint it could not reach.</summary>
public sealed class StorageUnavailableTests
{
    [Fact]
    public async Task EveryRequestRefused_FailsWithAzureRequestFailed_NamingTheContainerEndpoint()
    {
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 0;
        options.Transport = new ServerBusyTransport();
        var factory = new BlobClientFactory(new StorageSharedKeyCredential("lake", Convert.ToBase64String(new byte[32])), options);
        var target = new LakeTarget(BlobLocation.Parse("https://lake.blob.core.windows.net/exports"), "SalesDb");
        var folder = Directory.CreateTempSubdirectory("cisynapse-busy-").FullName;
        try
        {
            var entity = LakeScenario.LocalEntity(folder, "Contact", 1, 3);

            var error = await Assert.ThrowsAsync<CISynapseException>(() => new LakeLander(factory).LandAsync(target, [entity], OperationContext.None));

            Assert.Equal(ErrorIds.AzureRequestFailed, error.ErrorId);
            Assert.Contains("https://lake.blob.core.windows.net/exports/", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>Answers every request 503 ServerBusy without a network.</summary>
    private sealed class ServerBusyTransport : HttpPipelineTransport
    {
        public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

        public override void Process(HttpMessage message) => message.Response = new BusyResponse(message.Request.ClientRequestId);

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            Process(message);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class BusyResponse(string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase) { ["x-ms-error-code"] = "ServerBusy" };

        public override int Status => 503;

        public override string ReasonPhrase => "Server Busy";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            var found = _headers.TryGetValue(name, out var value);
            values = found ? [value!] : null;
            return found;
        }
    }
}
