using global::Azure.Core;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>Azure.Core pipeline options for the module's REST clients: retries with Retry-After honoured, a user agent.</summary>
public sealed class AzureClientOptions : ClientOptions
{
    public AzureClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromMilliseconds(500);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        // Azure.Core refuses application ids of 25 characters or more.
        Diagnostics.ApplicationId = "CISynapse/" + typeof(AzureClientOptions).Assembly.GetName().Version?.ToString(3);
        Diagnostics.IsLoggingContentEnabled = false;
        Diagnostics.IsTelemetryEnabled = true;
    }
}
