using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Set-CISynapseConnection: changes a connection; a new workspace, storage account or container is checked in Azure first.</summary>
[Cmdlet(VerbsCommon.Set, "CISynapseConnection", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseConnection))]
public sealed class SetCISynapseConnectionCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? Revision { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DisplayName { get; set; }

    [Parameter]
    [ValidateSet(nameof(ConnectionUsableBy.Administrators), nameof(ConnectionUsableBy.AdministratorsAndContributors))]
    public string? UsableBy { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? SubscriptionId { get; set; }

    [Parameter]
    [Alias("WorkspaceId")]
    public string? WorkspaceResourceId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? WorkspaceName { get; set; }

    [Parameter]
    [Alias("WorkspaceResourceGroupName")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? ResourceGroupName { get; set; }

    [Parameter]
    [Alias("StorageAccountId")]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? StorageAccountResourceId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? StorageAccountName { get; set; }

    [Parameter]
    public string? StorageAccountResourceGroupName { get; set; }

    [Parameter]
    [ValidateNotNull]
    public PSObject? StorageAccount { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    public string? Container { get; set; }

    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        var storage = StorageAccountInput.From(StorageAccount);
        var change = new ConnectionChange(Name)
        {
            ExpectedRevision = Revision,
            DisplayName = DisplayName,
            UsableBy = UsableBy is null ? null : Enum.Parse<ConnectionUsableBy>(UsableBy, ignoreCase: true),
            Target = new ConnectionTargetInput
            {
                SubscriptionId = SubscriptionId,
                WorkspaceResourceId = WorkspaceResourceId,
                WorkspaceName = WorkspaceName,
                WorkspaceResourceGroupName = ResourceGroupName,
                StorageAccountResourceId = StorageAccountResourceId ?? storage.ResourceId,
                StorageAccountName = StorageAccountName ?? storage.Name,
                StorageAccountResourceGroupName = StorageAccountResourceGroupName ?? storage.ResourceGroupName,
                Container = Container,
            },
        };
        var store = StoreSession.Open();
        if (!ShouldProcess($"{Name} in {store.Location}", "Change connection"))
        {
            return;
        }

        var validator = SkipValidation ? null : new ConnectionValidator(StoreSession.ResourceManager());
        var service = new ConnectionService(store, validator);
        var updated = RunAsCaller((caller, context) => service.UpdateAsync(change, caller, !SkipValidation, context));
        if (PassThru)
        {
            WriteObject(new CISynapseConnection(updated, store.Location));
        }
    }
}
