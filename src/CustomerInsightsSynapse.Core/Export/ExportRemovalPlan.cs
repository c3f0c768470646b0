using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// What removing an export will do, worked out before anything is changed: the blob prefixes and files to delete
/// (container-relative), the SQL scripts to drop its objects (one per database), whether they will be run or only
/// returned, and what was left out because another export still uses it.
/// </summary>
public sealed record ExportRemovalPlan(
    ExportRemovalRequest Request,
    StoredDocument<ExportDefinition> Export,
    BlobLocation? Container,
    IReadOnlyList<string> BlobPrefixes,
    IReadOnlyList<string> BlobFiles,
    IReadOnlyList<string> BlobsFound,
    IReadOnlyList<SqlScript> Scripts,
    SqlEndpoint? SqlEndpoint,
    IReadOnlyList<string> Notes)
{
    /// <summary>True when the scripts will be run against the serverless endpoint; false when they are only returned.</summary>
    public bool AppliesSql => Scripts.Count > 0 && SqlEndpoint is not null;
}

/// <summary>What removing an export did.</summary>
public sealed record ExportRemovalResult(
    ExportRemovalPlan Plan,
    IReadOnlyList<string> DeletedBlobs,
    bool SqlApplied)
{
    public ExportDefinition Export => Plan.Export.Content;

    /// <summary>The drop scripts as one text (GO-separated), or null when there were none.</summary>
    public string? SqlText => Plan.Scripts.Count == 0 ? null : string.Join("\n", Plan.Scripts.Select(s => s.Text));
}
