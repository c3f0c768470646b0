using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using AzureEmulator.Testing;

namespace AzureEmulator.Tests;

/// <summary>
/// One emulator certificate for the whole test process, trusted the way SqlClient checks it (the platform chain,
/// as Encrypt=Mandatory with TrustServerCertificate=false requires). The process's HOME is pointed at a scratch
/// folder before anything reads it, and the certificate goes into that folder's CurrentUser\Root store, so the
/// user's real trust store is never touched and nothing outlives the run.
/// </summary>
internal static class TrustedTestCertificate
{
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "cisynapse-emulator-tests-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static readonly Lazy<byte[]> Pfx = new(Trust);

    [ModuleInitializer]
    internal static void UseScratchHome()
    {
        Directory.CreateDirectory(Home);
        Environment.SetEnvironmentVariable("HOME", Home);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
            }
        };
    }

    /// <summary>A new instance of the trusted certificate (with its key), for one emulator to own.</summary>
    public static X509Certificate2 Create() => X509CertificateLoader.LoadPkcs12(Pfx.Value, null);

    private static byte[] Trust()
    {
        // Under build.ps1 the process already trusts the build's test certificate through SSL_CERT_FILE (which
        // then replaces the platform stores): use that one.
        var folder = Environment.GetEnvironmentVariable("CISYNAPSE_TEST_CERT_DIR");
        if (!string.IsNullOrEmpty(folder) && File.Exists(Path.Combine(folder, "cert.pem")) && File.Exists(Path.Combine(folder, "key.pem")))
        {
            using var pem = X509Certificate2.CreateFromPemFile(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
            return pem.Export(X509ContentType.Pkcs12);
        }

        using var certificate = LocalEmulator.CreateCertificate();
        using var store = new X509Store(StoreName.Root, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        store.Add(publicOnly);
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
