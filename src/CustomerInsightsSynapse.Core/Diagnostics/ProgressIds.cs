namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// The activity id of every progress bar the module shows (<see cref="OperationProgress.ActivityId"/>). PowerShell
/// tells bars apart by id, so two operations that can run in one command must not share one.
/// </summary>
public static class ProgressIds
{
    public const int CdmFolderRead = 1;
    public const int CdmPartitionListing = 2;
    public const int PrerequisiteTest = 3;
    public const int RepairWait = 4;
    public const int SqlScript = 9;
    public const int ExportRun = 10;
    public const int LandedBlobListing = 21;
    public const int ConnectionValidation = 4101;
    public const int Landing = 8100;
}
