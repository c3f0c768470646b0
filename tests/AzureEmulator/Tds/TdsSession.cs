using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AzureEmulator.Tokens;

namespace AzureEmulator.Tds;

/// <summary>
/// One client connection: PRELOGIN (encryption required), the TLS handshake inside PRELOGIN packets, LOGIN7 with a
/// federated-authentication access token, then SQL batches until the client leaves. ATTENTION cancels a batch that is
/// still waiting out its latency and is always acknowledged with DONE(ATTN).
/// </summary>
internal sealed class TdsSession(TcpClient client, SqlEndpointServer server, X509Certificate2 certificate, TokenValidator tokens)
{
    /// <summary>The token audience of Azure SQL and Synapse SQL, with or without the trailing slash.</summary>
    public static readonly string[] SqlAudiences = ["https://database.windows.net/"];

    private readonly SqlBatchInterpreter _interpreter = new(server.Catalog, server.Storage);
    private TdsPacketStream _packets = null!;
    private string _loginDatabase = SqlCatalog.Master;
    private string _database = SqlCatalog.Master;
    private string _login = string.Empty;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var _ = client;
        var network = client.GetStream();
        _packets = new TdsPacketStream(network);
        try
        {
            if (!await PreLoginAsync(network, cancellationToken) || !await LoginAsync(cancellationToken))
            {
                return;
            }

            await ServeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or AuthenticationException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or spoke something else; the connection just ends.
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"AzureEmulator SQL endpoint: a session failed: {ex}");
        }
        finally
        {
            if (_packets.Stream is SslStream tls)
            {
                await tls.DisposeAsync();
            }
        }
    }

    private async Task<bool> PreLoginAsync(NetworkStream network, CancellationToken cancellationToken)
    {
        var message = await _packets.ReadMessageAsync(cancellationToken);
        if (message is null || message.Type != TdsProtocol.PreLogin)
        {
            return false;
        }

        var options = PreLogin.Parse(message.Payload);
        var clientEncryption = options.TryGetValue(PreLogin.Encryption, out var e) && e.Length > 0 ? e[0] : PreLogin.EncryptNotSupported;
        var reply = new List<(byte, byte[])>
        {
            (PreLogin.Version, [TdsProtocol.VersionMajor, TdsProtocol.VersionMinor, (byte)(TdsProtocol.VersionBuild >> 8), (byte)(TdsProtocol.VersionBuild & 0xFF), 0, 0]),
            (PreLogin.Encryption, [clientEncryption == PreLogin.EncryptOn ? PreLogin.EncryptOn : PreLogin.EncryptRequired]),
            (PreLogin.InstOpt, [0]),
            (PreLogin.ThreadId, []),
            (PreLogin.Mars, [0]),
        };
        if (options.ContainsKey(PreLogin.FedAuthRequired))
        {
            reply.Add((PreLogin.FedAuthRequired, [1]));
        }

        await _packets.WriteMessageAsync(TdsProtocol.TabularResult, PreLogin.Build(reply), cancellationToken);
        if (clientEncryption == PreLogin.EncryptNotSupported)
        {
            return false;
        }

        var transport = new PreLoginTlsStream(network);
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = false,
                // TDS 7.x carries only TLS 1.2 handshakes inside PRELOGIN; TLS 1.3 needs TDS 8 (strict encryption).
                EnabledSslProtocols = SslProtocols.Tls12,
            },
            cancellationToken);
        transport.InHandshake = false;
        _packets.Stream = tls;
        return true;
    }

    private async Task<bool> LoginAsync(CancellationToken cancellationToken)
    {
        var message = await _packets.ReadMessageAsync(cancellationToken);
        if (message is null || message.Type != TdsProtocol.Login7)
        {
            return false;
        }

        var login = Login7.Parse(message.Payload);
        if (server.Firewall?.Invoke((client.Client.RemoteEndPoint as IPEndPoint)?.Address) is { } refused)
        {
            await FailLoginAsync(refused, cancellationToken);
            return false;
        }

        if (!login.HasFedAuth)
        {
            await FailLoginAsync(SqlErrors.LoginFailed(login.UserName), cancellationToken);
            return false;
        }

        var token = login.SecurityToken;
        if (login.FedAuthLibrary == TdsProtocol.FedAuthLibraryMsal)
        {
            var info = new TdsTokenWriter().FedAuthInfo("https://login.microsoftonline.com/common/", SqlAudiences[0]);
            await _packets.WriteMessageAsync(TdsProtocol.TabularResult, info.ToArray(), cancellationToken);
            var tokenMessage = await _packets.ReadMessageAsync(cancellationToken);
            if (tokenMessage is null || tokenMessage.Type != TdsProtocol.FedAuthToken)
            {
                return false;
            }

            token = Login7.ParseFedAuthToken(tokenMessage.Payload);
        }

        var database = string.IsNullOrEmpty(login.Database) ? SqlCatalog.Master : login.Database;
        if (server.Faults.ForLogin() is { } fault)
        {
            if (fault.Kind != "drop")
            {
                await FailLoginAsync(SqlFaults.ErrorFor(fault, database), cancellationToken);
            }

            return false;
        }

        var check = tokens.CheckToken(token, SqlAudiences);
        if (check.Problem != TokenProblem.None || check.Caller is null)
        {
            await FailLoginAsync(SqlErrors.LoginFailed(SqlErrors.TokenPrincipal), cancellationToken);
            return false;
        }

        var known = server.Catalog.Read(c => c.Database(database)?.Name);
        if (known is null)
        {
            var response = new TdsTokenWriter().Error(SqlErrors.CannotOpenDatabase(database)).Error(SqlErrors.LoginFailed(SqlErrors.TokenPrincipal)).Done(TdsProtocol.DoneError);
            await _packets.WriteMessageAsync(TdsProtocol.TabularResult, response.ToArray(), cancellationToken);
            return false;
        }

        _login = check.Caller.ObjectId;
        _interpreter.Rights = server.Rights?.Invoke(_login);
        _loginDatabase = _database = known;
        var packetSize = login.PacketSize is >= 512 and <= 32767 ? login.PacketSize : TdsProtocol.DefaultPacketSize;
        var ack = new TdsTokenWriter()
            .EnvChange(1, known, SqlCatalog.Master)
            .Info(SqlErrors.ChangedDatabase(known))
            .CollationChange()
            .EnvChange(2, "us_english", string.Empty)
            .Info(SqlErrors.ChangedLanguage())
            .LoginAck()
            .EnvChange(4, packetSize.ToString(System.Globalization.CultureInfo.InvariantCulture), TdsProtocol.DefaultPacketSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .FedAuthAck()
            .Done(TdsProtocol.DoneFinal);
        await _packets.WriteMessageAsync(TdsProtocol.TabularResult, ack.ToArray(), cancellationToken);
        _packets.PacketSize = packetSize;
        server.CountLogin(login.FedAuthLibrary);
        return true;
    }

    private async Task FailLoginAsync(SqlError error, CancellationToken cancellationToken)
    {
        var response = new TdsTokenWriter().Error(error).Done(TdsProtocol.DoneError);
        await _packets.WriteMessageAsync(TdsProtocol.TabularResult, response.ToArray(), cancellationToken);
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        Task<TdsMessage?>? pending = null;
        while (true)
        {
            var message = await (pending ?? _packets.ReadMessageAsync(cancellationToken));
            pending = null;
            if (message is null)
            {
                return;
            }

            if (message.ResetConnection)
            {
                _database = _loginDatabase;
            }

            switch (message.Type)
            {
                case TdsProtocol.SqlBatch:
                    var (keepOpen, next) = await BatchAsync(message, cancellationToken);
                    if (!keepOpen)
                    {
                        return;
                    }

                    pending = next;
                    break;
                case TdsProtocol.Attention:
                    await SendAsync(new TdsTokenWriter().Done(TdsProtocol.DoneAttention), cancellationToken);
                    break;
                case TdsProtocol.Rpc or TdsProtocol.TransactionManager:
                    await SendAsync(
                        new TdsTokenWriter().Error(SqlErrors.Unsupported(message.Type == TdsProtocol.Rpc ? "RPC request" : "transaction manager request")).Done(TdsProtocol.DoneError),
                        cancellationToken);
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>Runs one batch; returns whether the connection stays open and a read already started while waiting out latency.</summary>
    private async Task<(bool KeepOpen, Task<TdsMessage?>? Pending)> BatchAsync(TdsMessage message, CancellationToken cancellationToken)
    {
        var text = BatchText(message.Payload);
        Task<TdsMessage?>? pending = null;
        var latency = server.Faults.LatencyFor(text);
        if (latency > TimeSpan.Zero)
        {
            pending = _packets.ReadMessageAsync(cancellationToken);
            var delay = Task.Delay(latency, cancellationToken);
            server.BatchWaiting(true);
            Task first;
            try
            {
                first = await Task.WhenAny(pending, delay);
            }
            finally
            {
                server.BatchWaiting(false);
            }

            if (first == pending)
            {
                var interrupt = await pending;
                if (interrupt?.Type != TdsProtocol.Attention)
                {
                    return (false, null);
                }

                server.Catalog.Write(c => c.Record(_database, _login, SqlBatchInterpreter.Mask(text), "cancelled", null));
                await SendAsync(new TdsTokenWriter().Done(TdsProtocol.DoneAttention), cancellationToken);
                return (true, null);
            }
        }

        if (server.Faults.ForBatch(text) is { } fault)
        {
            var masked = SqlBatchInterpreter.Mask(text);
            if (fault.Kind == "drop")
            {
                server.Catalog.Write(c => c.Record(_database, _login, masked, "dropped", null));
                return (false, null);
            }

            var error = SqlFaults.ErrorFor(fault, _database);
            server.Catalog.Write(c => c.Record(_database, _login, masked, "injected", error.Number));
            await SendAsync(new TdsTokenWriter().Error(error).Done(TdsProtocol.DoneError), cancellationToken);
            return (true, pending);
        }

        var outcome = _interpreter.Run(text, _database, _login);
        _database = outcome.Database;
        await _packets.WriteMessageAsync(TdsProtocol.TabularResult, outcome.Tokens, cancellationToken);
        return (true, pending);
    }

    /// <summary>The UTF-16 text after the ALL_HEADERS block (whose first DWORD is its own total length).</summary>
    private static string BatchText(byte[] payload)
    {
        var headers = payload.Length >= 4 ? BitConverter.ToInt32(payload, 0) : 0;
        if (headers < 4 || headers > payload.Length)
        {
            headers = 0;
        }

        return Encoding.Unicode.GetString(payload, headers, payload.Length - headers);
    }

    private Task SendAsync(TdsTokenWriter tokens, CancellationToken cancellationToken) =>
        _packets.WriteMessageAsync(TdsProtocol.TabularResult, tokens.ToArray(), cancellationToken);
}
