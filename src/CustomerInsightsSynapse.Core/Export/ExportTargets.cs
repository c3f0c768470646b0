using System.Text.Json;
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
/// <c>connectivityEndpoints.sqlOnDemand</c>.
/// </summary>
public sealed class ArmExportTargets(AzureRestClient arm) : IExportTargets
{
    public async Task<BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken)
    {
        using var response = await arm.GetOrNullAsync($"{connection.StorageAccountResourceId.TrimStart('/')}?api-version={ApiVersions.Storage}", cancellationToken).ConfigureAwait(false);
        var blob = response is null ? null : Text(response.Root, "properties", "primaryEndpoints", "blob");
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
        using var response = await arm.GetOrNullAsync($"{connection.WorkspaceResourceId.TrimStart('/')}?api-version={ApiVersions.Synapse}", cancellationToken).ConfigureAwait(false);
        var host = response is null ? null : Text(response.Root, "properties", "connectivityEndpoints", "sqlOnDemand");
        return string.IsNullOrEmpty(host) ? null : SqlEndpoint.Parse(host);
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
