using System.Net;
using System.Net.Security;
using System.Text;

namespace AzureEmulator.Faults;

/// <summary>
/// What the storage proxy injects, each drawn per request from one seeded random sequence: answers of 503 or 429
/// (with Retry-After) instead of forwarding, connections aborted before the request reaches Azurite, and connections
/// aborted after Azurite answered (the request took effect, the client never hears it). Also a delay per request
/// and a bandwidth cap per connection (slow storage).
/// </summary>
public sealed class StorageFaultSettings
{
    /// <summary>Share of requests answered with an error status instead of being forwarded, 0..1.</summary>
    public double ErrorRate { get; set; }

    /// <summary>The statuses errors are drawn from, in turn at random: 503 (ServerBusy) and 429 by default.</summary>
    public int[] Statuses { get; set; } = [503, 429];

    /// <summary>Retry-After seconds sent with the error answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Share of requests whose connection is aborted before they are forwarded, 0..1.</summary>
    public double DropRate { get; set; }

    /// <summary>Share of requests forwarded whose connection is then aborted instead of answered, 0..1.</summary>
    public double ResponseDropRate { get; set; }

    /// <summary>Only requests whose path contains this text; all when empty.</summary>
    public string? Match { get; set; }

    /// <summary>Delay before each matching request is handled (slow storage).</summary>
    public int LatencyMilliseconds { get; set; }

    /// <summary>
    /// Cap on the bytes per second of each matching request's body and of its answer's body, 0 for none. A
    /// connection carries one request at a time (HTTP/1.1), so this is a cap per connection; concurrent connections
    /// each get the whole cap.
    /// </summary>
    public long BandwidthBytesPerSecond { get; set; }

    public int Seed { get; set; } = 1;

    public void Validate()
    {
        foreach (var (name, rate) in new[] { ("errorRate", ErrorRate), ("dropRate", DropRate), ("responseDropRate", ResponseDropRate) })
        {
            if (rate is < 0 or > 1)
            {
                throw new ArgumentException($"{name} must be between 0 and 1.");
            }
        }

        if (ErrorRate + DropRate + ResponseDropRate > 1)
        {
            throw new ArgumentException("errorRate + dropRate + responseDropRate must be at most 1.");
        }

        if (Statuses.Length == 0 || Statuses.Any(s => s is not (429 or 500 or 503)))
        {
            throw new ArgumentException("statuses must be taken from 429, 500 and 503.");
        }

        if (RetryAfterSeconds < 0 || LatencyMilliseconds < 0 || BandwidthBytesPerSecond < 0)
        {
            throw new ArgumentException("retryAfterSeconds, latencyMilliseconds and bandwidthBytesPerSecond must not be negative.");
        }
    }
}

/// <summary>What happened to one request that reached the proxy.</summary>
public enum ProxyOutcome
{
    Forwarded,
    Error,
    Dropped,
    ResponseDropped,
}

