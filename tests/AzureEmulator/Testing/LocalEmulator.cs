using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Testing;

/// <summary>
/// For xunit tests in any project that references the emulator: starts it in-process on a free port with a fresh
/// certificate, and gives an HTTP handler that trusts exactly that certificate and test tokens for its audiences.
/// </summary>
public sealed class LocalEmulator : IAsyncDisposable
{
    private LocalEmulator(EmulatorHost host, X509Certificate2 certificate, string tenantId)
    {
        Host = host;
        Certificate = certificate;
        TenantId = tenantId;
    }

    public EmulatorHost Host { get; }

    public X509Certificate2 Certificate { get; }

    public string TenantId { get; }

    /// <summary>https://127.0.0.1:port/ — give it to the module as the Resource Manager URL.</summary>
    public Uri ResourceManagerUrl => new(Host.BaseUrl.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>The token audience the module asks for at a custom Resource Manager URL: its authority.</summary>
    public string ResourceManagerAudience => Host.BaseUrl.GetLeftPart(UriPartial.Authority);

    public Uri GraphUrl => new(ResourceManagerUrl, "graph/");

    /// <param name="certificate">The TLS certificate (HTTPS and the SQL endpoint); a fresh one when null. The emulator takes ownership.</param>
    public static async Task<LocalEmulator> StartAsync(Scenario scenario, Uri? azuriteBlob = null, TimeProvider? clock = null, CancellationToken cancellationToken = default, X509Certificate2? certificate = null)
    {
        certificate ??= CreateCertificate();
        var host = await EmulatorHost.StartAsync(new EmulatorOptions(scenario, certificate, 0, azuriteBlob, clock), cancellationToken);
        return new LocalEmulator(host, certificate, scenario.TenantId);
    }

    /// <summary>A scenario shipped in the emulator's Scenarios folder, e.g. "prepared-tenant".</summary>
    public static Scenario LoadScenario(string name) =>
        Scenario.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", name + ".json")));

    /// <summary>An HTTP handler that trusts this emulator's certificate (and nothing else that is not otherwise trusted).</summary>
    public HttpClientHandler CreateHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (cert is not null && cert.Thumbprint == Certificate.Thumbprint),
    };

    public string Token(string objectId, string audience, TimeSpan? lifetime = null, string? appId = null) =>
        TokenValidator.CreateToken(objectId, TenantId, audience, DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromHours(1)), appId);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Certificate.Dispose();
    }

    /// <summary>A self-signed certificate for CN=127.0.0.1 with IP 127.0.0.1 and DNS localhost as subject alternative names.</summary>
    public static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
