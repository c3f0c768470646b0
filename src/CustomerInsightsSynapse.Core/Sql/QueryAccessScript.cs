using System.Text;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What the export's database says about a query principal: the reader role, the database user, the membership.</summary>
/// <param name="RoleExists">The database has the role <see cref="ServerlessSqlGenerator.ReaderRoleName"/> (a run made it).</param>
/// <param name="UserType">The type of the database principal of that name (E: Entra user or application, X: Entra group; others are not Entra principals), or null when there is none.</param>
/// <param name="IsMember">The database principal is a member of the reader role.</param>
public sealed record QueryAccessState(bool RoleExists, string? UserType, bool IsMember)
{
    public bool UserExists => UserType is not null;

    /// <summary>A principal of that name that is not a Microsoft Entra user, application or group (a role, a SQL user).</summary>
    public bool NameTakenByOther => UserType is { } type && type is not ("E" or "X");
}

/// <summary>
/// The T-SQL that adds a Microsoft Entra principal to the export's reader role and takes it out again, and the
/// queries that read the state first. The database user is made with <c>CREATE USER [name] FROM EXTERNAL PROVIDER</c>
/// (a user by UPN, a group or application by display name), the statement the serverless SQL pages document;
/// <c>WITH OBJECT_ID</c> (Learn, "Microsoft Entra logins and users with nonunique display names") applies to Azure SQL
/// Database and Managed Instance only, so it is not used and a display name must be unique in the tenant.
/// Every change is guarded by the catalog, so running a batch again changes nothing. Names are quoted by
/// <see cref="SqlQuoting"/>; every batch is parsed by <see cref="SqlScriptValidator"/>.
/// </summary>
public static class QueryAccessScript
{
    private const string What = "query principal name";

    /// <summary>In master: the database's id, null when it does not exist.</summary>
    public static SqlBatch DatabaseIdQuery(string database)
    {
        var batch = new SqlBatch("read database id", SqlBatchKind.QueryAccess, SqlBatchTarget.Master,
            "SELECT DB_ID(" + SqlQuoting.Literal(database, "database name") + ") AS [DatabaseId];");
        SqlScriptValidator.Validate(batch);
        return batch;
    }

    /// <summary>In the export's database: one row of RoleId, UserType and IsMember (see <see cref="QueryAccessState"/>).</summary>
    public static SqlBatch StateQuery(string principalName)
    {
        var role = SqlQuoting.Literal(ServerlessSqlGenerator.ReaderRoleName, "role name");
        var user = SqlQuoting.Literal(principalName, What);
        var text = new StringBuilder(400)
            .Append("SELECT DATABASE_PRINCIPAL_ID(").Append(role).Append(") AS [RoleId],\n")
            .Append("    (SELECT type FROM sys.database_principals WHERE name = ").Append(user).Append(") AS [UserType],\n")
            .Append("    (SELECT 1 FROM sys.database_role_members WHERE ").Append(Membership(role, user)).Append(") AS [IsMember];")
            .ToString();
        var batch = new SqlBatch("read query access of " + SqlQuoting.Identifier(principalName, What), SqlBatchKind.QueryAccess, SqlBatchTarget.Database, text);
        SqlScriptValidator.Validate(batch);
        return batch;
    }

    /// <summary>Reads a row of <see cref="StateQuery"/>.</summary>
    public static QueryAccessState ReadState(IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var row = rows.Count == 1 && rows[0].Length == 3 ? rows[0] : throw new InvalidOperationException("The query access state query returned no single row of three columns.");
        return new QueryAccessState(row[0] is not null, row[1] is null ? null : Convert.ToString(row[1], System.Globalization.CultureInfo.InvariantCulture)!.Trim(), row[2] is not null);
    }

    /// <summary>Creates the database user when missing and adds it to the reader role when not a member.</summary>
    public static SqlScript Grant(string database, QueryAccessMode accessMode, string principalName)
    {
        var name = SqlQuoting.Identifier(principalName, What);
        var role = SqlQuoting.Literal(ServerlessSqlGenerator.ReaderRoleName, "role name");
        var user = SqlQuoting.Literal(principalName, What);
        var text = new StringBuilder(500)
            .Append("IF DATABASE_PRINCIPAL_ID(").Append(user).Append(") IS NULL\n")
            .Append("    CREATE USER ").Append(name).Append(" FROM EXTERNAL PROVIDER;\n")
            .Append("IF NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE ").Append(Membership(role, user)).Append(")\n")
            .Append("    ALTER ROLE ").Append(SqlQuoting.Identifier(ServerlessSqlGenerator.ReaderRoleName, "role name")).Append(" ADD MEMBER ").Append(name).Append(';')
            .ToString();
        return Script(database, accessMode, new SqlBatch("add " + name + " to the reader role", SqlBatchKind.QueryAccess, SqlBatchTarget.Database, text));
    }

    /// <summary>
    /// Takes the principal out of the reader role and drops its database user when it is then a member of no role and
    /// holds no permission of its own but CONNECT (what Grant made, and nothing another grant relies on).
    /// </summary>
    public static SqlScript Revoke(string database, QueryAccessMode accessMode, string principalName)
    {
        var name = SqlQuoting.Identifier(principalName, What);
        var role = SqlQuoting.Literal(ServerlessSqlGenerator.ReaderRoleName, "role name");
        var user = SqlQuoting.Literal(principalName, What);
        var text = new StringBuilder(800)
            .Append("IF EXISTS (SELECT 1 FROM sys.database_role_members WHERE ").Append(Membership(role, user)).Append(")\n")
            .Append("    ALTER ROLE ").Append(SqlQuoting.Identifier(ServerlessSqlGenerator.ReaderRoleName, "role name")).Append(" DROP MEMBER ").Append(name).Append(";\n")
            .Append("IF DATABASE_PRINCIPAL_ID(").Append(user).Append(") IS NOT NULL\n")
            .Append("    AND NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE member_principal_id = DATABASE_PRINCIPAL_ID(").Append(user).Append("))\n")
            .Append("    AND NOT EXISTS (SELECT 1 FROM sys.database_permissions WHERE grantee_principal_id = DATABASE_PRINCIPAL_ID(").Append(user).Append(") AND permission_name <> N'CONNECT')\n")
            .Append("    DROP USER ").Append(name).Append(';')
            .ToString();
        return Script(database, accessMode, new SqlBatch("remove " + name + " from the reader role", SqlBatchKind.QueryAccess, SqlBatchTarget.Database, text));
    }

    private static string Membership(string roleLiteral, string userLiteral) =>
        "role_principal_id = DATABASE_PRINCIPAL_ID(" + roleLiteral + ") AND member_principal_id = DATABASE_PRINCIPAL_ID(" + userLiteral + ")";

    private static SqlScript Script(string database, QueryAccessMode accessMode, SqlBatch batch)
    {
        SqlScriptValidator.Validate(batch);
        return new SqlScript(database, accessMode, [batch], []);
    }
}
