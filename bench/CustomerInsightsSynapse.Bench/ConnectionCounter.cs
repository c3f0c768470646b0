using System.Diagnostics.Tracing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Counts the HTTP connections this process opens (the runtime's <c>System.Net.Http</c> event source, event
/// <c>ConnectionEstablished</c>): each is a TCP connect and a TLS handshake, CPU of whichever measured action was
/// running when the pool needed a connection.
/// </summary>
internal sealed class ConnectionCounter : EventListener
{
    private long _opened;

    public long Opened => Interlocked.Read(ref _opened);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Net.Http")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "ConnectionEstablished")
        {
            Interlocked.Increment(ref _opened);
        }
    }
}
