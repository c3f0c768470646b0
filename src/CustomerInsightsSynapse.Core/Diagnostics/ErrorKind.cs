namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// What kind of failure a <see cref="CISynapseException"/> is. The cmdlet layer maps each kind to a PowerShell
/// ErrorCategory (ErrorRecordFactory.Categories, one entry per kind); Core itself has no PowerShell dependency.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    ResourceExists,
    ResourceBusy,
    PermissionDenied,
    AuthenticationError,
    SecurityError,
    ConnectionError,
    OperationStopped,
    OperationTimeout,
    ParserError,
    InvalidResult,
    NotImplemented,
    LimitsExceeded,
}
