namespace AzureEmulator.Http;

/// <summary>The api-versions each emulated API accepts (real ones only) and the errors for others.</summary>
public static class ApiVersions
{
    public static readonly string[] Authorization = ["2022-04-01"];
    public static readonly string[] Storage = ["2023-01-01", "2023-05-01", "2025-01-01"];
    public static readonly string[] Synapse = ["2021-06-01"];
    public static readonly string[] Subscriptions = ["2022-12-01", "2020-01-01", "2016-06-01"];
    public static readonly string[] ResourceGroups = ["2021-04-01", "2022-09-01", "2024-03-01"];
    public static readonly string[] SynapseDataPlane = ["2020-12-01"];

    /// <summary>Null when the request's api-version is one of <paramref name="supported"/>; the ARM error otherwise.</summary>
    public static Reply? Check(HttpRequest request, string[] supported, string? resourceType = null)
    {
        var version = request.Query["api-version"].ToString();
        if (string.IsNullOrEmpty(version))
        {
            return Reply.Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }

        if (supported.Contains(version, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var list = string.Join(", ", supported);
        return resourceType is null
            ? Reply.Error(400, "InvalidApiVersionParameter", $"The api-version '{version}' is invalid. The supported versions are '{list}'.")
            : Reply.Error(400, "NoRegisteredProviderFound",
                $"No registered resource provider found for location 'westeurope' and API version '{version}' for type '{resourceType}'. The supported api-versions are '{list}'. The supported locations are 'westeurope, northeurope, eastus, westus2'.");
    }
}
