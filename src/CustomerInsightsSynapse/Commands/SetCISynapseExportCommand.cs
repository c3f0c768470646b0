using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Set-CISynapseExport: adds, removes or replaces entities, changes the database or display name, keeping the history.</summary>
[Cmdlet(VerbsCommon.Set, "CISynapseExport", SupportsShouldProcess = true, DefaultParameterSetName = ChangeSet)]
[OutputType(typeof(CISynapseExport))]
public sealed class SetCISynapseExportCommand : CISynapseCmdlet
{
    private const string ChangeSet = "Change";
    private const string ReplaceSet = "Replace";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? Revision { get; set; }

    [Parameter(ParameterSetName = ChangeSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ExportEntityCompleter))]
    public string[]? AddEntity { get; set; }

    [Parameter(ParameterSetName = ChangeSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ExportEntityCompleter))]
    public string[]? RemoveEntity { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ReplaceSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ExportEntityCompleter))]
    public string[]? Entity { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DisplayName { get; set; }

    [Parameter]
    [ValidateSet(nameof(LandingFormat.Csv), nameof(LandingFormat.Parquet))]
    public string? LandAs { get; set; }

    [Parameter]
    [ValidateSet(nameof(InvalidValueAction.Fail), nameof(InvalidValueAction.Null))]
    public string? InvalidValue { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ExecuteCmdlet()
    {
        var change = new ExportChange(Name)
        {
            ExpectedRevision = Revision,
            DisplayName = DisplayName,
            DatabaseName = DatabaseName,
            Entities = Entity,
            AddEntities = AddEntity,
            RemoveEntities = RemoveEntity,
            LandAs = LandAs is null ? null : Enum.Parse<LandingFormat>(LandAs, ignoreCase: true),
            InvalidValue = InvalidValue is null ? null : Enum.Parse<InvalidValueAction>(InvalidValue, ignoreCase: true),
        };
        var store = StoreSession.Open();
        if (!ShouldProcess($"{Name} in {store.Location}", "Change export: " + Describe(change)))
        {
            return;
        }

        var service = new ExportService(store, ExportEnvironment.For(ModuleSession.Current));
        var updated = RunAsCaller((caller, context) => service.UpdateAsync(change, caller, context));
        if (PassThru)
        {
            WriteObject(new CISynapseExport(updated, store.Location, detailed: true));
        }
    }

    private static string Describe(ExportChange change)
    {
        var parts = new List<string>();
        if (change.Entities is not null)
        {
            parts.Add("select " + string.Join(", ", change.Entities));
        }

        if (change.AddEntities is not null)
        {
            parts.Add("add " + string.Join(", ", change.AddEntities));
        }

        if (change.RemoveEntities is not null)
        {
            parts.Add("remove " + string.Join(", ", change.RemoveEntities));
        }

        if (change.DatabaseName is not null)
        {
            parts.Add($"feed database '{change.DatabaseName}' from now on");
        }

        if (change.DisplayName is not null)
        {
            parts.Add($"display name '{change.DisplayName}'");
        }

        if (change.LandAs is not null)
        {
            parts.Add($"land as {change.LandAs} from the next run (every entity is landed again)");
        }

        if (change.InvalidValue is not null)
        {
            parts.Add($"values that do not convert to Parquet: {change.InvalidValue}");
        }

        return parts.Count == 0 ? "nothing" : string.Join("; ", parts);
    }
}
