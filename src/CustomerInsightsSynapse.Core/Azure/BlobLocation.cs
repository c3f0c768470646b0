using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// A blob URL taken apart: the account's blob endpoint, the container and the path inside it.
/// Accepts blob and dfs host names (dfs is read through the Blob API), drops a default ':443', and
/// understands path-style endpoints (https://127.0.0.1:10000/devstoreaccount1/container/path, as Azurite uses).
/// </summary>
public sealed record BlobLocation(Uri AccountEndpoint, string AccountName, string Container, string Path)
{
    public Uri ContainerUri => new(AccountEndpoint, Uri.EscapeDataString(Container) + "/");

    public Uri ToUri() => Path.Length == 0
        ? ContainerUri
        : new Uri(ContainerUri, string.Join('/', Path.Split('/').Select(Uri.EscapeDataString)));

    public BlobLocation Child(string relative) => this with { Path = BlobPaths.Combine(Path, relative) };

    public static bool IsUrl(string location) =>
        location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    public static BlobLocation Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid(url, "is not an absolute https URL");
        }

        var host = uri.Host;
        var segments = Uri.UnescapeDataString(uri.AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        string account;
        int containerIndex;
        var isIp = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        if (isIp)
        {
            if (segments.Length < 1)
            {
                throw Invalid(url, "names no account");
            }

            account = segments[0];
            containerIndex = 1;
        }
        else
        {
            account = host.Split('.')[0];
            containerIndex = 0;
            host = ToBlobHost(host);
        }

        if (segments.Length <= containerIndex)
        {
            throw Invalid(url, "names no container");
        }

        var port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port;
        var endpoint = new Uri($"{uri.Scheme}://{host}{port}/{(isIp ? account + "/" : string.Empty)}");
        var path = string.Join('/', segments.Skip(containerIndex + 1));
        return new BlobLocation(endpoint, account, segments[containerIndex], path);
    }

    /// <summary>Maps a dfs host name to its blob host name (mystorage.dfs.core.windows.net → mystorage.blob.core.windows.net).</summary>
    public static string ToBlobHost(string host)
    {
        var parts = host.Split('.');
        if (parts.Length > 2 && parts[1].Equals("dfs", StringComparison.OrdinalIgnoreCase))
        {
            parts[1] = "blob";
        }

        return string.Join('.', parts);
    }

    private static CISynapseException Invalid(string url, string problem) =>
        new(ErrorIds.InvalidBlobPath, ErrorKind.InvalidArgument, $"The storage URL '{AzureRestClient.Describe(SafeUri(url))}' {problem}.", url);

    private static Uri SafeUri(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : new Uri("about:invalid");
}
