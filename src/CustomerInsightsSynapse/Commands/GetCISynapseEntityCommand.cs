using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
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
        var patterns = (Name ?? []).Select(n => (Text: n, Pattern: new NamePattern(n), Matched: false)).ToArray();
        foreach (var entity in folder.Entities)
        {
            var selected = patterns.Length == 0;
            for (var i = 0; i < patterns.Length; i++)
            {
                if (patterns[i].Pattern.IsMatch(entity.Name))
                {
                    patterns[i].Matched = true;
                    selected = true;
                }
            }

            if (selected)
            {
                WriteObject(new CISynapseEntity(entity, folder, Detailed));
            }
        }

        foreach (var (text, pattern, matched) in patterns)
        {
            if (!matched && !pattern.HasWildcards)
            {
                WriteError(ErrorRecordFactory.Create(
                    ErrorIds.EntityNotFound,
                    ErrorKind.ObjectNotFound,
                    $"The CDM folder '{folder.DocumentPath}' has no entity named '{text}'.",
                    text));
            }
        }
    }
}
