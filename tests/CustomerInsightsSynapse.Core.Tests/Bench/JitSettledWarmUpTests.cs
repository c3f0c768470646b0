using CustomerInsightsSynapse.Bench;

namespace CustomerInsightsSynapse.Core.Tests.Bench;

/// <summary>The lake bench's warm-up (bench/CustomerInsightsSynapse.Bench/JitSettledWarmUp.cs): rounds until the JIT has settled.</summary>
public sealed class JitSettledWarmUpTests
{
    [Fact]
    public async Task RunAsync_StopsAfterTheWantedQuietRoundsInARow_ANoisyRoundStartingTheCountAgain()
    {
        var quiet = new Queue<bool>([false, true, false, true, true, true]);

        var (rounds, settled) = await JitSettledWarmUp.RunAsync(_ => Task.FromResult(quiet.Dequeue()), quietRoundsWanted: 2, maxRounds: 10);

        Assert.Equal(5, rounds);
        Assert.True(settled);
    }

    [Fact]
    public async Task RunAsync_GivesUpAtTheMostRounds_NotSettled()
    {
        var numbers = new List<int>();

        var (rounds, settled) = await JitSettledWarmUp.RunAsync(n => { numbers.Add(n); return Task.FromResult(n % 2 == 0); }, quietRoundsWanted: 2, maxRounds: 4);

        Assert.Equal(4, rounds);
        Assert.False(settled);
        Assert.Equal([1, 2, 3, 4], numbers);
    }

    [Theory]
    [InlineData(2.0, 0.019, true)]
    [InlineData(2.0, 0.021, false)]
    [InlineData(0.5, 0.1, false)]
    public void Quiet_IsUnderOnePercentOfTheTimeCompiling(double seconds, double jitSeconds, bool quiet) =>
        Assert.Equal(quiet, JitSettledWarmUp.Quiet(seconds, jitSeconds));
}
