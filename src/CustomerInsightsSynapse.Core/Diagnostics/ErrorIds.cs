namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// Every ErrorId the module reports. Ids are stable words: never reuse one with a new meaning,
/// never rename one. Each subsystem keeps its ids in its own section.
/// </summary>
public static class ErrorIds
{
    // General
    public const string UnexpectedError = "UnexpectedError";
    public const string OperationCanceled = "OperationCanceled";
    public const string InvalidArgument = "InvalidArgument";

    // Azure: sign-in, clouds, HTTP
    public const string NotConnected = "NotConnected";
    public const string InvalidAccessToken = "InvalidAccessToken";
    public const string AccessTokenExpired = "AccessTokenExpired";
    public const string UnknownCloud = "UnknownCloud";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string AzureRequestFailed = "AzureRequestFailed";
    public const string AzureAuthorizationFailed = "AzureAuthorizationFailed";
    public const string AzureResourceNotFound = "AzureResourceNotFound";
    public const string InvalidBlobPath = "InvalidBlobPath";

    // Store

    // Connections and roles

    // Prerequisites
    public const string RepairFailed = "RepairFailed";

    // Cdm

    // Lake
    public const string ExportRunInProgress = "ExportRunInProgress";
    public const string LakeLockLost = "LakeLockLost";
    public const string LakeModelInvalid = "LakeModelInvalid";
    public const string PartitionNotFound = "PartitionNotFound";
    public const string PartitionLandingFailed = "PartitionLandingFailed";

    // Sql
    public const string InvalidSqlIdentifier = "InvalidSqlIdentifier";
    public const string InvalidSqlLiteral = "InvalidSqlLiteral";
    public const string InvalidDatabaseName = "InvalidDatabaseName";
    public const string DuplicateSqlName = "DuplicateSqlName";
    public const string UnsupportedPartitionFormat = "UnsupportedPartitionFormat";
    public const string InvalidDataLakeLocation = "InvalidDataLakeLocation";
    public const string GeneratedSqlInvalid = "GeneratedSqlInvalid";
    public const string InvalidSqlEndpoint = "InvalidSqlEndpoint";
    public const string SqlConnectionFailed = "SqlConnectionFailed";
    public const string SqlBatchFailed = "SqlBatchFailed";

    // Export
}
