using System.Runtime.CompilerServices;
using System.Text.Json;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// JSON over an Azure.Core pipeline for one service and audience (Resource Manager, the Synapse dev endpoint,
/// Graph): bearer tokens, retries with Retry-After, paging through <c>nextLink</c>, and Azure error bodies
/// turned into <see cref="CISynapseException"/>s that name the endpoint but never a token.
/// </summary>
public sealed class AzureRestClient
{
    private readonly HttpPipeline _pipeline;

    public AzureRestClient(Uri baseUri, TokenCredential credential, string audience, AzureClientOptions? options = null)
    {
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        Audience = audience;
        _pipeline = HttpPipelineBuilder.Build(
            options ?? new AzureClientOptions(),
            new BearerTokenAuthenticationPolicy(credential, CloudEnvironment.ScopeFor(audience)));
    }

    public Uri BaseUri { get; }

    public string Audience { get; }

    /// <summary>Counts every request sent, retries included; read by tests and bench.</summary>
    public int RequestCount => _requestCount;

    private int _requestCount;

    public Uri Resolve(string pathAndQuery) =>
        Uri.TryCreate(pathAndQuery, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http"
            ? absolute
            : new Uri(BaseUri, pathAndQuery.TrimStart('/'));

    public Task<AzureResponse> GetAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Get, pathAndQuery, null, cancellationToken);

    /// <summary>GET that returns null on 404 instead of failing.</summary>
    public async Task<AzureResponse?> GetOrNullAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(RequestMethod.Get, pathAndQuery, null, cancellationToken).ConfigureAwait(false);
        }
        catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.AzureResourceNotFound)
        {
            return null;
        }
    }

    public Task<AzureResponse> PutAsync(string pathAndQuery, object body, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Put, pathAndQuery, body, cancellationToken);

    public Task<AzureResponse> PostAsync(string pathAndQuery, object? body, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Post, pathAndQuery, body, cancellationToken);

    public Task<AzureResponse> DeleteAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Delete, pathAndQuery, null, cancellationToken);

    /// <summary>Every item of a list response, following <c>nextLink</c> (ARM) or <c>@odata.nextLink</c> (Graph).</summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string pathAndQuery, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = pathAndQuery;
        while (next is not null)
        {
            using var page = await GetAsync(next, cancellationToken).ConfigureAwait(false);
            if (page.Root.ValueKind != JsonValueKind.Object)
            {
                yield break;
            }

            foreach (var item in TolerantJson.Array(page.Root, "value"))
            {
                yield return item.Clone();
            }

            next = NextLink(page.Root);
        }
    }

    /// <summary>All items of a list response, collected.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAllAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        await foreach (var item in ListAsync(pathAndQuery, cancellationToken).ConfigureAwait(false))
        {
            all.Add(item);
        }

        return all;
    }

    /// <summary>Every item of a Synapse data-plane list (<c>value</c>), following the <c>x-ms-continuation</c> header.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListWithContinuationAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        string? continuation = null;
        while (true)
        {
            using var page = await SendAsync(RequestMethod.Get, pathAndQuery, null, cancellationToken, continuation).ConfigureAwait(false);
            all.AddRange(TolerantJson.Array(page.Root, "value").Select(item => item.Clone()));

            if (string.IsNullOrEmpty(page.Continuation) || page.Continuation == continuation)
            {
                return all;
            }

            continuation = page.Continuation;
        }
    }

    public Task<AzureResponse> SendAsync(RequestMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, pathAndQuery, body, cancellationToken, null);

    private async Task<AzureResponse> SendAsync(RequestMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken, string? continuation)
    {
        var uri = Resolve(pathAndQuery);
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("Accept", "application/json");
        if (continuation is not null)
        {
            message.Request.Headers.SetValue("x-ms-continuation", continuation);
        }
        if (body is not null)
        {
            var bytes = body as byte[] ?? JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), AzureJson.Options);
            message.Request.Headers.SetValue("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(bytes);
        }

        Interlocked.Increment(ref _requestCount);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new CISynapseException(
                ErrorIds.AzureRequestFailed,
                ErrorKind.ConnectionError,
                $"{method} {Describe(uri)} failed: {ex.Message}",
                Describe(uri),
                ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is HttpRequestException or RequestFailedException or IOException or TaskCanceledException))
        {
            throw new CISynapseException(
                ErrorIds.AzureRequestFailed,
                ErrorKind.ConnectionError,
                $"{method} {Describe(uri)} failed after retries: {ex.InnerExceptions[^1].Message}",
                Describe(uri),
                ex);
        }

        var response = message.Response;
        var status = response.Status;
        var content = response.Content.ToMemory();
        if (status is >= 200 and < 300)
        {
            JsonDocument? doc = null;
            if (!content.IsEmpty)
            {
                doc = JsonDocument.Parse(content);
            }

            response.Headers.TryGetValue("ETag", out var eTag);
            response.Headers.TryGetValue("Location", out var location);
            response.Headers.TryGetValue("x-ms-continuation", out var next);
            return new AzureResponse(status, doc, eTag, location, next);
        }

        throw ErrorFromResponse(method, uri, status, content);
    }

    internal static CISynapseException ErrorFromResponse(RequestMethod method, Uri uri, int status, ReadOnlyMemory<byte> content)
    {
        var (code, text) = ReadError(content);
        var where = Describe(uri);
        var message = $"{method} {where} returned {status}{(code is null ? string.Empty : " " + code)}: {text ?? "no error details"}";
        var (id, kind) = status switch
        {
            401 => (ErrorIds.AuthenticationFailed, ErrorKind.AuthenticationError),
            403 => (ErrorIds.AzureAuthorizationFailed, ErrorKind.PermissionDenied),
            404 => (ErrorIds.AzureResourceNotFound, ErrorKind.ObjectNotFound),
            409 => (ErrorIds.AzureRequestFailed, ErrorKind.ResourceExists),
            _ => (ErrorIds.AzureRequestFailed, ErrorKind.InvalidOperation),
        };
        return new AzureRequestException(id, kind, message, where, status, code);
    }

    /// <summary>The endpoint without its query string (which may hold SAS or filters).</summary>
    public static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private static (string? Code, string? Message) ReadError(ReadOnlyMemory<byte> content)
    {
        if (content.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            var error = TolerantJson.Object(root, "error");
            if (error.ValueKind == JsonValueKind.Object)
            {
                return (TolerantJson.String(error, "code"), TolerantJson.String(error, "message"));
            }

            return (TolerantJson.String(root, "code"), TolerantJson.String(root, "message"));
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }

    private static string? NextLink(JsonElement root) =>
        new[] { "nextLink", "@odata.nextLink" }.Select(name => TolerantJson.String(root, name)).FirstOrDefault(link => !string.IsNullOrEmpty(link));
}

/// <summary>A failed Azure request, with the HTTP status and the service's error code.</summary>
public sealed class AzureRequestException : CISynapseException
{
    public AzureRequestException(string errorId, ErrorKind kind, string message, string endpoint, int status, string? azureErrorCode)
        : base(errorId, kind, message, endpoint)
    {
        Status = status;
        AzureErrorCode = azureErrorCode;
    }

    public int Status { get; }

    /// <summary>The <c>error.code</c> of the response body (RoleAssignmentExists, PrincipalNotFound, AuthorizationFailed, …).</summary>
    public string? AzureErrorCode { get; }
}

/// <summary>JSON settings for request bodies: camelCase, nulls left out.</summary>
public static class AzureJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
