using Azure;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>The documents a run leaves beside a database's data, each at the path <see cref="LakeTarget"/> gives it.</summary>
public sealed class LakeFiles(BlobClientFactory factory)
{
    /// <summary>Saves the run's T-SQL and returns its container-relative path.</summary>
    public async Task<string> SaveSqlScriptAsync(LakeTarget target, string runId, string script, CancellationToken cancellationToken)
    {
        var path = target.SqlScriptPath(runId);
        await UploadAsync(target, path, BinaryData.FromString(script), cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Saves the run's record (JSON) and returns its container-relative path.</summary>
    public async Task<string> SaveRunRecordAsync(LakeTarget target, string runId, BinaryData json, CancellationToken cancellationToken)
    {
        var path = target.RunRecordPath(runId);
        await UploadAsync(target, path, json, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>The database's deployment state, or null when there is none or it cannot be read as one.</summary>
    public async Task<SqlDeploymentState?> ReadSqlDeploymentAsync(LakeTarget target, CancellationToken cancellationToken)
    {
        try
        {
            var content = await factory.Container(target.Container).GetBlobClient(target.SqlDeploymentPath).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return SqlDeployment.Deserialize(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public Task SaveSqlDeploymentAsync(LakeTarget target, SqlDeploymentState state, CancellationToken cancellationToken) =>
        UploadAsync(target, target.SqlDeploymentPath, SqlDeployment.Serialize(state), cancellationToken);

    private Task UploadAsync(LakeTarget target, string path, BinaryData content, CancellationToken cancellationToken) =>
        factory.Container(target.Container).GetBlobClient(path).UploadAsync(content, overwrite: true, cancellationToken);
}
