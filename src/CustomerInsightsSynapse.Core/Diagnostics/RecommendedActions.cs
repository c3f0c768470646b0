namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// The default RecommendedAction of every ErrorId, used when the throw site gives none (throw sites that know more,
/// such as the name that was close, give their own). Every id in <see cref="ErrorIds"/> has an entry: a convention
/// test fails on any without one.
/// </summary>
public static class RecommendedActions
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        // General
        [ErrorIds.UnexpectedError] = "Run the command again with -Debug and report the error with its ScriptStackTrace if it persists.",
        [ErrorIds.OperationCanceled] = "Run the command again when it can finish; what was cancelled left everything as it was.",
        [ErrorIds.InvalidArgument] = "Correct the parameter named in the message (Get-Help <command> -Parameter <name> says what it accepts).",

        // Azure: sign-in, clouds, HTTP
        [ErrorIds.NotConnected] = Azure.NotSignedInCredential.SignInCommands,
        [ErrorIds.InvalidAccessToken] = "Pass the token itself (for example (Get-AzAccessToken -AsSecureString).Token) to Connect-CISynapseAccount -AccessToken.",
        [ErrorIds.AccessTokenExpired] = "Get a new token and run Connect-CISynapseAccount -AccessToken again, or sign in with Connect-CISynapseAccount so tokens are renewed.",
        [ErrorIds.UnknownCloud] = "Give Connect-CISynapseAccount -Environment AzureCloud, AzureUSGovernment or AzureChinaCloud, or -ResourceManagerUrl with an absolute https URL for a custom cloud.",
        [ErrorIds.AuthenticationFailed] = "Sign in again with Connect-CISynapseAccount, and check that the account belongs to the tenant of the resources.",
        [ErrorIds.AzureRequestFailed] = "Check the resource named in the message and try again; a transient Azure failure usually passes.",
        [ErrorIds.AzureAuthorizationFailed] = "Ask an owner of the resource for the Azure role the message names (Test-CISynapsePrerequisite lists what the export needs).",
        [ErrorIds.AzureResourceNotFound] = "Check the subscription, resource group and name of the resource (Get-AzResource lists what exists).",
        [ErrorIds.InvalidBlobPath] = "Give a blob path of relative segments without '..', '.', empty segments or control characters.",

        // Store
        [ErrorIds.StoreDocumentTooLarge] = "Remove or replace the document named in the message: store documents are small, so one over 16 MB is not the module's; restore it from a backup.",
        [ErrorIds.StoreDocumentNotRegularFile] = "Replace the special file (FIFO, device, folder or link loop) named in the message with the document it should be, or remove it.",
        [ErrorIds.StoreDocumentOutsideStore] = "Replace the link named in the message with the document itself: the store reads only files inside its own folder.",
        [ErrorIds.StoreConflict] = "Read the item again (Get-CISynapseConnection / Get-CISynapseExport), reapply your change and save it again.",
        [ErrorIds.StoreDocumentExists] = "Choose another name, or change the existing item with its Set- command.",
        [ErrorIds.StoreDocumentNotFound] = "List what the store holds with the Get- commands; the item may have been removed by someone else.",
        [ErrorIds.StoreDocumentCorrupt] = "Restore the document named in the message from a backup or the blob's earlier version, or remove it and create it again.",
        [ErrorIds.StoreSchemaTooNew] = "Update the CustomerInsightsSynapse module (Update-PSResource CustomerInsightsSynapse): a newer version wrote this store.",
        [ErrorIds.StoreLockTimeout] = "Try again when the other command using the store has finished.",
        [ErrorIds.StoreUnavailable] = "Check that the store location (Get-CISynapseStore) is reachable and that you may read and write it, then try again.",
        [ErrorIds.InvalidStoreLocation] = "Give Set-CISynapseStore -Location a local folder or an https:// Blob container URL.",
        [ErrorIds.InvalidDocumentName] = "Use a name that does not start with a space, has no path separators or control characters, and is within the length the message names.",

        // Connections and roles
        [ErrorIds.ConnectionNotFound] = "List the connections with Get-CISynapseConnection -All, or create one with New-CISynapseConnection.",
        [ErrorIds.ConnectionExists] = "Choose another name, or change the existing connection with Set-CISynapseConnection.",
        [ErrorIds.ConnectionInUse] = "Remove the exports that use the connection (Get-CISynapseExport | Where-Object ConnectionName -EQ <name>) first.",
        [ErrorIds.ConnectionTargetIncomplete] = "Give the subscription, resource group, workspace, storage account and container (or pipe Get-AzSynapseWorkspace and pass -StorageAccount).",
        [ErrorIds.ConnectionTargetMismatch] = "Use a workspace and storage account in the same subscription and a container of that account.",
        [ErrorIds.InvalidResourceId] = "Give a full Azure resource id (/subscriptions/<id>/resourceGroups/<group>/providers/<type>/<name>).",
        [ErrorIds.InvalidResourceName] = "Check the Azure naming rules for the resource named in the message.",
        [ErrorIds.SubscriptionNotFound] = "Check the subscription id, and that the signed-in account can see it (Get-AzSubscription).",
        [ErrorIds.SubscriptionNotEnabled] = "Use an enabled subscription, or ask its owner to re-enable it.",
        [ErrorIds.WorkspaceNotFound] = "Check the workspace and resource group names (Get-AzSynapseWorkspace lists the workspaces you can see).",
        [ErrorIds.StorageAccountNotFound] = "Check the storage account and resource group names (Get-AzStorageAccount lists the accounts you can see).",
        [ErrorIds.ContainerNotFound] = "Check the container name, or create the container (New-AzStorageContainer).",
        [ErrorIds.RoleRequired] = "Ask an Administrator of the store to run Grant-CISynapseRole for you (Get-CISynapseRole lists them).",
        [ErrorIds.LastAdministrator] = "Grant the Administrator role to someone else with Grant-CISynapseRole first.",
        [ErrorIds.RoleAssignmentNotFound] = "List the role assignments with Get-CISynapseRole.",
        [ErrorIds.CallerUnknown] = "Sign in with an account or managed identity that has an object id (Connect-CISynapseAccount), not a token without an 'oid' claim.",

        // Prerequisites
        [ErrorIds.RepairFailed] = "Run Test-CISynapsePrerequisite to see what is still missing, and apply that fix by hand or ask an owner of the resource.",
        [ErrorIds.InvalidPrincipalRetrySetting] = "Set the principal retry setting to a positive number of seconds.",

        // Cdm
        [ErrorIds.SourceFileOutsideFolder] = "Copy the file into the CDM folder instead of linking to it: the module reads only files whose real path is inside the source folder.",
        [ErrorIds.SourceFileNotRegular] = "Replace the special or hard-linked file named in the message with a regular file copy inside the CDM folder.",
        [ErrorIds.SourceUrlHasQuery] = "Give the source URL without its query string (no SAS): sign in with Connect-CISynapseAccount with an identity that has Storage Blob Data Reader on the source container.",
        [ErrorIds.CdmDocumentNotFound] = "Check the source path or URL: it must be a CDM folder with model.json or a *.manifest.cdm.json.",
        [ErrorIds.AmbiguousCdmDocument] = "Name the document itself in the source (…/model.json or …/<name>.manifest.cdm.json).",
        [ErrorIds.UnsupportedCdmDocument] = "Point the source at a model.json or a *.manifest.cdm.json, as Customer Insights writes them.",
        [ErrorIds.InvalidCdmDocument] = "Fix the document at the position the message names, or export it again from Customer Insights.",
        [ErrorIds.CdmDocumentUnreadable] = "Check that the document is readable by the signed-in account and is UTF-8 JSON.",
        [ErrorIds.CdmDocumentTooLarge] = "Split the manifest into sub-manifests, or remove what the module does not need from it.",
        [ErrorIds.CdmDocumentTooDeep] = "Flatten the nesting of the document below the limit the message names.",
        [ErrorIds.EntityDocumentNotFound] = "Restore the entity's definition document that the manifest refers to, or remove the entity from the manifest.",
        [ErrorIds.UnresolvedEntityDocument] = "Check the entity path of the manifest (document.cdm.json/EntityName).",
        [ErrorIds.CircularSubManifest] = "Remove the reference that makes a sub-manifest include itself.",
        [ErrorIds.PartitionOutsideFolder] = "Keep every partition location inside the CDM folder.",
        [ErrorIds.PathTraversal] = "Remove '..' and absolute paths from the locations in the CDM documents.",
        [ErrorIds.DuplicateEntity] = "Give every entity of the folder a distinct name (names are compared without regard to case).",
        [ErrorIds.DuplicateAttribute] = "Give every attribute of the entity a distinct name (names are compared without regard to case).",
        [ErrorIds.InvalidPartitionPattern] = "Fix the partition pattern's regular expression or glob.",
        [ErrorIds.EntityNotFound] = "List the entities of the source with Get-CISynapseEntity -Source <source>.",
        [ErrorIds.InvalidCsvFormat] = "Fix the CSV format traits (delimiter, quote, encoding) of the entity's partitions.",

        // Lake
        [ErrorIds.ModelCommitLost] = "Run the export again: another run committed model.json first, and the views stay on its snapshots.",
        [ErrorIds.ExportRunInProgress] = "Wait for the other run to finish, then run the export again; a killed run's lock expires by itself.",
        [ErrorIds.LakeLockLost] = "Run the export again; check that nothing else breaks the lease on the database's _lock blob.",
        [ErrorIds.LakeModelInvalid] = "Restore {Database}/model.json from its previous blob version, or remove it so the next run starts afresh.",
        [ErrorIds.PartitionNotFound] = "Check that the partition files the CDM documents list exist, then run the export again.",
        [ErrorIds.PartitionLandingFailed] = "Check access to the source and the container, then run the export again; the entity keeps its previous snapshot.",

        // Sql
        [ErrorIds.InvalidSqlIdentifier] = "Rename the entity or attribute so its name is a valid SQL identifier (at most 128 characters, no control characters).",
        [ErrorIds.InvalidSqlLiteral] = "Remove control characters from the value named in the message.",
        [ErrorIds.InvalidDatabaseName] = "Use a database name of letters A-Z, digits, '_' and '-', starting with a letter, that is not reserved.",
        [ErrorIds.DuplicateSqlName] = "Rename one of the entities or attributes whose SQL names collide.",
        [ErrorIds.UnsupportedPartitionFormat] = "Export the entity as CSV or Parquet.",
        [ErrorIds.EntityHasNoAttributes] = "Check that the entity's definition in the CDM folder lists its attributes (Get-CISynapseEntity -Source <source> -Name <entity> -Detailed), or leave the entity out of the export (Set-CISynapseExport -RemoveEntity).",
        [ErrorIds.InvalidDataLakeLocation] = "Check the connection's storage account and container (Get-CISynapseConnection).",
        [ErrorIds.GeneratedSqlInvalid] = "Report the error with the entity definitions: the generated T-SQL did not parse, so nothing was sent.",
        [ErrorIds.InvalidSqlEndpoint] = "Check the workspace's serverless SQL endpoint (Get-AzSynapseWorkspace).ConnectivityEndpoints.",
        [ErrorIds.SqlConnectionFailed] = "Check the workspace's firewall rules and that the signed-in account is a Synapse SQL user, then run the export again.",
        [ErrorIds.SqlBatchFailed] = "Read the failing batch in the saved T-SQL (the run's SqlScriptPath); fix the cause and run the export again.",
        [ErrorIds.UnsupportedCsvEscape] = "Export the entity with the quote character as its escape (quotes doubled inside quoted values, as Customer Insights writes them), or as Parquet.",
        [ErrorIds.UnsupportedCsvEncoding] = "Declare an encoding the module knows (a name such as windows-1252 or UTF-16, or a code page number) so that the files are transcoded to UTF-8 while landing, or export the entity's CSV files as UTF-8 or Parquet.",
        [ErrorIds.CsvTextNotDecodable] = "Declare the encoding the file is really written in (the partition's encoding in the CDM folder), or fix the bytes at that offset; the entity keeps its previous snapshot.",
        [ErrorIds.TextValueTooLong] = "Shorten the value in the source, leave the attribute or entity out of the export, or export the entity as Parquet; the entity keeps its previous snapshot.",
        [ErrorIds.ParquetValueNotConverted] = "Correct the values in the source, or set the export's -InvalidValue Null to land them as NULL (counted in the run record); the entity keeps its previous snapshot.",
        [ErrorIds.ParquetConversionFailed] = "Check the serverless SQL message above (the staging files were deleted and the entity keeps its previous snapshot), fix the cause and run the export again.",
        [ErrorIds.ParquetConversionAccessDenied] = "Give the identity serverless SQL writes with the role 'Storage Blob Data Contributor' on the container: with -QueryAccess WorkspaceIdentity the workspace's managed identity (New-AzRoleAssignment -ObjectId <workspace identity object id> -RoleDefinitionName 'Storage Blob Data Contributor' -Scope <container resource id>), with CallerIdentity the account that runs the export; then run the export again.",
        [ErrorIds.ParquetConversionNeedsApply] = "Set the export's -DeploymentMode Apply (Set-CISynapseExport -DeploymentMode Apply) so that serverless SQL can convert the lake's CSV files, or land the export as CSV (Set-CISynapseExport -LandAs Csv).",
        [ErrorIds.ViewVerificationFailed] = "Read the engine's message in the run record and query the entity's new snapshot files to find the value or file it refuses; fix the source and run the export again. The view still reads the previous snapshot.",
        [ErrorIds.IncompatibleParquetColumn] = "Write the column with a Parquet type that converts to the attribute's CDM type (Get-Help Invoke-CISynapseExport -Full lists them), or correct the attribute's CDM data type; the entity keeps its previous snapshot.",
        [ErrorIds.ParquetSchemaMismatch] = "Rewrite the entity's Parquet files with one schema (the same column names and types in every file); the entity keeps its previous snapshot.",
        [ErrorIds.InvalidParquetFile] = "Check the partition named in the message: it is not a complete, unencrypted Parquet file (it must end with its footer and 'PAR1'); the entity keeps its previous snapshot.",
        [ErrorIds.LakeDatabaseExists] = "Choose another database name for the export (Set-CISynapseExport -DatabaseName): a Lake database of that name is read-only to serverless SQL.",

        // Export
        [ErrorIds.DatabaseOwnerUnknown] = "Repair or remove the export document the store cannot read (Get-CISynapseExport lists it with its error), then try again.",
        [ErrorIds.EntityNameUnusable] = "Rename the entity in Customer Insights, or leave it out of the export (Set-CISynapseExport -Entity).",
        [ErrorIds.AttributeNameUnusable] = "Rename the attribute in Customer Insights (at most 128 characters, no control characters), or leave its entity out of the export.",
        [ErrorIds.SqlNameCollision] = "Rename one of the two names in Customer Insights, or leave one entity out: serverless SQL compares names without case or width.",
        [ErrorIds.ExportNotFound] = "List the exports with Get-CISynapseExport, or create one with New-CISynapseExport.",
        [ErrorIds.ExportExists] = "Choose another name, or change the existing export with Set-CISynapseExport.",
        [ErrorIds.ExportHasNoEntities] = "Give at least one entity, or remove the export with Remove-CISynapseExport.",
        [ErrorIds.EntityNotInExport] = "List the export's entities with (Get-CISynapseExport <name>).Entities.",
        [ErrorIds.DatabaseNameLength] = "Use a shorter database name (the message names the limit).",
        [ErrorIds.DatabaseNameCharacters] = "Use only letters A-Z, digits, '_' and '-' in the database name, starting with a letter.",
        [ErrorIds.DatabaseNameReserved] = "Choose a database name that is not reserved (the message lists the reserved names).",
        [ErrorIds.DatabaseNameInUse] = "Choose another database name, or add the entities to that export with Set-CISynapseExport -AddEntity.",
        [ErrorIds.DatabaseOwnedElsewhere] = "Give this export another database name (Set-CISynapseExport -DatabaseName), or remove the export the database names as its owner with Remove-CISynapseExport -RemoveDatabaseObjects from its own store.",
        [ErrorIds.DatabaseNameCaseChange] = "Keep the current spelling, or choose a different database name.",
        [ErrorIds.LakeContainerUnknown] = "Check the connection's storage account and container with Get-CISynapseConnection and Test-CISynapsePrerequisite.",
        [ErrorIds.ExportPurgeFailed] = "Run Remove-CISynapseExport again: what was removed stays removed, and the definition is kept until the purge completes.",
        [ErrorIds.PrerequisitesNotMet] = "Run Test-CISynapsePrerequisite -ConnectionName <name> to see the fixes, and Repair-CISynapsePrerequisite to apply them.",
        [ErrorIds.ExportRunFailed] = "Read the cause ($_.Exception.InnerException) and the run record (Get-CISynapseExportRun -ExportName <name> -Last 1), fix the cause and run the export again.",
        [ErrorIds.QueryPrincipalNotFound] = "Check the name or object id (Get-AzADUser -UserPrincipalName, Get-AzADGroup -DisplayName, Get-AzADServicePrincipal -DisplayName) and give the principal of the tenant the workspace belongs to.",
        [ErrorIds.QueryPrincipalNameNotUnique] = "Rename one of the groups or applications so that the display name is unique in the tenant, or grant access to a group with a unique name that contains the principal.",
        [ErrorIds.QueryPrincipalNameTaken] = "Drop or rename the database role or user of that name in the export's database, or grant access to a group that contains the principal.",
        [ErrorIds.QueryAccessDatabaseNotReady] = "Run the export once with Invoke-CISynapseExport (it creates the database and the CISynapseReaders role), then grant access again.",
        [ErrorIds.QueryAccessScriptOnly] = "Run the T-SQL in the message in the export's database as a Synapse SQL administrator (the export's deployment mode is ScriptOnly, so the module sends no SQL).",
        [ErrorIds.QueryUserStorageRoleMissing] = "Ask an Owner or User Access Administrator of the storage account to run the New-AzRoleAssignment command in the message.",
        [ErrorIds.ExportRunPartiallySucceeded] = "Look at the failed entities of the run record (Get-CISynapseExportRun -ExportName <name> -Last 1).Entities; they keep their previous snapshot until the next run lands them.",
    };

    /// <summary>Every ErrorId that has a default action.</summary>
    public static IReadOnlyCollection<string> ErrorIdsWithDefaults => Defaults.Keys;

    /// <summary>The default action for an ErrorId, or null for an id that has none.</summary>
    public static string? For(string errorId) => Defaults.GetValueOrDefault(errorId);
}