/// <summary>
/// A fault-injecting reverse proxy in front of Azurite: a second HTTPS listener of the emulator that forwards every
/// request (method, path, query, headers, body) to Azurite and streams the answer back, unless the seeded plan says
/// to fail it. It is the storage front door, so it also applies each account's network rules (<see cref="Admits"/>).
/// Controlled through the admin API (<c>/_admin/storageFaults</c>).
/// </summary>
public sealed class StorageProxy : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Host",
    };

    private readonly Lock _gate = new();
    private readonly HttpMessageInvoker _client;
    private readonly Dictionary<ProxyOutcome, int> _counts = [];
    private StorageFaultSettings? _settings;
    private Random _random = new(1);
    private long _pacedBytes;

    public StorageProxy(Uri target, int port)
    {
        Target = new Uri(target.GetLeftPart(UriPartial.Authority));
        Port = port;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Azurite is ours, on loopback, with the stack's own certificate.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => Target.IsLoopback },
        });
    }

    /// <summary>Azurite's authority (https://127.0.0.1:port).</summary>
    public Uri Target { get; }

    /// <summary>The port the proxy listens on.</summary>
    public int Port { get; set; }

    public StorageFaultSettings? Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public void Configure(StorageFaultSettings? settings)
    {
        settings?.Validate();
        lock (_gate)
        {
            _settings = settings;
            _random = new Random(settings?.Seed ?? 1);
            _counts.Clear();
            Interlocked.Exchange(ref _pacedBytes, 0);
        }
    }

    /// <summary>Body bytes (requests and answers) that went through the bandwidth cap since the last configuration.</summary>
    public long PacedBytes => Interlocked.Read(ref _pacedBytes);

    public IReadOnlyDictionary<ProxyOutcome, int> Counts
    {
        get
        {
            lock (_gate)
            {
                return Enum.GetValues<ProxyOutcome>().ToDictionary(o => o, o => _counts.GetValueOrDefault(o));
            }
        }
    }

    /// <summary>
    /// The storage firewall: given the account (the first path segment) and the client's address, whether the
    /// request may pass. Requests it refuses get 403 AuthorizationFailure, as Azure answers, before any fault.
    /// </summary>
    public Func<string, IPAddress?, bool>? Admits { get; set; }

    public async Task HandleAsync(HttpContext ctx)
    {
        var account = (ctx.Request.Path.Value ?? string.Empty).TrimStart('/').Split('/')[0];
        if (Admits is { } admits && !admits(account, ctx.Connection.RemoteIpAddress))
        {
            await WriteNetworkRefusalAsync(ctx);
            return;
        }

        var (outcome, status, retryAfter, latency, bandwidth) = Decide(ctx.Request.Path.Value ?? string.Empty);
        if (latency > 0)
        {
            await Task.Delay(latency, ctx.RequestAborted);
        }

        switch (outcome)
        {
            case ProxyOutcome.Dropped:
                ctx.Abort();
                return;
            case ProxyOutcome.Error:
                await WriteErrorAsync(ctx, status, retryAfter);
                return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(Target, ctx.Request.Path.Value + ctx.Request.QueryString.Value));
        if (ctx.Request.ContentLength is not null || ctx.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(Paced(ctx.Request.Body, bandwidth));
        }

        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // The client's Host, as a front door keeps it: Azurite serves Put Block From URL only when the copy source's
        // authority is the Host the request was sent to (the proxy's), and then reads the source itself.
        request.Headers.Host = ctx.Request.Host.HasValue ? ctx.Request.Host.Value : Target.Authority;
        using var response = await _client.SendAsync(request, ctx.RequestAborted);
        if (outcome == ProxyOutcome.ResponseDropped)
        {
            ctx.Abort();
            return;
        }

        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                ctx.Response.Headers[name] = values.ToArray();
            }
        }

        await using var body = Paced(await response.Content.ReadAsStreamAsync(ctx.RequestAborted), bandwidth);
        await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    }

    public void Dispose() => _client.Dispose();

    private Stream Paced(Stream body, long bytesPerSecond) =>
        bytesPerSecond > 0 ? new PacedReadStream(body, bytesPerSecond, n => Interlocked.Add(ref _pacedBytes, n)) : body;

    private (ProxyOutcome Outcome, int Status, int RetryAfter, int Latency, long Bandwidth) Decide(string path)
    {
        lock (_gate)
        {
            var s = _settings;
            var outcome = ProxyOutcome.Forwarded;
            var status = 0;
            var latency = 0;
            var bandwidth = 0L;
            if (s is not null && (string.IsNullOrEmpty(s.Match) || path.Contains(s.Match, StringComparison.OrdinalIgnoreCase)))
            {
                latency = s.LatencyMilliseconds;
                bandwidth = s.BandwidthBytesPerSecond;
                var draw = _random.NextDouble();
                if (draw < s.ErrorRate)
                {
                    outcome = ProxyOutcome.Error;
                    status = s.Statuses[_random.Next(s.Statuses.Length)];
                }
                else if (draw < s.ErrorRate + s.DropRate)
                {
                    outcome = ProxyOutcome.Dropped;
                }
                else if (draw < s.ErrorRate + s.DropRate + s.ResponseDropRate)
                {
                    outcome = ProxyOutcome.ResponseDropped;
                }
            }

            _counts[outcome] = _counts.GetValueOrDefault(outcome) + 1;
            return (outcome, status, s?.RetryAfterSeconds ?? 1, latency, bandwidth);
        }
    }

    private static async Task WriteNetworkRefusalAsync(HttpContext ctx)
    {
        var requestId = Guid.NewGuid().ToString();
        ctx.Response.StatusCode = 403;
        ctx.Response.Headers["x-ms-error-code"] = Storage.StorageNetworkRules.RefusedCode;
        ctx.Response.Headers["x-ms-request-id"] = requestId;
        ctx.Response.ContentType = "application/xml";
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var body = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{Storage.StorageNetworkRules.RefusedCode}</Code><Message>{Storage.StorageNetworkRules.RefusedMessage}\nRequestId:{requestId}\nTime:{time}</Message></Error>";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), ctx.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext ctx, int status, int retryAfter)
    {
        var (code, message) = status switch
        {
            429 => ("TooManyRequests", "The request was throttled (injected by the test proxy)."),
            500 => ("InternalError", "The server encountered an internal error (injected by the test proxy)."),
            _ => ("ServerBusy", "The server is currently unable to receive requests (injected by the test proxy)."),
        };
        ctx.Response.StatusCode = status;
        ctx.Response.Headers["Retry-After"] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.Headers["x-ms-error-code"] = code;
        ctx.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        ctx.Response.ContentType = "application/xml";
        var body = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), ctx.RequestAborted);
    }
}
