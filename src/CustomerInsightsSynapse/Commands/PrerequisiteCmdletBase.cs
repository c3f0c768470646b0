using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Commands;

/// <summary>The parameters that say what Test- and Repair-CISynapsePrerequisite look at.</summary>
public abstract class PrerequisiteCmdletBase : CISynapseCmdlet
{
    protected const string ResourcesSet = "Resources";
    protected const string ConnectionSet = "Connection";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConnectionSet)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ConnectionName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? SubscriptionId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceGroupName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? WorkspaceResourceGroupName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? WorkspaceName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[^/]+/?$")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? StorageAccountResourceId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? Container { get; set; }

    [Parameter]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? ServicePrincipalObjectId { get; set; }

    [Parameter]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? UserObjectId { get; set; }

    [Parameter]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string[] QueryUserObjectId { get; set; } = [];

    protected PrerequisiteTarget BuildTarget()
    {
        var target = ParameterSetName == ConnectionSet
            ? FromConnection(ConnectionName!)
            : new PrerequisiteTarget(SubscriptionId!, WorkspaceResourceGroupName!, WorkspaceName!, StorageAccountResourceId!.TrimEnd('/'), Container!);
        return target with
        {
            ServicePrincipalObjectId = ServicePrincipalObjectId,
            UserObjectId = UserObjectId,
            QueryUserObjectIds = QueryUserObjectId,
        };
    }

    private PrerequisiteTarget FromConnection(string name)
    {
        var store = StoreSession.Open();
        var service = new ConnectionService(store, null);
        var connection = RunAsCaller(async (caller, context) =>
        {
            return await service.GetAsync(name, caller, context.CancellationToken).ConfigureAwait(false)
                ?? throw await ConnectionService.NotFoundAsync(store, name, context.CancellationToken).ConfigureAwait(false);
        });
        var c = connection.Content;
        return new PrerequisiteTarget(c.SubscriptionId, c.WorkspaceResourceGroupName, c.WorkspaceName, c.StorageAccountResourceId, c.Container);
    }
}
