using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

/// <summary>
/// Holds the first request that matches <c>first</c> and the first that matches <c>second</c>, whichever comes first,
/// until the other one is sent too or 10 s passed; <see cref="Overlapped"/> tells whether both were in flight together
/// (one round trip for the two, not two one after the other).
/// </summary>
public sealed class RequestOverlap(Func<Request, bool> first, Func<Request, bool> second) : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _secondSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _overlapped;

    public bool Overlapped => Volatile.Read(ref _overlapped) == 1;

    public bool FirstSeen => _firstSent.Task.IsCompleted;

    public bool SecondSeen => _secondSent.Task.IsCompleted;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var (mine, other) = first(message.Request) && _firstSent.TrySetResult() ? (_firstSent, _secondSent)
            : second(message.Request) && _secondSent.TrySetResult() ? (_secondSent, _firstSent)
            : (null, null);
        // Only the one sent first waits: the other, sent after it started, overlapped it only if sent while it waited.
        if (mine is not null && other is not null && !other.Task.IsCompleted && await Task.WhenAny(other.Task, Task.Delay(TimeSpan.FromSeconds(60))) == other.Task)
        {
            Interlocked.Exchange(ref _overlapped, 1);
        }

        await ProcessNextAsync(message, pipeline);
    }
}
