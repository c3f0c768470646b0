using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>What verifying the views found.</summary>
public sealed record ViewVerification(IReadOnlyList<string> Warnings)
{
    public static ViewVerification Nothing { get; } = new([]);
}

/// <summary>
/// Step "verify": the place to probe each view the SQL step moved and put a failing one back on its previous
/// snapshot (under the guard, before the clean-up). It checks nothing yet.
/// </summary>
internal sealed class VerifyViewsStep
{
    public Task<ViewVerification> RunAsync(SqlStepInput input, SqlStepResult sql, LakeCommitGuard guard, OperationContext context) =>
        Task.FromResult(ViewVerification.Nothing);
}
