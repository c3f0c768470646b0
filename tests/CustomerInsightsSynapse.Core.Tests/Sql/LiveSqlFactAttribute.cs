namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// A test against a real Synapse workspace. It runs only when CISYNAPSE_LIVE_SQL_ENDPOINT (the workspace's
/// connectivityEndpoints.sqlOnDemand), CISYNAPSE_LIVE_STORAGE_ACCOUNT and CISYNAPSE_LIVE_CONTAINER are set,
/// signing in with DefaultAzureCredential; otherwise it is reported as skipped.
/// </summary>
public sealed class LiveSqlFactAttribute : FactAttribute
{
    public const string EndpointVariable = "CISYNAPSE_LIVE_SQL_ENDPOINT";
    public const string AccountVariable = "CISYNAPSE_LIVE_STORAGE_ACCOUNT";
    public const string ContainerVariable = "CISYNAPSE_LIVE_CONTAINER";

    public LiveSqlFactAttribute()
    {
        var missing = new[] { EndpointVariable, AccountVariable, ContainerVariable }
            .Where(v => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))
            .ToList();
        if (missing.Count > 0)
        {
            Skip = "Live Synapse test: set " + string.Join(", ", missing) + " to run it.";
        }
    }
}
