using System.Management.Automation;
using CustomerInsightsSynapse.Completers;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Commands;

/// <summary>The parameters Grant- and Revoke-CISynapseExportAccess share: the export and the query principal.</summary>
public abstract class ExportAccessCmdletBase : CISynapseCmdlet
{
    protected const string ObjectIdSet = "ObjectId";
    protected const string UserSet = "UserPrincipalName";
    protected const string DisplayNameSet = "DisplayName";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string ExportName { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = UserSet, ValueFromPipelineByPropertyName = true)]
    [Alias("UPN")]
    [ValidateNotNullOrEmpty]
    public string? UserPrincipalName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ObjectIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "PrincipalId")]
    [ValidatePattern("^[0-9a-fA-F-]{36}$")]
    public string? ObjectId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DisplayNameSet)]
    [ValidateNotNullOrEmpty]
    public string? DisplayName { get; set; }

    protected QueryPrincipalName PrincipalName => ParameterSetName switch
    {
        UserSet => new QueryPrincipalName(UserPrincipalName: UserPrincipalName),
        DisplayNameSet => new QueryPrincipalName(DisplayName: DisplayName),
        _ => new QueryPrincipalName(ObjectId: ObjectId),
    };

    protected static ExportQueryAccess OpenAccess() => new(StoreSession.Open(), QueryAccessEnvironment.For(ModuleSession.Current));

    protected string Describe(QueryAccessPlan plan) =>
        $"{plan.Principal} in database '{plan.Export.DatabaseName}' of export '{plan.Export.Name}'";
}
