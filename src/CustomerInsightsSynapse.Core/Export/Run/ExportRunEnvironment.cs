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
        return new ExportRunEnvironment
        {
            Targets = new ArmExportTargets(session.CreateResourceManagerClient()),
            Blobs = blobs,
            Reader = new CdmFolderReader(blobs),
            Prerequisites = new SessionPrerequisiteCheck(session),
            Sql = new SessionSqlScriptRunner(session),
        };
    }

    private sealed class SessionPrerequisiteCheck(AzureSession session) : IPrerequisiteCheck
    {
        public Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context) =>
            new PrerequisiteChecker(session).TestAsync(target, context);
    }

    private sealed class SessionSqlScriptRunner(AzureSession session) : ISqlScriptRunner
    {
        public Task ExecuteAsync(SqlEndpoint endpoint, SqlScript script, SqlExecutorOptions? options, OperationContext context, Func<CancellationToken, Task> beforeEachBatch) =>
            new SqlScriptExecutor(endpoint, session.Credential, session.Cloud.SqlAudience, options).ExecuteAsync(script, context, beforeEachBatch);
    }
}
