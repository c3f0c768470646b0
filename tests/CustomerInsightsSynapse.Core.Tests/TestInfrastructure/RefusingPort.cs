using System.Net;
using System.Net.Sockets;

namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>
/// A loopback port where nothing listens, held for the test: a socket bound to it and never listening, so every
/// connection is refused and no test running beside this one can bind the port meanwhile (a port found free and
/// released could be).
/// </summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
