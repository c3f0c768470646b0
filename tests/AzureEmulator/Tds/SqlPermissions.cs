using AzureEmulator.Authorization;
using AzureEmulator.State;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Tds;

/// <summary>What one login may do on the serverless SQL endpoint.</summary>
/// <param name="Login">The login's object id (from its access token).</param>
/// <param name="SysAdmin">A member of sysadmin: every statement is allowed.</param>
/// <param name="CreateAnyDatabase">May CREATE DATABASE (sysadmin, or a member of dbcreator); the creator owns the database.</param>
public sealed record SqlLoginRights(string Login, bool SysAdmin, bool CreateAnyDatabase);

/// <summary>
/// Who may run the DDL of an export on the serverless SQL endpoint, as Synapse decides it:
/// <list type="bullet">
/// <item>Synapse Administrator and Synapse SQL Administrator on the workspace, and the workspace's Microsoft Entra SQL
/// administrator, are sysadmin of the serverless pool (Learn, "Synapse RBAC roles": "Full access to serverless SQL
/// pools"; "How to set up access control for your Synapse workspace", step 7; "Microsoft Entra authentication":
/// the Entra admin is sysadmin).</item>
/// <item>Anyone else needs a login with explicit rights: CREATE DATABASE needs CREATE ANY DATABASE (dbcreator); a
/// database's owner (its creator) holds CONTROL on it, which covers CREATE MASTER KEY, CREATE DATABASE SCOPED
/// CREDENTIAL, CREATE EXTERNAL DATA SOURCE and CREATE VIEW (Learn, T-SQL reference: each statement's Permissions
/// section). Without them: error 262 "CREATE DATABASE permission denied in database 'master'." (262 for
/// CREATE DATABASE and CREATE VIEW, 15247 for the others).</item>
/// </list>
/// The emulator has one SQL endpoint for every workspace, so a right must hold on each workspace of the scenario.
/// </summary>
internal static class SqlPermissions
{
    private const string SysAdminRole = "sysadmin";
    private const string DbCreatorRole = "dbcreator";

    public static SqlLoginRights For(Scenario scenario, string login)
    {
        var identities = DirectoryLookup.Identities(scenario, login);
        var workspaces = scenario.SynapseWorkspaces;
        var sysAdmin = workspaces.Count > 0 && workspaces.All(w => IsSysAdmin(w, identities));
        var creator = sysAdmin || (workspaces.Count > 0 && workspaces.All(w => IsSysAdmin(w, identities) || HasServerRole(w, identities, DbCreatorRole)));
        return new SqlLoginRights(login, sysAdmin, creator);
    }

    private static bool IsSysAdmin(SynapseWorkspace workspace, HashSet<string> identities) =>
        workspace.RoleAssignments.Any(a => identities.Contains(a.PrincipalId)
            && (a.Scope is null || a.Scope.Trim('/').Equals($"workspaces/{workspace.Name}", StringComparison.OrdinalIgnoreCase))
            && a.RoleId is SynapseRoles.Administrator or SynapseRoles.SqlAdministrator)
        || (workspace.SqlAdministratorObjectId is { } admin && identities.Contains(admin))
        || HasServerRole(workspace, identities, SysAdminRole);

    private static bool HasServerRole(SynapseWorkspace workspace, HashSet<string> identities, string role) =>
        workspace.SqlLogins.Any(l => identities.Contains(l.PrincipalId) && l.ServerRoles.Contains(role, StringComparer.OrdinalIgnoreCase));

    /// <summary>Refuses a DDL statement the login may not run in <paramref name="database"/>; other statements pass.</summary>
    public static void Demand(TSqlStatement statement, SqlLoginRights? rights, SqlDatabase? database)
    {
        if (rights is null || rights.SysAdmin)
        {
            return;
        }

        var owner = database is not null && string.Equals(database.Owner, rights.Login, StringComparison.OrdinalIgnoreCase);
        var name = database?.Name ?? SqlCatalog.Master;
        SqlError? refusal = statement switch
        {
            CreateDatabaseStatement when !rights.CreateAnyDatabase => PermissionDenied("CREATE DATABASE", SqlCatalog.Master),
            CreateViewStatement or CreateOrAlterViewStatement or AlterViewStatement when !owner => PermissionDenied("CREATE VIEW", name),
            CreateMasterKeyStatement or CreateCredentialStatement or CreateExternalDataSourceStatement or DropExternalDataSourceStatement or DropViewStatement when !owner => NoPermission(),
            CreateExternalFileFormatStatement or DropExternalFileFormatStatement or CreateExternalTableStatement or DropExternalTableStatement when !owner => NoPermission(),
            CreateUserStatement or DropUserStatement or AlterRoleStatement or CreateRoleStatement or GrantStatement or ExecuteStatement when !owner => NoPermission(),
            _ => null,
        };
        if (refusal is not null)
        {
            throw new SqlStatementException(refusal);
        }
    }

    /// <summary>
    /// The answer to a permission probe: a SELECT whose every column is HAS_PERMS_BY_NAME(NULL, NULL, 'permission') or
    /// IS_SRVROLEMEMBER('role'); null for any other SELECT.
    /// </summary>
    public static CatalogQuery.Result? TryAnswer(SelectStatement select, SqlLoginRights? rights)
    {
        if (select.QueryExpression is not QuerySpecification { FromClause: null, WhereClause: null } query || query.SelectElements.Count == 0)
        {
            return null;
        }

        var columns = new List<ResultColumn>();
        var row = new List<object?>();
        foreach (var element in query.SelectElements)
        {
            if (element is not SelectScalarExpression { Expression: FunctionCall call } scalar || Answer(call, rights) is not { } value)
            {
                return null;
            }

            columns.Add(new ResultColumn(scalar.ColumnName?.Value ?? string.Empty, IsInteger: true));
            row.Add(value);
        }

        return new CatalogQuery.Result(columns, [row.ToArray()]);
    }

    private static int? Answer(FunctionCall call, SqlLoginRights? rights)
    {
        var arguments = call.Parameters.Select(p => (p as StringLiteral)?.Value).ToArray();
        var sysAdmin = rights is null || rights.SysAdmin;
        switch (call.FunctionName.Value.ToUpperInvariant())
        {
            case "IS_SRVROLEMEMBER" when arguments.Length == 1 && arguments[0] is { } role:
                return role.Equals(SysAdminRole, StringComparison.OrdinalIgnoreCase) ? (sysAdmin ? 1 : 0)
                    : role.Equals(DbCreatorRole, StringComparison.OrdinalIgnoreCase) ? (sysAdmin || rights!.CreateAnyDatabase ? 1 : 0)
                    : 0;
            case "HAS_PERMS_BY_NAME" when arguments.Length == 3 && call.Parameters[0] is NullLiteral && call.Parameters[1] is NullLiteral && arguments[2] is { } permission:
                return permission.ToUpperInvariant() switch
                {
                    "CREATE ANY DATABASE" => sysAdmin || rights!.CreateAnyDatabase ? 1 : 0,
                    _ => sysAdmin ? 1 : 0,
                };
            default:
                return null;
        }
    }

    private static SqlError PermissionDenied(string statement, string database) =>
        new(262, 1, 14, $"{statement} permission denied in database '{database}'.");

    private static SqlError NoPermission() => new(15247, 1, 16, "User does not have permission to perform this action.");
}
