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
    public const string StoreConflict = "StoreConflict";
    public const string StoreDocumentExists = "StoreDocumentExists";
    public const string StoreDocumentNotFound = "StoreDocumentNotFound";
    public const string StoreDocumentCorrupt = "StoreDocumentCorrupt";
    public const string StoreSchemaTooNew = "StoreSchemaTooNew";
    public const string StoreLockTimeout = "StoreLockTimeout";
    public const string StoreUnavailable = "StoreUnavailable";
    public const string InvalidStoreLocation = "InvalidStoreLocation";
    public const string InvalidDocumentName = "InvalidDocumentName";
    public const string StoreDocumentTooLarge = "StoreDocumentTooLarge";
    public const string StoreDocumentNotRegularFile = "StoreDocumentNotRegularFile";
    public const string StoreDocumentOutsideStore = "StoreDocumentOutsideStore";

    // Connections and roles
    public const string ConnectionNotFound = "ConnectionNotFound";
    public const string ConnectionExists = "ConnectionExists";
    public const string ConnectionInUse = "ConnectionInUse";
    public const string ConnectionTargetIncomplete = "ConnectionTargetIncomplete";
    public const string ConnectionTargetMismatch = "ConnectionTargetMismatch";
    public const string InvalidResourceId = "InvalidResourceId";
    public const string InvalidResourceName = "InvalidResourceName";
    public const string SubscriptionNotFound = "SubscriptionNotFound";
    public const string SubscriptionNotEnabled = "SubscriptionNotEnabled";
    public const string WorkspaceNotFound = "WorkspaceNotFound";
    public const string StorageAccountNotFound = "StorageAccountNotFound";
    public const string ContainerNotFound = "ContainerNotFound";
    public const string RoleRequired = "RoleRequired";
    public const string LastAdministrator = "LastAdministrator";
    public const string RoleAssignmentNotFound = "RoleAssignmentNotFound";
    public const string CallerUnknown = "CallerUnknown";

    // Prerequisites
    public const string RepairFailed = "RepairFailed";
    public const string InvalidPrincipalRetrySetting = "InvalidPrincipalRetrySetting";

    // Cdm
    public const string CdmDocumentNotFound = "CdmDocumentNotFound";
    public const string AmbiguousCdmDocument = "AmbiguousCdmDocument";
    public const string UnsupportedCdmDocument = "UnsupportedCdmDocument";
    public const string InvalidCdmDocument = "InvalidCdmDocument";
    public const string CdmDocumentUnreadable = "CdmDocumentUnreadable";
    public const string CdmDocumentTooLarge = "CdmDocumentTooLarge";
    public const string CdmDocumentTooDeep = "CdmDocumentTooDeep";
    public const string EntityDocumentNotFound = "EntityDocumentNotFound";
    public const string UnresolvedEntityDocument = "UnresolvedEntityDocument";
    public const string CircularSubManifest = "CircularSubManifest";
    public const string PartitionOutsideFolder = "PartitionOutsideFolder";
    public const string SourceFileOutsideFolder = "SourceFileOutsideFolder";
    public const string SourceFileNotRegular = "SourceFileNotRegular";
    public const string SourceUrlHasQuery = "SourceUrlHasQuery";
    public const string PathTraversal = "PathTraversal";
    public const string DuplicateEntity = "DuplicateEntity";
    public const string DuplicateAttribute = "DuplicateAttribute";
    public const string InvalidPartitionPattern = "InvalidPartitionPattern";
    public const string EntityNotFound = "EntityNotFound";
    public const string InvalidCsvFormat = "InvalidCsvFormat";

    // Lake
    public const string ExportRunInProgress = "ExportRunInProgress";
    public const string LakeLockLost = "LakeLockLost";
    public const string LakeModelInvalid = "LakeModelInvalid";
    public const string ModelCommitLost = "ModelCommitLost";
    public const string DatabaseOwnerUnknown = "DatabaseOwnerUnknown";
    public const string PartitionNotFound = "PartitionNotFound";
    public const string PartitionLandingFailed = "PartitionLandingFailed";

    // Sql
    public const string InvalidSqlIdentifier = "InvalidSqlIdentifier";
    public const string InvalidSqlLiteral = "InvalidSqlLiteral";
    public const string InvalidDatabaseName = "InvalidDatabaseName";
    public const string DuplicateSqlName = "DuplicateSqlName";
    public const string EntityNameUnusable = "EntityNameUnusable";
    public const string AttributeNameUnusable = "AttributeNameUnusable";
    public const string SqlNameCollision = "SqlNameCollision";
    public const string UnsupportedPartitionFormat = "UnsupportedPartitionFormat";
    public const string EntityHasNoAttributes = "EntityHasNoAttributes";
    public const string InvalidDataLakeLocation = "InvalidDataLakeLocation";
    public const string GeneratedSqlInvalid = "GeneratedSqlInvalid";
    public const string InvalidSqlEndpoint = "InvalidSqlEndpoint";
    public const string SqlConnectionFailed = "SqlConnectionFailed";
    public const string SqlBatchFailed = "SqlBatchFailed";
    public const string UnsupportedCsvEscape = "UnsupportedCsvEscape";
    public const string UnsupportedCsvEncoding = "UnsupportedCsvEncoding";
    public const string CsvTextNotDecodable = "CsvTextNotDecodable";
    public const string TextValueTooLong = "TextValueTooLong";
    public const string ParquetValueNotConverted = "ParquetValueNotConverted";
    public const string ParquetConversionFailed = "ParquetConversionFailed";
    public const string ParquetConversionAccessDenied = "ParquetConversionAccessDenied";
    public const string ParquetConversionNeedsApply = "ParquetConversionNeedsApply";
    public const string LakeDatabaseExists = "LakeDatabaseExists";
    public const string ViewVerificationFailed = "ViewVerificationFailed";
    public const string IncompatibleParquetColumn = "IncompatibleParquetColumn";
    public const string ParquetSchemaMismatch = "ParquetSchemaMismatch";
    public const string InvalidParquetFile = "InvalidParquetFile";

    // Export
    public const string ExportNotFound = "ExportNotFound";
    public const string ExportExists = "ExportExists";
    public const string ExportHasNoEntities = "ExportHasNoEntities";
    public const string EntityNotInExport = "EntityNotInExport";
    public const string DatabaseNameLength = "DatabaseNameLength";
    public const string DatabaseNameCharacters = "DatabaseNameCharacters";
    public const string DatabaseNameReserved = "DatabaseNameReserved";
    public const string DatabaseNameInUse = "DatabaseNameInUse";
    public const string DatabaseOwnedElsewhere = "DatabaseOwnedElsewhere";
    public const string DatabaseNameCaseChange = "DatabaseNameCaseChange";
    public const string LakeContainerUnknown = "LakeContainerUnknown";
    public const string ExportPurgeFailed = "ExportPurgeFailed";
    public const string PrerequisitesNotMet = "PrerequisitesNotMet";
    public const string ExportRunFailed = "ExportRunFailed";
    public const string ExportRunPartiallySucceeded = "ExportRunPartiallySucceeded";

    // Query access (Grant-/Revoke-CISynapseExportAccess)
    public const string QueryPrincipalNotFound = "QueryPrincipalNotFound";
    public const string QueryPrincipalNameNotUnique = "QueryPrincipalNameNotUnique";
    public const string QueryPrincipalNameTaken = "QueryPrincipalNameTaken";
    public const string QueryAccessDatabaseNotReady = "QueryAccessDatabaseNotReady";
    public const string QueryAccessScriptOnly = "QueryAccessScriptOnly";
    public const string QueryUserStorageRoleMissing = "QueryUserStorageRoleMissing";
}
