using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Connections;

/// <summary>
/// Checks a connection's target against Resource Manager, in the order the Customer Insights page asks for it:
/// the subscription is Enabled, then the workspace, the storage account and the container exist. Each
/// failure has its own ErrorId.
/// </summary>
public sealed class ConnectionValidator
{
    private const int ProgressId = ProgressIds.ConnectionValidation;
    private const string Activity = "Checking the connection in Azure";

    private readonly AzureRestClient _arm;

    public ConnectionValidator(AzureRestClient resourceManager) => _arm = resourceManager;

    public async Task ValidateAsync(ConnectionTarget target, OperationContext context)
    {
        var token = context.CancellationToken;
        Report(context, $"Subscription {target.SubscriptionId}", 0);
        using (var subscription = await _arm.GetOrNullAsync(ArmPaths.Subscription(target.SubscriptionId), token).ConfigureAwait(false))
        {
            if (subscription is null)
            {
                throw new CISynapseException(
                    ErrorIds.SubscriptionNotFound,
                    ErrorKind.ObjectNotFound,
                    $"The subscription '{target.SubscriptionId}' was not found, or the signed-in account cannot see it.",
                    target.SubscriptionId)
                {
                    RecommendedAction = "Check the subscription id and the tenant you connected to (Get-CISynapseContext).",
                };
            }

            var state = TolerantJson.String(subscription.Root, "state");
            if (!string.Equals(state, "Enabled", StringComparison.OrdinalIgnoreCase))
            {
                throw new CISynapseException(
                    ErrorIds.SubscriptionNotEnabled,
                    ErrorKind.InvalidOperation,
                    $"The subscription '{TolerantJson.String(subscription.Root, "displayName") ?? target.SubscriptionId}' ({target.SubscriptionId}) is {state ?? "in an unknown state"}; exports need an Enabled subscription.",
                    target.SubscriptionId);
            }

            context.Log.Verbose($"Subscription {target.SubscriptionId} is Enabled.");
        }

        Report(context, $"Workspace {target.WorkspaceName}", 25);
        await RequireAsync(
            ArmPaths.Workspace(target.WorkspaceResourceId),
            new NotFound(
                ErrorIds.WorkspaceNotFound,
                target.WorkspaceName,
                $"The Synapse workspace '{target.WorkspaceName}' was not found in resource group '{target.WorkspaceResourceGroupName}' of subscription '{target.SubscriptionId}'.",
                target.WorkspaceResourceId,
                ArmPaths.Workspaces(target.SubscriptionId, target.WorkspaceResourceGroupName),
                $"workspaces in resource group '{target.WorkspaceResourceGroupName}'",
                "workspace"),
            token).ConfigureAwait(false);

        Report(context, $"Storage account {target.StorageAccountName}", 50);
        await RequireAsync(
            ArmPaths.StorageAccount(target.StorageAccountResourceId),
            new NotFound(
                ErrorIds.StorageAccountNotFound,
                target.StorageAccountName,
                $"The storage account '{target.StorageAccountName}' was not found in resource group '{target.StorageAccountResourceGroupName}' of subscription '{target.SubscriptionId}'.",
                target.StorageAccountResourceId,
                ArmPaths.StorageAccounts(target.SubscriptionId, target.StorageAccountResourceGroupName),
                $"storage accounts in resource group '{target.StorageAccountResourceGroupName}'",
                "storage account"),
            token).ConfigureAwait(false);

        Report(context, $"Container {target.Container}", 75);
        await RequireAsync(
            ArmPaths.Container(target.ContainerResourceId),
            new NotFound(
                ErrorIds.ContainerNotFound,
                target.Container,
                $"The container '{target.Container}' was not found in the storage account '{target.StorageAccountName}'.",
                target.ContainerResourceId,
                ArmPaths.Containers(target.StorageAccountResourceId),
                $"containers of the storage account '{target.StorageAccountName}'",
                "container"),
            token).ConfigureAwait(false);

        context.Progress.Report(new OperationProgress(ProgressId, Activity, "Done", 100, Completed: true));
    }

    private async Task RequireAsync(string path, NotFound notFound, CancellationToken token)
    {
        using var response = await _arm.GetOrNullAsync(path, token).ConfigureAwait(false);
        if (response is not null)
        {
            return;
        }

        var existing = await ListNamesAsync(notFound.ListPath, token).ConfigureAwait(false);
        var listed = existing is null ? $"The {notFound.Existing} could not be listed." : NameSuggestions.Describe(notFound.Name, existing, notFound.Existing);
        var nearest = existing is null ? null : NameSuggestions.Nearest(notFound.Name, existing);
        throw new CISynapseException(notFound.ErrorId, ErrorKind.ObjectNotFound, $"{notFound.Message} {listed}", notFound.ResourceId)
        {
            RecommendedAction = nearest is not null
                ? $"Use the {notFound.Kind} name '{nearest}'."
                : RecommendedActions.For(notFound.ErrorId),
        };
    }

    /// <summary>The names of a Resource Manager list, or null when the signed-in account may not list them.</summary>
    private async Task<IReadOnlyList<string>?> ListNamesAsync(string path, CancellationToken token)
    {
        try
        {
            var items = await _arm.ListAllAsync(path, token).ConfigureAwait(false);
            return items.Select(item => TolerantJson.String(item, "name")).OfType<string>().ToList();
        }
        catch (AzureRequestException)
        {
            return null;
        }
    }

    private static void Report(OperationContext context, string status, int percent)
    {
        context.Progress.Report(new OperationProgress(ProgressId, Activity, status, percent));
        context.Log.Verbose($"Checking {status}.");
    }

    /// <summary>A resource that was not found, and how to list its siblings.</summary>
    private sealed record NotFound(string ErrorId, string Name, string Message, string ResourceId, string ListPath, string Existing, string Kind);
}
