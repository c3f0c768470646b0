namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>The REST api-versions the module speaks, one place for all.</summary>
public static class ApiVersions
{
    public const string Subscriptions = "2022-12-01";
    public const string ResourceGroups = "2021-04-01";
    public const string Storage = "2023-01-01";
    public const string Synapse = "2021-06-01";
    public const string Authorization = "2022-04-01";
    public const string SynapseDataPlane = "2020-12-01";
}
