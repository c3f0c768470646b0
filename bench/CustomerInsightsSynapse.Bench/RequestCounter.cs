using Azure.Core;
using Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Counts every request the client sends (retries included), and separately the lease renewals: the database lock's
/// keep-alive, one per renewal interval of a landing however many files it moves.
/// </summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long _total;
    private long _leaseRenewals;

    public long Total => Interlocked.Read(ref _total);

    public long LeaseRenewals => Interlocked.Read(ref _leaseRenewals);

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref _total);
        if (message.Request.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "renew")
        {
            Interlocked.Increment(ref _leaseRenewals);
        }
    }
}
