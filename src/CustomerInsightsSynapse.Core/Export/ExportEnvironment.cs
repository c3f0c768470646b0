using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// How <see cref="ExportService"/> reaches what lies outside the store: the CDM reader for sources, and for
/// purging a removed export, the connection's container and SQL endpoint, blob clients and a SQL executor.
/// </summary>
public sealed class ExportEnvironment
{
    public required CdmFolderReader Reader { get; init; }

    public IExportTargets? Targets { get; init; }

    public BlobClientFactory? Blobs { get; init; }

    public Func<SqlEndpoint, SqlScriptExecutor>? SqlExecutors { get; init; }

    /// <summary>Everything signed in with <paramref name="session"/>: Resource Manager, Blob storage and serverless SQL.</summary>
    public static ExportEnvironment For(AzureSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var blobs = session.CreateBlobClientFactory();
        return new ExportEnvironment
        {
            Reader = new CdmFolderReader(blobs),
            Targets = new ArmExportTargets(session.CreateResourceManagerClient()),
            Blobs = blobs,
            SqlExecutors = endpoint => new SqlScriptExecutor(endpoint, session.Credential, session.Cloud.SqlAudience),
        };
    }
}
