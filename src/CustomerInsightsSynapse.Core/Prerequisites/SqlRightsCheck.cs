using System.Globalization;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.Data.SqlClient;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>What the signed-in account may do on the workspace's serverless SQL endpoint, as master answers it.</summary>
internal sealed record SqlRights(bool IsSysAdmin, bool CanCreateDatabase);

/// <summary>
/// Whether the signed-in account may create the export's database and, as its owner, the master key, credential,
/// external data source and views in it. Probed read-only on master over SqlClient (IS_SRVROLEMEMBER('sysadmin') and
/// HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ANY DATABASE'); nothing is created). Synapse Administrators, Synapse SQL
/// Administrators and the workspace's Entra SQL administrator are sysadmin; anyone else needs a login in the dbcreator
/// role (Learn, "How to set up access control for your Synapse workspace", step 7).
/// </summary>
internal static class SqlRightsCheck
{
    public const string CheckId = CheckIds.UserSqlRights;

    /// <summary>SQL error numbers of a login the workspace firewall refuses (firewall rule missing, public access denied).</summary>
    private static readonly int[] FirewallErrors = [40615, 47073];

    internal const string ProbeQuery = "SELECT IS_SRVROLEMEMBER(N'sysadmin') AS [IsSysAdmin], HAS_PERMS_BY_NAME(NULL, NULL, N'CREATE ANY DATABASE') AS [CanCreateDatabase]";

    private const string Title = "The user may create the database and its objects in serverless SQL";
    private const string Requirement = "The signed-in account creates the export's database (CREATE DATABASE in master) and, as its owner, the master key, database scoped credential, external data source and views: it must be sysadmin of the serverless SQL pool (Synapse Administrator, Synapse SQL Administrator or the workspace's Microsoft Entra SQL administrator) or a login in the dbcreator role.";

    /// <summary>Opens a connection to master with the module's credential and asks what the account may do.</summary>
    public static async Task<SqlRights> ProbeAsync(SqlScriptExecutor executor, CancellationToken ct)
    {
        await using var connection = executor.CreateConnection("master");
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new SqlCommand(ProbeQuery, connection) { CommandTimeout = 30 };
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The permission query returned no row.");
        }

        return new SqlRights(IsOne(reader, 0), IsOne(reader, 1));
    }

    private static bool IsOne(SqlDataReader reader, int column) =>
        !reader.IsDBNull(column) && Convert.ToInt32(reader.GetValue(column), CultureInfo.InvariantCulture) == 1;

    /// <summary>Runs the probe, turning a failure into the reason (and the SQL error number as the code).</summary>
    public static async Task<Outcome<SqlRights>> TryProbeAsync(Func<CancellationToken, Task<SqlRights>> probe, CancellationToken ct)
    {
        try
        {
            return Outcome<SqlRights>.Of(await probe(ct).ConfigureAwait(false));
        }
        catch (SqlException ex)
        {
            return Outcome<SqlRights>.Failed(ex.Message, null, ex.Number.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is InvalidOperationException or CISynapseException or global::Azure.Identity.AuthenticationFailedException or global::Azure.Identity.CredentialUnavailableException)
        {
            return Outcome<SqlRights>.Failed(ex.Message);
        }
    }

    public static PrerequisiteResult Evaluate(PrerequisiteTarget target, PrerequisitePrincipal user, string? endpoint, Outcome<SqlRights>? probe, Uri? synapseEndpoint)
    {
        var scope = $"{target.WorkspaceResourceId}/sqlPools/Built-in";
        if (target.UserObjectId is not null)
        {
            return Result(user, scope, PrerequisiteStatus.Unknown,
                "Could not be decided: the SQL rights are probed with the signed-in account's own token, and -UserObjectId names the user instead.",
                "Sign in as that user and run Test-CISynapsePrerequisite without -UserObjectId.", null);
        }

        if (endpoint is null || probe is null)
        {
            return Result(user, scope, PrerequisiteStatus.Unknown, "Could not be decided: the workspace reports no serverless SQL endpoint (connectivityEndpoints.sqlOnDemand), or it could not be read.",
                "Check that the signed-in account can read the workspace, and run the test again.", null);
        }

        if (!probe.Succeeded)
        {
            var firewall = probe.Code is { } code && FirewallErrors.Any(n => n.ToString(CultureInfo.InvariantCulture) == code);
            return Result(user, scope, PrerequisiteStatus.Unknown,
                $"Could not be decided: could not query master on '{endpoint}': {probe.Error}",
                firewall
                    ? $"Let this computer through the workspace firewall first (see {WorkspaceNetworkCheck.CheckId}); then run the test again."
                    : "Check that this computer reaches the serverless SQL endpoint (TCP 1433) and that the signed-in account has a token for it; then run the test again.",
                null);
        }

        var rights = probe.Value!;
        if (rights.IsSysAdmin)
        {
            return Result(user, scope, PrerequisiteStatus.Passed, "The signed-in account is sysadmin of the serverless SQL pool.", string.Empty, null);
        }

        if (rights.CanCreateDatabase)
        {
            return Result(user, scope, PrerequisiteStatus.Passed, "The signed-in account may create databases (CREATE ANY DATABASE) and owns what it creates.", string.Empty, null);
        }

        var who = user.ObjectId ?? "<your object id>";
        return Result(user, scope, PrerequisiteStatus.Failed,
            $"The signed-in account may not create databases on '{endpoint}': it is not sysadmin and lacks CREATE ANY DATABASE, so the export's CREATE DATABASE fails with error 262.",
            $"Ask a Synapse Administrator of '{target.WorkspaceName}' for the Synapse SQL Administrator role: New-AzSynapseRoleAssignment -WorkspaceName '{target.WorkspaceName}' -RoleDefinitionId '{WellKnownRoles.SynapseSqlAdministrator}' -ObjectId '{who}'; or have a SQL administrator run in master: CREATE LOGIN [<your sign-in name>] FROM EXTERNAL PROVIDER; ALTER SERVER ROLE dbcreator ADD MEMBER [<your sign-in name>]; (Repair-CISynapsePrerequisite can make the role assignment).",
            user.ObjectId is null || synapseEndpoint is null
                ? null
                : new RepairAction(RepairKind.SynapseRoleAssignment, $"workspaces/{target.WorkspaceName}", WellKnownRoles.SynapseSqlAdministrator, "Synapse SQL Administrator", user.ObjectId, user.AzurePrincipalType, synapseEndpoint));
    }

    private static PrerequisiteResult Result(PrerequisitePrincipal user, string scope, PrerequisiteStatus status, string reason, string remediation, RepairAction? repair) =>
        new(CheckId, Title, user, scope, Requirement, status, reason, remediation, repair);
}
