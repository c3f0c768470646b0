using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AzureEmulator.Tokens;

namespace AzureEmulator.Tds;

/// <summary>
/// The serverless SQL endpoint: a TDS listener on 127.0.0.1 (a free port unless one is given), the catalog the
/// batches build, the batch log and the fault settings. Every workspace advertises it as its sqlOnDemand endpoint.
/// </summary>
public sealed class SqlEndpointServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly TokenValidator _tokens;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _sessions = [];
    private readonly List<TcpClient> _clients = [];
    private Task _accepting = Task.CompletedTask;
    private int _logins;
    private int _batchesWaiting;

    private SqlEndpointServer(TcpListener listener, X509Certificate2 certificate, TokenValidator tokens)
    {
        _listener = listener;
        _certificate = certificate;
        _tokens = tokens;
    }

    public SqlCatalog Catalog { get; } = new();

    public SqlFaults Faults { get; } = new();

    /// <summary>What OPENROWSET reads and who may read it; null when the emulator runs without Azurite.</summary>
    public Sql.SqlStorageContext? Storage { get; set; }

    /// <summary>The workspace firewall: the login error for a client address it refuses, or null; everyone is admitted when unset.</summary>
    public Func<IPAddress?, SqlError?>? Firewall { get; set; }

    /// <summary>What a login (by object id) may do; every statement is allowed when unset.</summary>
    public Func<string, SqlLoginRights>? Rights { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The endpoint as a workspace's connectivityEndpoints.sqlOnDemand gives it: <c>127.0.0.1,port</c>.</summary>
    public string Endpoint => $"127.0.0.1,{Port}";

    /// <summary>Successful logins since start (or the last reset).</summary>
    public int Logins => Volatile.Read(ref _logins);

    public static SqlEndpointServer Start(X509Certificate2 certificate, TokenValidator tokens, int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var server = new SqlEndpointServer(listener, certificate, tokens);
        server._accepting = server.AcceptAsync();
        return server;
    }

    /// <summary>Batches received and now waiting out the configured latency (so a test can cancel one in flight).</summary>
    public int BatchesWaiting => Volatile.Read(ref _batchesWaiting);

    internal void BatchWaiting(bool waiting)
    {
        if (waiting)
        {
            Interlocked.Increment(ref _batchesWaiting);
        }
        else
        {
            Interlocked.Decrement(ref _batchesWaiting);
        }
    }

    /// <summary>How the last successful login sent its token: "securityToken" (in LOGIN7) or "msal" (after FEDAUTHINFO).</summary>
    public string? LastFedAuthWorkflow { get; private set; }

    internal void CountLogin(byte fedAuthLibrary)
    {
        LastFedAuthWorkflow = fedAuthLibrary == TdsProtocol.FedAuthLibraryMsal ? "msal" : "securityToken";
        Interlocked.Increment(ref _logins);
    }

    public void Reset()
    {
        Catalog.Reset();
        Faults.Configure(null);
        Faults.SetLatency(TimeSpan.Zero, null);
        Interlocked.Exchange(ref _logins, 0);
        LastFedAuthWorkflow = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] sessions;
        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            sessions = [.. _sessions];
        }

        await Task.WhenAny(Task.WhenAll([.. sessions, _accepting]), Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            lock (_gate)
            {
                _sessions.RemoveAll(t => t.IsCompleted);
                _clients.RemoveAll(c => c.Client is null || !c.Connected);
                _clients.Add(client);
                _sessions.Add(Task.Run(() => new TdsSession(client, this, _certificate, _tokens).RunAsync(_stop.Token)));
            }
        }
    }
}
