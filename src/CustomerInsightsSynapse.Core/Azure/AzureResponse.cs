using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>A successful JSON response: status, body (null when empty) and the headers the module reads.</summary>
public sealed class AzureResponse : IDisposable
{
    internal AzureResponse(int status, JsonDocument? body, string? eTag, string? location, string? continuation = null)
    {
        Status = status;
        Body = body;
        ETag = eTag;
        Location = location;
        Continuation = continuation;
    }

    public int Status { get; }

    public JsonDocument? Body { get; }

    public string? ETag { get; }

    public string? Location { get; }

    /// <summary>The x-ms-continuation header: Synapse data-plane lists page with it instead of nextLink.</summary>
    public string? Continuation { get; }

    public JsonElement Root => Body?.RootElement ?? default;

    public void Dispose() => Body?.Dispose();
}
