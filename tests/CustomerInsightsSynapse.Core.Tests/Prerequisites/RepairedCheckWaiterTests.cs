using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class RepairedCheckWaiterTests
{
    private static readonly PrerequisiteTarget Target = new("s", "rg", "ws", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/lake", "c");

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static PrerequisiteResult Result(string id, PrerequisiteStatus status) =>
        new(id, id, PrerequisitePrincipal.None, "scope", "requirement", status, "reason", string.Empty, null);

    [Fact]
    public async Task It_tests_again_until_the_repaired_checks_pass()
    {
        var clock = new SteppedClock();
        var pauses = new List<TimeSpan>();
        var tests = 0;
        var waiter = new RepairedCheckWaiter(
            (_, _) =>
            {
                tests++;
                return Task.FromResult<IReadOnlyList<PrerequisiteResult>>(
                    [Result("A", tests >= 2 ? PrerequisiteStatus.Passed : PrerequisiteStatus.Failed), Result("B", tests >= 3 ? PrerequisiteStatus.Passed : PrerequisiteStatus.Unknown), Result("C", PrerequisiteStatus.Failed)]);
            },
            clock,
            (pause, _) =>
            {
                pauses.Add(pause);
                clock.Now += pause;
                return Task.CompletedTask;
            });

        var pending = await waiter.WaitAsync(Target, ["A", "B"], waiter.DeadlineAfter(TimeSpan.FromMinutes(15)), OperationContext.None);

        Assert.Empty(pending);
        Assert.Equal(3, tests);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)], pauses);
    }

    [Fact]
    public async Task At_the_deadline_it_returns_the_checks_still_failing_and_never_waits_past_it()
    {
        var clock = new SteppedClock();
        var pauses = new List<TimeSpan>();
        var waiter = new RepairedCheckWaiter(
            (_, _) => Task.FromResult<IReadOnlyList<PrerequisiteResult>>([Result("A", PrerequisiteStatus.Failed), Result("B", PrerequisiteStatus.Passed)]),
            clock,
            (pause, _) =>
            {
                pauses.Add(pause);
                clock.Now += pause;
                return Task.CompletedTask;
            });

        var progress = new List<OperationProgress>();
        var context = new OperationContext(CancellationToken.None, new Recorder(progress), NullOperationLog.Instance);
        var pending = await waiter.WaitAsync(Target, ["A", "B"], waiter.DeadlineAfter(TimeSpan.FromSeconds(45)), context);

        Assert.Equal(["A"], pending);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15)], pauses);
        Assert.All(progress, p => Assert.Equal(ProgressIds.RepairWait, p.ActivityId));
        Assert.True(progress[^1].Completed);
    }

    private sealed class Recorder(List<OperationProgress> reports) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => reports.Add(value);
    }
}
