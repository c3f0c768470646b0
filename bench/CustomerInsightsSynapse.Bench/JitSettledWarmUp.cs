namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Untimed warm-up rounds until the JIT has settled: until <paramref name="quietRoundsWanted"/> rounds in a row were
/// quiet (the caller says: each method spent under 1 % of its time compiling), at most <paramref name="maxRounds"/>.
/// </summary>
internal static class JitSettledWarmUp
{
    /// <summary>A measured action is quiet when it spent less than this share of its time compiling.</summary>
    public const double QuietJitShare = 0.01;

    public static bool Quiet(double seconds, double jitSeconds) => jitSeconds < QuietJitShare * seconds;

    /// <summary>Runs <paramref name="round"/> (which returns whether it was quiet) until settled; returns the rounds run and whether the JIT settled.</summary>
    public static async Task<(int Rounds, bool Settled)> RunAsync(Func<int, Task<bool>> round, int quietRoundsWanted, int maxRounds)
    {
        var (rounds, quiet) = (0, 0);
        while (quiet < quietRoundsWanted && rounds < maxRounds)
        {
            rounds++;
            quiet = await round(rounds) ? quiet + 1 : 0;
        }

        return (rounds, quiet >= quietRoundsWanted);
    }
}
