using AzureEmulator.Http;

namespace AzureEmulator.Faults;

/// <summary>What to inject: a kind of failure, how often, where, and how many times at most.</summary>
public sealed class FaultSettings
{
    /// <summary>"429", "500", "503" or "drop" (the connection is aborted without an answer).</summary>
    public string Kind { get; set; } = "503";

    /// <summary>Probability per matching request, 0..1.</summary>
    public double Rate { get; set; } = 1.0;

    /// <summary>Retry-After seconds sent with 429 (and 503).</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Only requests whose route name (e.g. "GET roleAssignments") or path contains this text; all when empty.</summary>
    public string? Match { get; set; }

    /// <summary>Stop after this many injected faults; unlimited when null.</summary>
    public int? MaxCount { get; set; }

    /// <summary>Seed of the random draw, so a rate gives the same sequence every run.</summary>
    public int Seed { get; set; } = 1;
}

/// <summary>Decides per request whether to add latency and whether to fail it instead of answering.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private FaultSettings? _settings;
    private Random _random = new(1);
    private int _injected;

    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Only requests whose route name (e.g. "GET workspaces") or path contains this text are delayed; all when empty.</summary>
    public string? LatencyMatch { get; set; }

    /// <summary>The delay to add before answering this request.</summary>
    public TimeSpan LatencyFor(string route, string path) =>
        string.IsNullOrEmpty(LatencyMatch) || route.Contains(LatencyMatch, StringComparison.OrdinalIgnoreCase) || path.Contains(LatencyMatch, StringComparison.OrdinalIgnoreCase)
            ? Latency
            : TimeSpan.Zero;

    public FaultSettings? Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public int Injected
    {
        get
        {
            lock (_gate)
            {
                return _injected;
            }
        }
    }

    public void Configure(FaultSettings? settings)
    {
        if (settings is not null && settings.Kind is not ("429" or "500" or "503" or "drop"))
        {
            throw new ArgumentException($"Unknown fault kind '{settings.Kind}'. Use 429, 500, 503 or drop.");
        }

        if (settings is not null && settings.Rate is < 0 or > 1)
        {
            throw new ArgumentException("The fault rate must be between 0 and 1.");
        }

        lock (_gate)
        {
            _settings = settings;
            _random = new Random(settings?.Seed ?? 1);
            _injected = 0;
        }
    }

    /// <summary>The fault kind to inject for this request, or null to answer normally.</summary>
    public string? Decide(string route, string path)
    {
        lock (_gate)
        {
            var s = _settings;
            if (s is null)
            {
                return null;
            }

            if (!string.IsNullOrEmpty(s.Match) &&
                !route.Contains(s.Match, StringComparison.OrdinalIgnoreCase) &&
                !path.Contains(s.Match, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (s.MaxCount is { } max && _injected >= max)
            {
                return null;
            }

            if (_random.NextDouble() >= s.Rate)
            {
                return null;
            }

            _injected++;
            return s.Kind;
        }
    }

    public Reply FaultReply(string kind)
    {
        var retryAfter = (Settings?.RetryAfterSeconds ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return kind switch
        {
            "429" => Reply.Error(429, "TooManyRequests", "Too many requests, please retry after some time.", new Dictionary<string, string> { ["Retry-After"] = retryAfter }),
            "500" => Reply.Error(500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '" + DateTime.UtcNow.ToString("yyyyMMddTHHmmss.fffffffZ") + "'."),
            _ => Reply.Error(503, "ServiceUnavailable", "The server is currently unable to handle the request. Please retry.", new Dictionary<string, string> { ["Retry-After"] = retryAfter }),
        };
    }
}
