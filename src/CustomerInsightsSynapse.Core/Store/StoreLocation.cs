using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>Where a store's location setting came from.</summary>
public enum StoreLocationSource
{
    /// <summary>Set-CISynapseStore in this session.</summary>
    Session,

    /// <summary>The CISYNAPSE_STORE environment variable.</summary>
    Environment,

    /// <summary>CISYNAPSE_HOME, else the per-user configuration folder.</summary>
    Default,
}

/// <summary>
/// Where the definition store lives: a local folder or an https Blob container URL (with an optional path
/// inside the container). Chosen in this order: the session setting, CISYNAPSE_STORE, CISYNAPSE_HOME, and the
/// per-user configuration folder (%APPDATA% on Windows, $XDG_CONFIG_HOME or ~/.config elsewhere) + CustomerInsightsSynapse.
/// </summary>
public sealed record StoreLocation(string Value, StoreLocationSource Source)
{
    public const string StoreVariable = "CISYNAPSE_STORE";
    public const string HomeVariable = "CISYNAPSE_HOME";
    public const string FolderName = "CustomerInsightsSynapse";

    public bool IsBlob => BlobLocation.IsUrl(Value);

    public static StoreLocation Resolve(string? sessionValue)
    {
        if (!string.IsNullOrWhiteSpace(sessionValue))
        {
            return Parse(sessionValue, StoreLocationSource.Session);
        }

        var fromEnvironment = System.Environment.GetEnvironmentVariable(StoreVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment)
            ? new StoreLocation(DefaultLocalFolder(), StoreLocationSource.Default)
            : Parse(fromEnvironment, StoreLocationSource.Environment);
    }

    /// <summary>Checks a folder path or container URL and normalises it (full path; URL without query).</summary>
    public static StoreLocation Parse(string value, StoreLocationSource source)
    {
        var trimmed = value.Trim();
        if (BlobLocation.IsUrl(trimmed))
        {
            var uri = new Uri(trimmed);
            if (!string.IsNullOrEmpty(uri.Query))
            {
                throw new CISynapseException(
                    ErrorIds.InvalidStoreLocation,
                    ErrorKind.InvalidArgument,
                    $"The store URL '{AzureRestClient.Describe(uri)}' has a query string. Give the container URL without a SAS: the store signs in with your Azure identity.",
                    AzureRestClient.Describe(uri));
            }

            ValidateUrlPath(trimmed);
            var location = BlobLocation.Parse(trimmed);
            if (uri.Scheme != Uri.UriSchemeHttps && !IsLoopback(uri))
            {
                throw new CISynapseException(ErrorIds.InvalidStoreLocation, ErrorKind.InvalidArgument, $"The store URL '{trimmed}' must use https.", trimmed);
            }

            return new StoreLocation(location.ToUri().AbsoluteUri, source);
        }

        try
        {
            return new StoreLocation(Path.GetFullPath(trimmed), source);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CISynapseException(ErrorIds.InvalidStoreLocation, ErrorKind.InvalidArgument, $"The store location '{value}' is neither a folder path nor an https container URL: {ex.Message}", value, ex);
        }
    }

    public static string DefaultLocalFolder()
    {
        var home = System.Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home))
        {
            return Path.GetFullPath(home);
        }

        var config = System.Environment.GetFolderPath(System.Environment.SpecialFolder.ApplicationData, System.Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(config))
        {
            throw new CISynapseException(
                ErrorIds.InvalidStoreLocation,
                ErrorKind.InvalidOperation,
                $"There is no per-user configuration folder for this account. Set {HomeVariable} or {StoreVariable}, or use Set-CISynapseStore.");
        }

        return Path.Combine(config, FolderName);
    }

    /// <summary>Opens the store: a local folder directly, a container through <paramref name="blobClients"/>.</summary>
    public DefinitionStore Open(Func<BlobClientFactory> blobClients, TimeSpan? lockTimeout = null) =>
        new(IsBlob ? new BlobContainerBackend(BlobLocation.Parse(Value), blobClients()) : new LocalFolderBackend(Value, lockTimeout));

    /// <summary>Opens the store, reaching a Blob container as the session's signed-in identity.</summary>
    public DefinitionStore Open(AzureSession session, TimeSpan? lockTimeout = null) => Open(session.CreateBlobClientFactory, lockTimeout);

    private static bool IsLoopback(Uri uri) => uri.IsLoopback;

    /// <summary>
    /// Checks every segment of the URL's path as written, before System.Uri folds '.' and '..' away (which would
    /// silently move the store to another container) and with escapes decoded (so '%00' or '%2e%2e' are seen).
    /// </summary>
    private static void ValidateUrlPath(string url)
    {
        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOf('/', authorityStart);
        if (pathStart < 0)
        {
            return;
        }

        var path = url[pathStart..];
        var end = path.IndexOfAny(['?', '#']);
        foreach (var segment in (end < 0 ? path : path[..end]).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            BlobPaths.ValidateSegment(Uri.UnescapeDataString(segment), "store URL path segment");
        }
    }
}
