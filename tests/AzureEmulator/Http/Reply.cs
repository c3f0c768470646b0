using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzureEmulator.Http;

/// <summary>An HTTP answer: status, optional JSON body and extra headers.</summary>
public sealed record Reply(int Status, JsonNode? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);

    public static Reply Ok(JsonNode body) => new(200, body);

    public static Reply Created(JsonNode body) => new(201, body);

    public static Reply NoContent() => new(204);

    /// <summary>The ARM/Graph error shape: {"error":{"code","message"}}.</summary>
    public static Reply Error(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, headers);

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(Body.ToJsonString(Compact), context.RequestAborted);
        }
    }

    /// <summary>Serializes a state object into a JSON node with web (camelCase) naming.</summary>
    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Compact)!;
}
