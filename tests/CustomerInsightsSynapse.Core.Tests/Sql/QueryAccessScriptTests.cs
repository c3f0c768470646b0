using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>The T-SQL that adds a query principal to the reader role and takes it out again (issue 16 item 6).</summary>
public sealed class QueryAccessScriptTests
{
    [Fact]
    public void GrantCreatesTheUserFromTheExternalProviderAndAddsItToTheRoleEachOnlyWhenMissing()
    {
        var script = QueryAccessScript.Grant("Sales", QueryAccessMode.WorkspaceIdentity, "ana@contoso.com");

        var batch = Assert.Single(script.Batches);
        Assert.Equal(SqlBatchTarget.Database, batch.Target);
        Assert.Equal(SqlBatchKind.QueryAccess, batch.Kind);
        Assert.Equal(
            "IF DATABASE_PRINCIPAL_ID(N'ana@contoso.com') IS NULL\n"
            + "    CREATE USER [ana@contoso.com] FROM EXTERNAL PROVIDER;\n"
            + "IF NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE role_principal_id = DATABASE_PRINCIPAL_ID(N'CISynapseReaders') AND member_principal_id = DATABASE_PRINCIPAL_ID(N'ana@contoso.com'))\n"
            + "    ALTER ROLE [CISynapseReaders] ADD MEMBER [ana@contoso.com];",
            batch.Text);
        Assert.Equal("Sales", script.Database);
    }

    [Fact]
    public void NoStatementUsesWithObjectIdWhichServerlessSqlDoesNotDocument()
    {
        var texts = new[]
        {
            QueryAccessScript.Grant("Sales", QueryAccessMode.CallerIdentity, "Sales analysts").Text,
            QueryAccessScript.Revoke("Sales", QueryAccessMode.CallerIdentity, "Sales analysts").Text,
        };

        Assert.All(texts, t => Assert.DoesNotContain("OBJECT_ID", t, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void RevokeDropsTheMembershipAndTheUserOnlyWhenNothingElseHoldsIt()
    {
        var batch = Assert.Single(QueryAccessScript.Revoke("Sales", QueryAccessMode.CallerIdentity, "ana@contoso.com").Batches);

        Assert.Equal(
            "IF EXISTS (SELECT 1 FROM sys.database_role_members WHERE role_principal_id = DATABASE_PRINCIPAL_ID(N'CISynapseReaders') AND member_principal_id = DATABASE_PRINCIPAL_ID(N'ana@contoso.com'))\n"
            + "    ALTER ROLE [CISynapseReaders] DROP MEMBER [ana@contoso.com];\n"
            + "IF DATABASE_PRINCIPAL_ID(N'ana@contoso.com') IS NOT NULL\n"
            + "    AND NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE member_principal_id = DATABASE_PRINCIPAL_ID(N'ana@contoso.com'))\n"
            + "    AND NOT EXISTS (SELECT 1 FROM sys.database_permissions WHERE grantee_principal_id = DATABASE_PRINCIPAL_ID(N'ana@contoso.com') AND permission_name <> N'CONNECT')\n"
            + "    DROP USER [ana@contoso.com];",
            batch.Text);
    }

    [Theory]
    [InlineData("O'Brien] ; DROP DATABASE [x")]
    [InlineData("Ops [EU] readers")]
    public void HostileNamesAreQuotedAsOneIdentifierAndOneLiteral(string name)
    {
        var grant = QueryAccessScript.Grant("Sales", QueryAccessMode.WorkspaceIdentity, name).Batches[0].Text;

        Assert.Contains("CREATE USER " + SqlQuoting.Identifier(name, "name") + " FROM EXTERNAL PROVIDER;", grant);
        Assert.Contains("DATABASE_PRINCIPAL_ID(" + SqlQuoting.Literal(name, "name") + ")", grant);
        SqlScriptValidator.Parse(grant, out var errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void ANameSqlCannotHoldIsRefusedBeforeAnyText()
    {
        var ex = Assert.Throws<CISynapseException>(() => QueryAccessScript.Grant("Sales", QueryAccessMode.WorkspaceIdentity, new string('a', 129)));

        Assert.Equal(ErrorIds.InvalidSqlIdentifier, ex.ErrorId);
    }

    [Fact]
    public void TheStateQueryReadsRoleUserTypeAndMembershipInOneRow()
    {
        var query = QueryAccessScript.StateQuery("ana@contoso.com");

        Assert.Equal(SqlBatchTarget.Database, query.Target);
        Assert.Equal(
            "SELECT DATABASE_PRINCIPAL_ID(N'CISynapseReaders') AS [RoleId],\n"
            + "    (SELECT type FROM sys.database_principals WHERE name = N'ana@contoso.com') AS [UserType],\n"
            + "    (SELECT 1 FROM sys.database_role_members WHERE role_principal_id = DATABASE_PRINCIPAL_ID(N'CISynapseReaders') AND member_principal_id = DATABASE_PRINCIPAL_ID(N'ana@contoso.com')) AS [IsMember];",
            query.Text);
        Assert.Equal(SqlBatchTarget.Master, QueryAccessScript.DatabaseIdQuery("Sales").Target);
    }

    [Fact]
    public void StateRowsMapToRoleUserAndMembership()
    {
        Assert.Equal(new QueryAccessState(false, null, false), QueryAccessScript.ReadState([[null, null, null]]));
        var member = QueryAccessScript.ReadState([[5, "E ", 1]]);
        Assert.Equal(new QueryAccessState(true, "E", true), member);
        Assert.True(member.UserExists);
        Assert.False(member.NameTakenByOther);
        Assert.False(QueryAccessScript.ReadState([[5, "X", null]]).NameTakenByOther);
        Assert.True(QueryAccessScript.ReadState([[5, "R", null]]).NameTakenByOther);
        Assert.True(QueryAccessScript.ReadState([[5, "S", null]]).NameTakenByOther);
        Assert.Throws<InvalidOperationException>(() => QueryAccessScript.ReadState([]));
    }
}
