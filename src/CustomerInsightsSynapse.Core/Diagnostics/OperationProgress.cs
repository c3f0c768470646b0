namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// One progress report from a long Core operation. <see cref="ActivityId"/> distinguishes nested activities
/// (for example the whole run and the entity being landed); <see cref="ParentActivityId"/> is -1 for a top-level one.
/// </summary>
public sealed record OperationProgress(
    int ActivityId,
    string Activity,
    string Status,
    int PercentComplete = -1,
    string? CurrentOperation = null,
    int ParentActivityId = -1,
    bool Completed = false);
