namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>When a snapshot folder that nothing refers to may be deleted.</summary>
public static class SnapshotGarbage
{
    /// <summary>
    /// The longest lease Blob storage grants (60 s): a snapshot folder started longer ago than this cannot belong to a
    /// run that still holds its database lock, whatever lease that run (or an older module version) took.
    /// </summary>
    public static readonly TimeSpan LongestLease = TimeSpan.FromSeconds(60);
}
