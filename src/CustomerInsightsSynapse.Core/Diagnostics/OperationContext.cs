namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// What a long Core operation reports to and is stopped by: cancellation, progress and side messages.
/// The cmdlet layer supplies one that writes to the PowerShell streams on the pipeline thread.
/// </summary>
public sealed record OperationContext(CancellationToken CancellationToken, IProgress<OperationProgress> Progress, IOperationLog Log)
{
    public static OperationContext None { get; } = new(CancellationToken.None, new Progress<OperationProgress>(), NullOperationLog.Instance);

    public static OperationContext For(CancellationToken cancellationToken) =>
        new(cancellationToken, new Progress<OperationProgress>(), NullOperationLog.Instance);
}
