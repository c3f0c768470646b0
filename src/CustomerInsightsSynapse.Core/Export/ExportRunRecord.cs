using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

public enum ExportRunStatus
{
    Succeeded,
    PartiallySucceeded,
    Failed,
    Canceled,
}

/// <summary>What happened to one entity in a run.</summary>
public enum EntityRunAction
{
    /// <summary>A new snapshot landed and its view now reads it.</summary>
    Landed,

    /// <summary>The source had not changed since the current snapshot; nothing moved.</summary>
    Unchanged,

    /// <summary>The entity could not be landed; it keeps its previous snapshot and view.</summary>
    Failed,
}

/// <summary>One entity's part of a run.</summary>
public sealed record EntityRunRecord(
    string Entity,
    EntityRunAction Action,
    int Files,
    long Bytes,
    string? SnapshotId,
    double DurationSeconds,
    string? ErrorId = null,
    string? Error = null)
{
    /// <summary>How many of the landed CSV files were transcoded to UTF-8 (declared in another encoding).</summary>
    public int TranscodedFiles { get; init; }

    /// <summary>The encodings the transcoded files were declared in, comma-separated (null when none was transcoded).</summary>
    public string? TranscodedFrom { get; init; }
}

/// <summary>
/// How long one step of a run took (resolve, prerequisites, claim, read, lock, plan, land, commit, sql, verify, prune,
/// record), and for the sql step how much of it was generating and parsing the T-SQL.
/// </summary>
public sealed record RunStepDuration(string Step, double Seconds);

/// <summary>How many non-empty values of one column of an entity's view did not convert to the column's type.</summary>
public sealed record UnconvertedValues(string Entity, string Column, long Count);

/// <summary>
/// The record of one export run, kept in the definition store (folder <c>runs</c>) and beside the data in the
/// lake (<c>{Database}/_runs/{RunId}.json</c>).
/// </summary>
public sealed record ExportRunRecord
{
    public required string RunId { get; init; }

    public required string ExportName { get; init; }

    public required string ConnectionName { get; init; }

    public required string DatabaseName { get; init; }

    public required string StartedBy { get; init; }

    public required DateTimeOffset StartedOn { get; init; }

    public DateTimeOffset? EndedOn { get; init; }

    public ExportRunStatus Status { get; init; } = ExportRunStatus.Failed;

    public IReadOnlyList<EntityRunRecord> Entities { get; init; } = [];

    /// <summary>
    /// Whether the views read the committed snapshots: the T-SQL was sent to the serverless SQL endpoint, or nothing had
    /// to change (no T-SQL generated; <see cref="SqlScriptPath"/> is then null). False in ScriptOnly mode or when it failed.
    /// </summary>
    public bool SqlApplied { get; init; }

    /// <summary>Apply or ScriptOnly.</summary>
    public string DeploymentMode { get; init; } = "Apply";

    /// <summary>The container-relative path of the T-SQL saved for this run, when one was generated.</summary>
    public string? SqlScriptPath { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Per column of a verified view, how many non-empty values did not convert to its type (the view shows them as NULL); only non-zero counts.</summary>
    public IReadOnlyList<UnconvertedValues> UnconvertedValues { get; init; } = [];

    /// <summary>The wall time of each step the run started, in order; "sql generate" is the part of "sql" spent generating and parsing T-SQL.</summary>
    public IReadOnlyList<RunStepDuration> Steps { get; init; } = [];

    /// <summary>The failure that stopped the run, when one did.</summary>
    public string? ErrorId { get; init; }

    public string? Error { get; init; }

    public static readonly DocumentKind<ExportRunRecord> Kind = new(DocumentFolders.Runs, 1);
}
