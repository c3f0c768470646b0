using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseWorkspace: lists the Synapse workspaces the signed-in account can see, with their default data lake storage.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseWorkspace")]
[OutputType(typeof(CISynapseWorkspace))]
public sealed class GetCISynapseWorkspaceCommand : CISynapseCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? SubscriptionId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AzureResourceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    protected override void ExecuteCmdlet()
    {
        var filter = new NameFilter(Name);
        var finder = new WorkspaceFinder(new ResourceDiscovery(StoreSession.ResourceManager()));
        var found = Run(context => finder.FindAsync(SubscriptionId, ResourceGroupName, filter.IsMatch, context));
        foreach (var missing in filter.Apply(found, w => w.Workspace.Name).Missing)
        {
            var where = SubscriptionId is null ? "any subscription the signed-in account can see" : $"subscription '{SubscriptionId}'";
            var message = $"There is no Synapse workspace named '{missing}' in {(ResourceGroupName is null ? string.Empty : $"resource group '{ResourceGroupName}' of ")}{where}.";
            WriteError(ErrorRecordFactory.From(
                new CISynapseException(ErrorIds.WorkspaceNotFound, ErrorKind.ObjectNotFound, message, missing)
                {
                    RecommendedAction = "Run Get-CISynapseWorkspace without -Name to list the workspaces the signed-in account can see; it needs Reader on the workspace or its resource group.",
                },
                missing));
        }

        WriteObject(found.Select(w => new CISynapseWorkspace(w)), enumerateCollection: true);
    }
}
