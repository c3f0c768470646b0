using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// The endpoints and token audiences of one Azure cloud. Storage, Synapse and SQL endpoints of a
/// resource are not listed here: they come from what Resource Manager returns for the resource.
/// </summary>
public sealed record CloudEnvironment(
    string Name,
    Uri ResourceManagerUrl,
    string ResourceManagerAudience,
    Uri GraphUrl,
    string GraphAudience,
    string StorageAudience,
    string SynapseAudience,
    string SqlAudience,
    Uri AuthorityHost)
{
    public const string AzureCloudName = "AzureCloud";
    public const string AzureUSGovernmentName = "AzureUSGovernment";
    public const string AzureChinaCloudName = "AzureChinaCloud";
    public const string CustomName = "Custom";

    public static readonly CloudEnvironment AzureCloud = new(
        AzureCloudName,
        new Uri("https://management.azure.com/"),
        "https://management.azure.com",
        new Uri("https://graph.microsoft.com/"),
        "https://graph.microsoft.com",
        "https://storage.azure.com",
        "https://dev.azuresynapse.net",
        "https://database.windows.net",
        new Uri("https://login.microsoftonline.com/"));

    public static readonly CloudEnvironment AzureUSGovernment = new(
        AzureUSGovernmentName,
        new Uri("https://management.usgovcloudapi.net/"),
        "https://management.usgovcloudapi.net",
        new Uri("https://graph.microsoft.us/"),
        "https://graph.microsoft.us",
        "https://storage.azure.com",
        "https://dev.azuresynapse.usgovcloudapi.net",
        "https://database.usgovcloudapi.net",
        new Uri("https://login.microsoftonline.us/"));

    public static readonly CloudEnvironment AzureChinaCloud = new(
        AzureChinaCloudName,
        new Uri("https://management.chinacloudapi.cn/"),
        "https://management.chinacloudapi.cn",
        new Uri("https://microsoftgraph.chinacloudapi.cn/"),
        "https://microsoftgraph.chinacloudapi.cn",
        "https://storage.azure.com",
        "https://dev.azuresynapse.azure.cn",
        "https://database.chinacloudapi.cn",
        new Uri("https://login.chinacloudapi.cn/"));

    public static IReadOnlyList<CloudEnvironment> KnownClouds { get; } = [AzureCloud, AzureUSGovernment, AzureChinaCloud];

    public static CloudEnvironment FromName(string name) =>
        KnownClouds.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CISynapseException(
            ErrorIds.UnknownCloud,
            ErrorKind.InvalidArgument,
            $"Unknown cloud '{name}'. Use one of {string.Join(", ", KnownClouds.Select(c => c.Name))}, or give a Resource Manager URL for a custom cloud.",
            name);

    /// <summary>
    /// A cloud at a custom Resource Manager URL (Azure Stack, a sovereign cloud not listed, a local stand-in).
    /// Audiences default to the public cloud's, except Resource Manager's, which is the URL itself; Graph
    /// defaults to the public Graph unless given.
    /// </summary>
    public static CloudEnvironment Custom(Uri resourceManagerUrl, Uri? graphUrl = null, string? resourceManagerAudience = null)
    {
        if (!resourceManagerUrl.IsAbsoluteUri || resourceManagerUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new CISynapseException(
                ErrorIds.UnknownCloud,
                ErrorKind.InvalidArgument,
                $"The Resource Manager URL '{resourceManagerUrl}' must be an absolute https URL.",
                resourceManagerUrl.ToString());
        }

        var arm = EnsureTrailingSlash(resourceManagerUrl);
        var graph = graphUrl is null ? AzureCloud.GraphUrl : EnsureTrailingSlash(graphUrl);
        return AzureCloud with
        {
            Name = CustomName,
            ResourceManagerUrl = arm,
            ResourceManagerAudience = resourceManagerAudience ?? arm.GetLeftPart(UriPartial.Authority),
            GraphUrl = graph,
        };
    }

    /// <summary>The OAuth scope for an audience: the audience followed by <c>/.default</c>.</summary>
    public static string ScopeFor(string audience) => audience.TrimEnd('/') + "/.default";

    private static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
