using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Get-CISynapseEntity: lists the entities of a CDM folder (model.json or manifest), local or in a data lake.</summary>
[Cmdlet(VerbsCommon.Get, "CISynapseEntity")]
[OutputType(typeof(CISynapseEntity))]
public sealed class GetCISynapseEntityCommand : CISynapseCmdlet
{
    /// <summary>The CDM folder: a local path, or an https URL of a blob or dfs folder, or the document itself.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName", "Url")]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = string.Empty;

    /// <summary>Entity names to return; wildcards allowed.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EntityNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Also return each entity's attributes and partitions.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ExecuteCmdlet()
    {
        var source = EntitySource.Resolve(Source, SessionState.Path);
        var reader = EntitySource.Reader(source);
        var folder = Run(context => reader.ReadAsync(source, context));
        var filter = new NameFilter(Name);
        foreach (var entity in folder.Entities.Where(e => filter.IsMatch(e.Name)))
        {
            WriteObject(new CISynapseEntity(entity, folder, Detailed));
        }

        foreach (var missing in filter.Apply(folder.Entities, e => e.Name).Missing)
        {
            WriteError(ErrorRecordFactory.Create(
                ErrorIds.EntityNotFound,
                ErrorKind.ObjectNotFound,
                $"The CDM folder '{folder.DocumentPath}' has no entity named '{missing}'.",
                missing));
        }
    }
}
