using System.Globalization;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;

namespace CustomerInsightsSynapse.Core.Lake;

internal static class LakeErrors
{
    /// <summary>A storage failure outside any one entity (the lock, model.json, the container) as a known error.</summary>
    public static CISynapseException Translate(RequestFailedException ex, LakeTarget target)
    {
        var container = target.Container.Container;
        return ex switch
        {
            { ErrorCode: "ContainerNotFound" } => new CISynapseException(
                ErrorIds.AzureResourceNotFound,
                ErrorKind.ObjectNotFound,
                $"The container '{container}' of account '{target.Container.AccountName}' does not exist.",
                container,
                ex)
            {
                RecommendedAction = "Create the container, or fix the connection's container name.",
            },
            { Status: 401 or 403 } => new CISynapseException(
                ErrorIds.AzureAuthorizationFailed,
                ErrorKind.PermissionDenied,
                $"Access to container '{container}' was refused ({ex.ErrorCode ?? ex.Status.ToString(CultureInfo.InvariantCulture)}).",
                container,
                ex)
            {
                RecommendedAction = "The signed-in identity needs Storage Blob Data Contributor on the storage account or container.",
            },
            _ => new CISynapseException(
                ErrorIds.AzureRequestFailed,
                ErrorKind.ConnectionError,
                $"Landing into container '{container}' at {target.Container.ContainerUri} failed: {FirstLine(ex)}",
                container,
                ex),
        };
    }

    public static string FirstLine(Exception ex) => ex.Message.Split('\n', 2)[0].Trim();
}
