using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>Where a run lands and applies its T-SQL, fetched once per run.</summary>
public sealed record ResolvedLake(BlobLocation Container, DataLakeContainer DataLake, SqlEndpoint? SqlEndpoint);

/// <summary>Step "resolve": the connection's container and the workspace's serverless SQL endpoint. The one use of <see cref="IExportTargets"/> in a run.</summary>
internal sealed class ResolveTargetsStep(IExportTargets targets)
{
    public async Task<ResolvedLake> RunAsync(ConnectionDefinition connection, CancellationToken cancellationToken)
    {
        var containerTask = targets.LakeContainerAsync(connection, cancellationToken);
        var sqlTask = targets.SqlEndpointAsync(connection, cancellationToken);
        await Task.WhenAll(containerTask, sqlTask).ConfigureAwait(false);
        var container = containerTask.Result;
        return new ResolvedLake(container, DataLakeContainer.From(container), sqlTask.Result);
    }
}
