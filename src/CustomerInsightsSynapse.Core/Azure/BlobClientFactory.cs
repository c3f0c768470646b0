using System.Collections.Concurrent;
using global::Azure.Core;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// Makes Blob clients for storage URLs, signed in the same way everywhere: a token credential for real use,
/// or a shared key (tests against Azurite over plain HTTP). One client per storage account, made on first use and
/// shared: a client builds its HTTP pipeline when it is made (its policies, found by reflection, and with a token
/// credential its own token cache, so a new client asks the credential for a token on its first request).
/// </summary>
public sealed class BlobClientFactory
{
    private readonly TokenCredential? _credential;
    private readonly StorageSharedKeyCredential? _sharedKey;
    private readonly ConcurrentDictionary<Uri, BlobServiceClient> _services = new();

    public BlobClientFactory(TokenCredential credential, BlobClientOptions? options = null)
    {
        _credential = credential;
        Options = options ?? DefaultOptions();
    }

    public BlobClientFactory(StorageSharedKeyCredential sharedKey, BlobClientOptions? options = null)
    {
        _sharedKey = sharedKey;
        Options = options ?? DefaultOptions();
    }

    public BlobClientOptions Options { get; }

    /// <summary>The credential used for server-side copies' source authorization, when the factory has one.</summary>
    public TokenCredential? TokenCredential => _credential;

    public static BlobClientOptions DefaultOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromMilliseconds(400);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Diagnostics.IsLoggingContentEnabled = false;
        options.Diagnostics.ApplicationId = "CustomerInsightsSynapse";
        return options;
    }

    public BlobServiceClient Service(Uri accountEndpoint) =>
        _services.GetOrAdd(accountEndpoint, endpoint => _credential is not null ? new BlobServiceClient(endpoint, _credential, Options) : new BlobServiceClient(endpoint, _sharedKey!, Options));

    public BlobContainerClient Container(BlobLocation location) =>
        Service(location.AccountEndpoint).GetBlobContainerClient(location.Container);

    public BlobContainerClient Container(Uri accountEndpoint, string container) =>
        Service(accountEndpoint).GetBlobContainerClient(container);
}
