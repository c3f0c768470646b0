using System.Management.Automation;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Commands;

/// <summary>The parameters that say what Test- and Repair-CISynapsePrerequisite look at.</summary>
public abstract class PrerequisiteCmdletBase : CISynapseCmdlet
{
    protected const string ResourcesSet = "Resources";

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? SubscriptionId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceGroupName")]
    [ValidateNotNullOrEmpty]
    public string? WorkspaceResourceGroupName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? WorkspaceName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[^/]+/?$")]
    public string? StorageAccountResourceId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourcesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Container { get; set; }

    [Parameter(ParameterSetName = ResourcesSet)]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? ServicePrincipalObjectId { get; set; }

    [Parameter(ParameterSetName = ResourcesSet)]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? UserObjectId { get; set; }

    [Parameter(ParameterSetName = ResourcesSet)]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string[] QueryUserObjectId { get; set; } = [];

    protected PrerequisiteTarget BuildTarget() =>
        new(SubscriptionId!, WorkspaceResourceGroupName!, WorkspaceName!, StorageAccountResourceId!.TrimEnd('/'), Container!)
        {
            ServicePrincipalObjectId = ServicePrincipalObjectId,
            UserObjectId = UserObjectId,
            QueryUserObjectIds = QueryUserObjectId,
        };
}
