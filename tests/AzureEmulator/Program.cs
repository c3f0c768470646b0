using System.Security.Cryptography.X509Certificates;
using AzureEmulator;
using AzureEmulator.State;

// AzureEmulator --cert <cert.pem> --key <key.pem> --scenario <file> [--azurite-blob <url>] [--port <n>] [--sql-port <n>] [--storage-proxy-port <n>]
var options = ParseArguments(args);
if (options is null)
{
    Console.Error.WriteLine("usage: AzureEmulator --cert <cert.pem> --key <key.pem> --scenario <scenario.json> [--azurite-blob <https://127.0.0.1:port/devstoreaccount1>] [--port <n>] [--sql-port <n>] [--storage-proxy-port <n>]");
    return 2;
}

await using var host = await EmulatorHost.StartAsync(options);
Console.WriteLine($"AzureEmulator listening on {host.BaseUrl.GetLeftPart(UriPartial.Authority)}{(host.Sql is { } sql ? $" sql {sql.Endpoint}" : string.Empty)}");
if (host.Context.StorageProxy is { } proxy)
{
    Console.WriteLine($"StorageProxy listening on https://127.0.0.1:{proxy.Port} for {proxy.Target}");
}

await host.WaitForShutdownAsync();
return 0;

static EmulatorOptions? ParseArguments(string[] args)
{
    var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            return null;
        }

        values[args[i][2..]] = args[i + 1];
    }

    if (!values.TryGetValue("cert", out var cert) || !values.TryGetValue("key", out var key) || !values.TryGetValue("scenario", out var scenarioPath))
    {
        return null;
    }

    using var pem = X509Certificate2.CreateFromPemFile(cert, key);
    var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    var scenario = Scenario.Parse(File.ReadAllText(scenarioPath));
    var port = values.TryGetValue("port", out var p) ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 0;
    var azurite = values.TryGetValue("azurite-blob", out var a) ? new Uri(a) : null;
    var sqlPort = values.TryGetValue("sql-port", out var q) ? int.Parse(q, System.Globalization.CultureInfo.InvariantCulture) : 0;
    int? proxyPort = values.TryGetValue("storage-proxy-port", out var pp) ? int.Parse(pp, System.Globalization.CultureInfo.InvariantCulture) : null;
    return new EmulatorOptions(scenario, certificate, port, azurite, null, sqlPort) { StorageProxyPort = proxyPort };
}
