using System.Management.Automation;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>Turns exceptions into ErrorRecords with a stable ErrorId and the matching category.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord From(Exception exception, object? target)
    {
        var ex = Unwrap(exception);
        if (ex is CISynapseException known)
        {
            var record = new ErrorRecord(known, known.ErrorId, Category(known.Kind), target ?? known.Target);
            if (!string.IsNullOrEmpty(known.RecommendedAction))
            {
                record.ErrorDetails = new ErrorDetails(known.Message) { RecommendedAction = known.RecommendedAction };
            }

            return record;
        }

        if (ex is OperationCanceledException)
        {
            return new ErrorRecord(ex, ErrorIds.OperationCanceled, ErrorCategory.OperationStopped, target);
        }

        if (ex is ArgumentException)
        {
            return new ErrorRecord(ex, ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target);
        }

        return new ErrorRecord(ex, ErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target);
    }

    public static ErrorRecord Create(string errorId, ErrorKind kind, string message, object? target) =>
        From(new CISynapseException(errorId, kind, message, target), target);

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            ex = aggregate.InnerExceptions[0];
        }

        return ex;
    }

    /// <summary>The PowerShell category of each kind of failure; a convention test checks every kind is here.</summary>
    internal static readonly IReadOnlyDictionary<ErrorKind, ErrorCategory> Categories = new Dictionary<ErrorKind, ErrorCategory>
    {
        [ErrorKind.NotSpecified] = ErrorCategory.NotSpecified,
        [ErrorKind.InvalidArgument] = ErrorCategory.InvalidArgument,
        [ErrorKind.InvalidData] = ErrorCategory.InvalidData,
        [ErrorKind.InvalidOperation] = ErrorCategory.InvalidOperation,
        [ErrorKind.ObjectNotFound] = ErrorCategory.ObjectNotFound,
        [ErrorKind.ResourceExists] = ErrorCategory.ResourceExists,
        [ErrorKind.ResourceBusy] = ErrorCategory.ResourceBusy,
        [ErrorKind.PermissionDenied] = ErrorCategory.PermissionDenied,
        [ErrorKind.AuthenticationError] = ErrorCategory.AuthenticationError,
        [ErrorKind.SecurityError] = ErrorCategory.SecurityError,
        [ErrorKind.ConnectionError] = ErrorCategory.ConnectionError,
        [ErrorKind.OperationStopped] = ErrorCategory.OperationStopped,
        [ErrorKind.OperationTimeout] = ErrorCategory.OperationTimeout,
        [ErrorKind.ParserError] = ErrorCategory.ParserError,
        [ErrorKind.InvalidResult] = ErrorCategory.InvalidResult,
        [ErrorKind.NotImplemented] = ErrorCategory.NotImplemented,
        [ErrorKind.LimitsExceeded] = ErrorCategory.LimitsExceeded,
    };

    private static ErrorCategory Category(ErrorKind kind) =>
        Categories.TryGetValue(kind, out var category) ? category : ErrorCategory.NotSpecified;
}
