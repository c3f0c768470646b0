using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// After a repair, tests the repaired checks again until they all pass or the deadline comes: new role assignments
/// take up to 10 minutes to take effect (Synapse roles 2 to 5). Tests are at most <see cref="MaxInterval"/> apart.
/// </summary>
public sealed class RepairedCheckWaiter
{
    private const string Activity = "Waiting for role assignments to take effect";

    private readonly Func<PrerequisiteTarget, OperationContext, Task<IReadOnlyList<PrerequisiteResult>>> _test;
    private readonly TimeProvider _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _pause;

    /// <param name="test">Runs the prerequisite checks of a target.</param>
    /// <param name="clock">The clock the deadline is read from.</param>
    /// <param name="pause">Waits between two tests; a delay on <paramref name="clock"/> when not given.</param>
    public RepairedCheckWaiter(
        Func<PrerequisiteTarget, OperationContext, Task<IReadOnlyList<PrerequisiteResult>>> test,
        TimeProvider? clock = null,
        Func<TimeSpan, CancellationToken, Task>? pause = null)
    {
        _test = test;
        _clock = clock ?? TimeProvider.System;
        _pause = pause ?? ((delay, ct) => Task.Delay(delay, _clock, ct));
    }

    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(30);

    public DateTimeOffset DeadlineAfter(TimeSpan timeout) => _clock.GetUtcNow() + timeout;

    /// <summary>The checks of <paramref name="checkIds"/> that still do not pass when all others do or the deadline came.</summary>
    public async Task<IReadOnlyCollection<string>> WaitAsync(PrerequisiteTarget target, IEnumerable<string> checkIds, DateTimeOffset deadline, OperationContext context)
    {
        var pending = checkIds.ToHashSet(StringComparer.Ordinal);
        var attempt = 0;
        try
        {
            while (pending.Count > 0)
            {
                attempt++;
                context.Progress.Report(new OperationProgress(ProgressIds.RepairWait, Activity, $"{pending.Count} check(s) still failing; test {attempt}", -1));
                var results = await _test(target, context).ConfigureAwait(false);
                pending.IntersectWith(results.Where(r => r.Status != PrerequisiteStatus.Passed).Select(r => r.CheckId));
                var left = deadline - _clock.GetUtcNow();
                if (pending.Count == 0 || left <= TimeSpan.Zero)
                {
                    break;
                }

                var pause = left < MaxInterval ? left : MaxInterval;
                await _pause(pause < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : pause, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            context.Progress.Report(new OperationProgress(ProgressIds.RepairWait, Activity, "Done", 100, Completed: true));
        }

        return pending;
    }
}
