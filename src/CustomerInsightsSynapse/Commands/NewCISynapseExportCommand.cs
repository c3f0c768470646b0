using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>New-CISynapseExport: saves an export (connection, display name, database name, entities); runs nothing.</summary>
[Cmdlet(VerbsCommon.New, "CISynapseExport", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseExport))]
public sealed class NewCISynapseExportCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DisplayName { get; set; }

    /// <summary>A connection name, or a connection piped from Get-CISynapseConnection.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("ConnectionName")]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Connection { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [Alias("Path", "Url")]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string DatabaseName { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EntityNameCompleter))]
    public string[] Entity { get; set; } = [];

    [Parameter]
    [ValidateSet(nameof(Core.Sql.QueryAccessMode.CallerIdentity), nameof(Core.Sql.QueryAccessMode.WorkspaceIdentity))]
    public string QueryAccessMode { get; set; } = nameof(Core.Sql.QueryAccessMode.CallerIdentity);

    [Parameter]
    [ValidateSet(nameof(Core.Sql.DeploymentMode.Apply), nameof(Core.Sql.DeploymentMode.ScriptOnly))]
    public string DeploymentMode { get; set; } = nameof(Core.Sql.DeploymentMode.Apply);

    [Parameter]
    [ValidateSet(nameof(LandingFormat.Csv), nameof(LandingFormat.Parquet))]
    public string LandAs { get; set; } = nameof(LandingFormat.Csv);

    [Parameter]
    [ValidateSet(nameof(InvalidValueAction.Fail), nameof(InvalidValueAction.Null))]
    public string InvalidValue { get; set; } = nameof(InvalidValueAction.Fail);

    protected override void ExecuteCmdlet()
    {
        var source = EntitySource.Resolve(Source, SessionState.Path);
        var store = StoreSession.Open();
        if (!ShouldProcess($"{Name} in {store.Location}", $"Create export of {string.Join(", ", Entity)} from '{source}' to database '{DatabaseName}' through connection '{Connection}'"))
        {
            return;
        }

        var service = new ExportService(store, ExportEnvironment.For(ModuleSession.Current));
        var request = new NewExportRequest(Name, DisplayName, Connection, source, DatabaseName, Entity)
        {
            QueryAccess = Enum.Parse<QueryAccessMode>(QueryAccessMode, ignoreCase: true),
            Deployment = Enum.Parse<DeploymentMode>(DeploymentMode, ignoreCase: true),
            LandAs = Enum.Parse<LandingFormat>(LandAs, ignoreCase: true),
            InvalidValue = Enum.Parse<InvalidValueAction>(InvalidValue, ignoreCase: true),
        };
        var created = RunAsCaller((caller, context) => service.CreateAsync(request, caller, context));
        WriteObject(new CISynapseExport(created, store.Location, detailed: false));
    }
}
