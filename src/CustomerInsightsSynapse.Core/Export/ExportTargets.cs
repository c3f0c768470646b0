using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Where a connection's exports land and are queried: its container's blob location and the workspace's serverless SQL endpoint.</summary>
public interface IExportTargets
{
    Task<BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken);

    /// <summary>The workspace's serverless SQL endpoint, or null when Azure does not say.</summary>
    Task<SqlEndpoint?> SqlEndpointAsync(ConnectionDefinition connection, CancellationToken cancellationToken);
}

/// <summary>
/// Reads the targets from Resource Manager: the storage account's <c>primaryEndpoints.blob</c> (so sovereign
/// clouds, custom domains and emulators work without guessing host names) and the workspace's
/// <c>connectivityEndpoints.sqlOnDemand</c>. Each resource is read once through <see cref="Resources"/>; share that
/// reader with the prerequisite checks of the same run and they read it once between them.
/// </summary>
public sealed class ArmExportTargets(ArmResourceReader resources) : IExportTargets
{
    public ArmExportTargets(AzureRestClient arm)
        : this(new ArmResourceReader(arm))
    {
    }

    public ArmResourceReader Resources => resources;

    public async Task<BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken)
    {
        var account = await resources.StorageAccountOrNullAsync(connection.StorageAccountResourceId, cancellationToken).ConfigureAwait(false);
        var blob = account?.BlobEndpoint;
        if (string.IsNullOrEmpty(blob))
        {
            throw new CISynapseException(
                ErrorIds.LakeContainerUnknown,
                ErrorKind.ObjectNotFound,
                $"The storage account '{connection.StorageAccountName}' of the connection '{connection.Name}' was not found, or Resource Manager named no blob endpoint for it.",
                connection.StorageAccountResourceId);
        }

        return BlobLocation.Parse(blob.TrimEnd('/') + "/" + connection.Container);
    }

    public async Task<SqlEndpoint?> SqlEndpointAsync(ConnectionDefinition connection, CancellationToken cancellationToken)
    {
        var workspace = await resources.WorkspaceOrNullAsync(connection.WorkspaceResourceId, cancellationToken).ConfigureAwait(false);
        var host = workspace?.SqlOnDemandEndpoint;
        return string.IsNullOrEmpty(host) ? null : SqlEndpoint.Parse(host);
    }
}
