namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>Timeouts and retry settings of <see cref="SqlScriptExecutor"/>.</summary>
public sealed record SqlExecutorOptions
{
    public static SqlExecutorOptions Default { get; } = new();

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a connection or a batch is tried when SQL reports a transient error.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SQL error numbers retried with exponential back-off: database or service busy, being moved or failed over,
    /// resource limits, a database just created and not yet open, and dropped connections.
    /// </summary>
    public static IReadOnlyList<int> TransientErrorNumbers { get; } =
    [
        4060, 4221, 10053, 10054, 10060, 10928, 10929, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920, 233, 64, 20,
    ];
}
