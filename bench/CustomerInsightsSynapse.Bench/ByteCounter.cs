using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Bench;

/// <summary>Counts, per container, the response body bytes the client received for GET requests (data it read).</summary>
internal sealed class ByteCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, long> _read = new(StringComparer.Ordinal);

    public long ReadFrom(string container) => _read.TryGetValue(container, out var n) ? n : 0;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get)
        {
            return;
        }

        // Path-style (Azurite): /account/container/blob.
        var segments = message.Request.Uri.ToUri().AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 3)
        {
            _read.AddOrUpdate(segments[1], message.Response.Headers.ContentLength ?? 0, (_, n) => n + (message.Response.Headers.ContentLength ?? 0));
        }
    }
}
