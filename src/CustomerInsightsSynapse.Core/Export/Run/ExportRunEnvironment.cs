using Azure.Core;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>The quick prerequisite pass a run makes first.</summary>
public interface IPrerequisiteCheck
{
    Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context);
}

/// <summary>Sends a script's batches to a serverless SQL endpoint, calling <c>beforeEachBatch</c> before each one.</summary>
public interface ISqlScriptRunner
{
    Task ExecuteAsync(SqlEndpoint endpoint, SqlScript script, SqlExecutorOptions? options, OperationContext context, Func<CancellationToken, Task> beforeEachBatch);

    /// <summary>
    /// Runs one batch in <paramref name="database"/> and returns the rows it selected; a server error numbered
    /// <paramref name="expectedError"/> returns null instead of failing.
    /// </summary>
    Task<IReadOnlyList<object?[]>?> QueryAsync(SqlEndpoint endpoint, string database, SqlBatch batch, int? expectedError, SqlExecutorOptions? options, CancellationToken cancellationToken);
}

/// <summary>Serverless SQL signed in with a token credential for the SQL audience.</summary>
public sealed class CredentialSqlScriptRunner(TokenCredential credential, string audience) : ISqlScriptRunner
{
    public Task ExecuteAsync(SqlEndpoint endpoint, SqlScript script, SqlExecutorOptions? options, OperationContext context, Func<CancellationToken, Task> beforeEachBatch) =>
        new SqlScriptExecutor(endpoint, credential, audience, options).ExecuteAsync(script, context, beforeEachBatch);

    public Task<IReadOnlyList<object?[]>?> QueryAsync(SqlEndpoint endpoint, string database, SqlBatch batch, int? expectedError, SqlExecutorOptions? options, CancellationToken cancellationToken) =>
        new SqlScriptExecutor(endpoint, credential, audience, options).QueryAsync(database, batch, expectedError, cancellationToken);
}

/// <summary>
/// Everything an <see cref="ExportRunner"/> reaches outside the definition store: Resource Manager (through
/// <see cref="IExportTargets"/>), Blob storage, the CDM reader, the prerequisite checks, serverless SQL and the clock.
/// </summary>
public sealed class ExportRunEnvironment
{
    public required IExportTargets Targets { get; init; }

    public required BlobClientFactory Blobs { get; init; }

    public required CdmFolderReader Reader { get; init; }

    public required IPrerequisiteCheck Prerequisites { get; init; }

    public required ISqlScriptRunner Sql { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Told the name of each step just before the runner checks for cancellation and runs it.</summary>
    internal Action<string>? BeforeStep { get; init; }

    /// <summary>Everything signed in with <paramref name="session"/>.</summary>
    public static ExportRunEnvironment For(AzureSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var blobs = session.CreateBlobClientFactory();
        // One reader for the run: the storage account and the workspace are fetched once, for the targets and the checks.
        var resources = new ArmResourceReader(session.CreateResourceManagerClient());
        return new ExportRunEnvironment
        {
            Targets = new ArmExportTargets(resources),
            Blobs = blobs,
            Reader = new CdmFolderReader(blobs),
            Prerequisites = new SessionPrerequisiteCheck(session, resources),
            Sql = new CredentialSqlScriptRunner(session.Credential, session.Cloud.SqlAudience),
        };
    }

    private sealed class SessionPrerequisiteCheck(AzureSession session, ArmResourceReader resources) : IPrerequisiteCheck
    {
        public Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context) =>
            new PrerequisiteChecker(session, resources).TestAsync(target, context);
    }
}
