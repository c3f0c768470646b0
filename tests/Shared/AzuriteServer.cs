using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CustomerInsightsSynapse.Testing;

/// <summary>
/// A local Azurite Blob endpoint (plain HTTP, the well-known development account): starts
/// node_modules/.bin/azurite-blob from the repository root on a free loopback port with a temporary data folder,
/// waits until it listens, and kills it (with its data) on dispose. Shared by the Core tests and the bench.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _dataFolder;

    public AzuriteServer(string repositoryRoot, string? dataFolderParent = null)
    {
        var exe = Path.Combine(repositoryRoot, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"Azurite is not installed at {exe}. Run 'npm ci' in the repository root (build.ps1 -Task Test does).");
        }

        var port = FreePort();
        _dataFolder = dataFolderParent is null
            ? Directory.CreateTempSubdirectory("cisynapse-azurite-").FullName
            : Directory.CreateDirectory(Path.Combine(dataFolderParent, "azurite-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", _dataFolder, "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var ready = new TaskCompletionSource();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("successfully listens", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.BeginOutputReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            Dispose();
            throw new InvalidOperationException("Azurite did not report that it listens within 30 s.");
        }

        ConnectionString = ConnectionStringFor(port);
    }

    public string ConnectionString { get; }

    public int ProcessId => _process.Id;

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AccountName};";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
