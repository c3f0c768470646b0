using CustomerInsightsSynapse.Core.Azure;

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

    private Task UploadAsync(LakeTarget target, string path, BinaryData content, CancellationToken cancellationToken) =>
        factory.Container(target.Container).GetBlobClient(path).UploadAsync(content, overwrite: true, cancellationToken);
}
