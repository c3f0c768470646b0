using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Models;

/// <summary>One entity's part of an export run.</summary>
public sealed class CISynapseExportRunEntity
{
    internal CISynapseExportRunEntity(EntityRunRecord entity)
    {
        Entity = entity.Entity;
        Action = entity.Action.ToString();
        Files = entity.Files;
        Bytes = entity.Bytes;
        SnapshotId = entity.SnapshotId;
        Duration = TimeSpan.FromSeconds(entity.DurationSeconds);
        ErrorId = entity.ErrorId;
        Error = entity.Error;
        TranscodedFiles = entity.TranscodedFiles;
        TranscodedFrom = entity.TranscodedFrom?.Split(", ") ?? [];
    }

    public string Entity { get; }

    /// <summary>Landed, Unchanged or Failed.</summary>
    public string Action { get; }

    public int Files { get; }

    public long Bytes { get; }

    /// <summary>The snapshot the entity's view reads after the run.</summary>
    public string? SnapshotId { get; }

    public TimeSpan Duration { get; }

    public string? ErrorId { get; }

    public string? Error { get; }

    /// <summary>How many of the landed CSV files were transcoded to UTF-8 while landing.</summary>
    public int TranscodedFiles { get; }

    /// <summary>The encodings the transcoded files were declared in (empty when none was transcoded).</summary>
    public string[] TranscodedFrom { get; }
}

/// <summary>How long one step of an export run took.</summary>
public sealed class CISynapseExportRunStep
{
    internal CISynapseExportRunStep(RunStepDuration step)
    {
        Step = step.Step;
        Duration = TimeSpan.FromSeconds(step.Seconds);
    }

    /// <summary>resolve, prerequisites, claim, read, lock, plan, land, commit, sql generate, sql, verify, prune or record.</summary>
    public string Step { get; }

    public TimeSpan Duration { get; }

    public override string ToString() => $"{Step} {Duration.TotalSeconds:0.000} s";
}

/// <summary>The record of one export run.</summary>
public sealed class CISynapseExportRun
{
    internal CISynapseExportRun(ExportRunRecord record)
    {
        RunId = record.RunId;
        ExportName = record.ExportName;
        ConnectionName = record.ConnectionName;
        DatabaseName = record.DatabaseName;
        StartedBy = record.StartedBy;
        StartedOn = record.StartedOn;
        EndedOn = record.EndedOn;
        Status = record.Status.ToString();
        Entities = record.Entities.Select(e => new CISynapseExportRunEntity(e)).ToArray();
        SqlApplied = record.SqlApplied;
        DeploymentMode = record.DeploymentMode;
        SqlScriptPath = record.SqlScriptPath;
        Warnings = record.Warnings;
        Steps = record.Steps.Select(s => new CISynapseExportRunStep(s)).ToArray();
        ErrorId = record.ErrorId;
        Error = record.Error;
    }

    public string RunId { get; }

    public string ExportName { get; }

    public string ConnectionName { get; }

    public string DatabaseName { get; }

    /// <summary>Object id of the account that ran it.</summary>
    public string StartedBy { get; }

    public DateTimeOffset StartedOn { get; }

    public DateTimeOffset? EndedOn { get; }

    public TimeSpan? Duration => EndedOn - StartedOn;

    /// <summary>Succeeded, PartiallySucceeded, Failed or Canceled.</summary>
    public string Status { get; }

    public IReadOnlyList<CISynapseExportRunEntity> Entities { get; }

    public int EntitiesLanded => Entities.Count(e => e.Action == "Landed");

    public int EntitiesUnchanged => Entities.Count(e => e.Action == "Unchanged");

    public int EntitiesFailed => Entities.Count(e => e.Action == "Failed");

    public int Files => Entities.Sum(e => e.Files);

    public long Bytes => Entities.Sum(e => e.Bytes);

    /// <summary>Whether the views read the committed snapshots: the T-SQL was sent, or nothing had to change (then no T-SQL was generated and SqlScriptPath is empty).</summary>
    public bool SqlApplied { get; }

    /// <summary>Apply or ScriptOnly.</summary>
    public string DeploymentMode { get; }

    /// <summary>Where the run's T-SQL was saved in the container.</summary>
    public string? SqlScriptPath { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The wall time of each step of the run, in order ("sql generate" is the part of "sql" spent generating T-SQL).</summary>
    public IReadOnlyList<CISynapseExportRunStep> Steps { get; }

    public string? ErrorId { get; }

    public string? Error { get; }
}
