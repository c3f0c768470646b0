namespace AzureEmulator.Tds;

/// <summary>What to inject on the SQL endpoint: a kind of failure, at login or per batch, how many times.</summary>
public sealed class SqlFaultSettings
{
    /// <summary>"transient" (error 40613 unless <see cref="Number"/> says otherwise), "error" (a permanent error) or "drop" (the connection is closed without an answer).</summary>
    public string Kind { get; set; } = "transient";

    /// <summary>"batch" or "login".</summary>
    public string On { get; set; } = "batch";

    /// <summary>How many matching batches or logins fail; then the endpoint answers normally again.</summary>
    public int Count { get; set; } = 1;

    /// <summary>Only batches whose text contains this (case-insensitive); every batch when empty. Ignored for logins.</summary>
    public string? Match { get; set; }

    /// <summary>The error number for "transient" and "error" (defaults 40613 and 50000).</summary>
    public int? Number { get; set; }

    /// <summary>The error message for "error"; for a known number the server's wording is used when empty.</summary>
    public string? Message { get; set; }
}

/// <summary>Decides per login and per batch whether to fail it, and holds the per-batch latency.</summary>
public sealed class SqlFaults
{
    private readonly Lock _gate = new();
    private SqlFaultSettings? _settings;
    private int _remaining;
    private int _injected;

    public TimeSpan Latency { get; private set; } = TimeSpan.Zero;

    /// <summary>Only batches whose text contains this (case-insensitive) wait out <see cref="Latency"/>; every batch when empty.</summary>
    public string? LatencyMatch { get; private set; }

    public void SetLatency(TimeSpan latency, string? match)
    {
        lock (_gate)
        {
            Latency = latency;
            LatencyMatch = string.IsNullOrEmpty(match) ? null : match;
        }
    }

    /// <summary>How long this batch waits before it runs.</summary>
    public TimeSpan LatencyFor(string text)
    {
        lock (_gate)
        {
            return LatencyMatch is null || text.Contains(LatencyMatch, StringComparison.OrdinalIgnoreCase) ? Latency : TimeSpan.Zero;
        }
    }

    public SqlFaultSettings? Settings
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

    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                return _remaining;
            }
        }
    }

    public void Configure(SqlFaultSettings? settings)
    {
        if (settings is not null)
        {
            if (settings.Kind is not ("transient" or "error" or "drop"))
            {
                throw new ArgumentException($"Unknown SQL fault kind '{settings.Kind}'. Use transient, error or drop.");
            }

            if (settings.On is not ("batch" or "login"))
            {
                throw new ArgumentException($"Unknown SQL fault target '{settings.On}'. Use batch or login.");
            }

            if (settings.Count < 1)
            {
                throw new ArgumentException("The SQL fault count must be at least 1.");
            }
        }

        lock (_gate)
        {
            _settings = settings;
            _remaining = settings?.Count ?? 0;
            _injected = 0;
        }
    }

    /// <summary>The fault for this login, or null.</summary>
    public SqlFaultSettings? ForLogin() => Take("login", null);

    /// <summary>The fault for this batch, or null.</summary>
    public SqlFaultSettings? ForBatch(string text) => Take("batch", text);

    /// <summary>The error a "transient" or "error" fault sends.</summary>
    public static SqlError ErrorFor(SqlFaultSettings fault, string database)
    {
        if (fault.Kind == "transient")
        {
            var number = fault.Number ?? 40613;
            return number == 40613 ? SqlErrors.DatabaseUnavailable(database) : new SqlError(number, 1, 17, fault.Message ?? $"A transient error {number} was injected by the emulator.");
        }

        return new SqlError(fault.Number ?? 50000, 1, 16, fault.Message ?? "The emulator was told to fail this batch.");
    }

    private SqlFaultSettings? Take(string on, string? text)
    {
        lock (_gate)
        {
            var s = _settings;
            if (s is null || s.On != on || _remaining <= 0)
            {
                return null;
            }

            if (text is not null && !string.IsNullOrEmpty(s.Match) && !text.Contains(s.Match, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            _remaining--;
            _injected++;
            return s;
        }
    }
}
