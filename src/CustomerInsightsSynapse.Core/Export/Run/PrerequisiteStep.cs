using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>Step "prerequisites": a failed check stops the run before anything lands; unknown and warning results become warnings.</summary>
internal sealed class PrerequisiteStep(IPrerequisiteCheck check)
{
    public async Task<IReadOnlyList<string>> RunAsync(ConnectionDefinition connection, OperationContext context)
    {
        var target = new PrerequisiteTarget(connection.SubscriptionId, connection.WorkspaceResourceGroupName, connection.WorkspaceName, connection.StorageAccountResourceId, connection.Container);
        var results = await check.TestAsync(target, context).ConfigureAwait(false);
        var failed = results.Where(r => r.Status == PrerequisiteStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new CISynapseException(
                ErrorIds.PrerequisitesNotMet,
                ErrorKind.InvalidOperation,
                $"{failed.Count} prerequisite check(s) failed, so nothing was landed: " + string.Join(" ", failed.Select(f => $"[{f.CheckId}] {Describe(f.Principal)}: {f.Reason}")),
                connection.Name)
            {
                RecommendedAction = $"Run Test-CISynapsePrerequisite -ConnectionName '{connection.Name}' | Repair-CISynapsePrerequisite to apply the missing role assignments (Test-CISynapsePrerequisite alone lists the fixes), then run the export again.",
            };
        }

        return results.Where(r => r.Status is PrerequisiteStatus.Unknown or PrerequisiteStatus.Warning).Select(r => $"Prerequisite {r.CheckId} is {r.Status}: {r.Reason}").ToList();
    }

    /// <summary>The principal a check is about, by name where known: "the user Ada Lovelace (oid)".</summary>
    private static string Describe(PrerequisitePrincipal principal)
    {
        var what = principal.Kind switch
        {
            PrincipalKind.ServicePrincipal => "the Customer Insights service principal",
            PrincipalKind.User => "the user",
            PrincipalKind.WorkspaceIdentity => "the workspace's managed identity",
            PrincipalKind.QueryUser => "the query user",
            _ => "the setting",
        };
        var who = (principal.DisplayName, principal.ObjectId) switch
        {
            ({ } name, { } id) => $" {name} ({id})",
            ({ } name, null) => $" {name}",
            (null, { } id) => $" {id}",
            _ => string.Empty,
        };
        return what + who;
    }
}
