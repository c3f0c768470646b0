using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>New-CISynapseConnection: saves a connection to a workspace, storage account and container, checked in Azure first.</summary>
[Cmdlet(VerbsCommon.New, "CISynapseConnection", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseConnection))]
public sealed class NewCISynapseConnectionCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DisplayName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(ConnectionUsableBy.Administrators), nameof(ConnectionUsableBy.AdministratorsAndContributors))]
    public string UsableBy { get; set; } = nameof(ConnectionUsableBy.Administrators);

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? SubscriptionId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "WorkspaceId")]
    public string? WorkspaceResourceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? WorkspaceName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("WorkspaceResourceGroupName")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? ResourceGroupName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("StorageAccountId", "DefaultDataLakeStorageAccountResourceId")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? StorageAccountResourceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DefaultDataLakeStorageAccountName")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? StorageAccountName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? StorageAccountResourceGroupName { get; set; }

    [Parameter]
    [ValidateNotNull]
    public PSObject? StorageAccount { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DefaultDataLakeStorageFilesystem")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string Container { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    protected override void ExecuteCmdlet()
    {
        var storage = StorageAccountInput.From(StorageAccount);
        var target = new ConnectionTargetInput
        {
            SubscriptionId = SubscriptionId,
            WorkspaceResourceId = WorkspaceResourceId,
            WorkspaceName = WorkspaceName,
            WorkspaceResourceGroupName = ResourceGroupName,
            StorageAccountResourceId = StorageAccountResourceId ?? storage.ResourceId,
            StorageAccountName = StorageAccountName ?? storage.Name,
            StorageAccountResourceGroupName = StorageAccountResourceGroupName ?? storage.ResourceGroupName,
            Container = Container,
        };
        var resolved = ConnectionTarget.Resolve(target);
        var store = StoreSession.Open();
        if (!ShouldProcess($"{Name} in {store.Location}", $"Create connection to workspace '{resolved.WorkspaceName}', storage account '{resolved.StorageAccountName}', container '{resolved.Container}'"))
        {
            return;
        }

        var validator = SkipValidation ? null : new ConnectionValidator(StoreSession.ResourceManager());
        var service = new ConnectionService(store, validator);
        var created = RunAsCaller((caller, context) => service.CreateAsync(new NewConnectionRequest(Name, DisplayName, Enum.Parse<ConnectionUsableBy>(UsableBy, ignoreCase: true), target), caller, !SkipValidation, context));
        WriteObject(new CISynapseConnection(created, store.Location));
    }
}
