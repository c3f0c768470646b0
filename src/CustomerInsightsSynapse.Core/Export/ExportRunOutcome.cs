using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// The one rule for what a finished run means to the script that started it:
/// Failed → <see cref="ExportRunFailedException"/> (ErrorId ExportRunFailed, the cause as its inner exception), which
/// stops the command; PartiallySucceeded → an ExportRunPartiallySucceeded error naming the failed entities, which
/// does not stop the command but fails it ($? is false, -ErrorAction Stop stops); Succeeded and Canceled → no error
/// (a cancelled run ends the command by itself).
/// </summary>
public static class ExportRunOutcome
{
    /// <summary>The error a run's record calls for, or null when it calls for none.</summary>
    /// <param name="record">The saved run record.</param>
    /// <param name="cause">What stopped the run, when the record's status came from an exception.</param>
    public static CISynapseException? ErrorFor(ExportRunRecord record, CISynapseException? cause = null) => record.Status switch
    {
        ExportRunStatus.Failed => new ExportRunFailedException(record, cause ?? CauseFromRecord(record)),
        ExportRunStatus.PartiallySucceeded => PartiallySucceeded(record),
        _ => null,
    };

    private static CISynapseException PartiallySucceeded(ExportRunRecord record)
    {
        var failed = record.Entities.Where(e => e.Action == EntityRunAction.Failed).ToList();
        var names = string.Join(", ", failed.Select(e => $"'{e.Entity}'"));
        return new CISynapseException(
            ErrorIds.ExportRunPartiallySucceeded,
            ErrorKind.InvalidResult,
            $"Export '{record.ExportName}' run {record.RunId} partially succeeded: {failed.Count} of {record.Entities.Count} entities failed ({names}) and keep their previous snapshot. "
                + string.Join(" ", failed.Select(e => $"[{e.Entity}] {e.Error ?? e.ErrorId}")),
            record)
        {
            RecommendedAction = $"Fix what the failed entities report (Get-CISynapseExportRun -ExportName '{record.ExportName}' -Last 1 | Select-Object -ExpandProperty Entities) and run the export again; the other entities were landed.",
        };
    }

    /// <summary>A run that failed without an exception (every entity failed, or the SQL failed) is described by its record.</summary>
    private static CISynapseException CauseFromRecord(ExportRunRecord record)
    {
        var failed = record.Entities.Where(e => e.Action == EntityRunAction.Failed).ToList();
        var errorId = record.ErrorId ?? failed.Select(e => e.ErrorId).FirstOrDefault(id => id is not null) ?? ErrorIds.ExportRunFailed;
        var message = record.Error ?? string.Join(" ", failed.Select(e => $"[{e.Entity}] {e.Error ?? e.ErrorId}"));
        return new CISynapseException(errorId, ErrorKind.InvalidResult, message, record);
    }
}

/// <summary>
/// A run ended Failed. The run was recorded (<see cref="Record"/>); <see cref="Exception.InnerException"/> is the
/// specific cause with its own ErrorId (CdmDocumentNotFound, PrerequisitesNotMet, SqlBatchFailed, …). It stops the command.
/// </summary>
public sealed class ExportRunFailedException : CISynapseException
{
    public ExportRunFailedException(ExportRunRecord record, CISynapseException cause)
        : base(
            ErrorIds.ExportRunFailed,
            cause.Kind == ErrorKind.NotSpecified ? ErrorKind.InvalidResult : cause.Kind,
            $"Export '{record.ExportName}' run {record.RunId} failed ({cause.ErrorId}): {cause.Message}",
            record,
            cause)
    {
        Record = record;
        RecommendedAction = cause.RecommendedAction is { } action
            ? $"{action} Then run the export again (the run record: Get-CISynapseExportRun -ExportName '{record.ExportName}' -Last 1)."
            : null;
    }

    public ExportRunRecord Record { get; }

    /// <summary>The ErrorId of the specific cause.</summary>
    public string CauseErrorId => ((CISynapseException)InnerException!).ErrorId;
}
