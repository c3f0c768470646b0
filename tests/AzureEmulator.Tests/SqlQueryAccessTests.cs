using AzureEmulator.Tds;

namespace AzureEmulator.Tests;

/// <summary>
/// WorkspaceIdentity access for logins that are not Synapse Administrator (Learn: serverless "Control storage account
/// access" — low-privileged users need REFERENCES on the database scoped credential; "CREATE USER" — Microsoft Entra
/// principals FROM EXTERNAL PROVIDER; "ALTER ROLE … ADD MEMBER"; GRANT SELECT ON SCHEMA to read the views).
/// The database is set up as the module's generator sets it up: a Managed Identity credential, a data source over it,
/// a view, and role CISynapseReaders with SELECT on the schema and REFERENCES on the credential.
/// </summary>
public sealed class SqlQueryAccessTests
{
    private const string Reader = "bbbbbbbb-0000-4000-8000-000000000044";
    private const string Stranger = "bbbbbbbb-0000-4000-8000-000000000066";
    private const string ReadersGroup = "bbbbbbbb-0000-4000-8000-000000000055";
    private const string ViewQuery = "SELECT [n] FROM [dbo].[Numbers]";
    private const string RowsetQuery = "SELECT * FROM OPENROWSET(BULK 'E/1/*', DATA_SOURCE = 'LakeMi', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH ([n] int) AS r";

    private readonly SqlQueryFixture _sql = new();

    public SqlQueryAccessTests()
    {
        _sql.File("E/1/a.csv", "5\n7\n");
        _sql.Principals["quinn@contoso.example"] = Reader;
        _sql.Principals["CI data readers"] = ReadersGroup;
        _sql.Groups[ReadersGroup] = [Reader];
        _sql.Readers.Remove(SqlQueryFixture.Caller);
        _sql.Ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!pass';");
        _sql.Ok("CREATE DATABASE SCOPED CREDENTIAL [Wsi] WITH IDENTITY = 'Managed Identity';");
        _sql.Ok("CREATE EXTERNAL DATA SOURCE [LakeMi] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports', CREDENTIAL = [Wsi]);");
        _sql.Ok("CREATE VIEW [dbo].[Numbers] AS " + RowsetQuery + ";");
        _sql.Ok("CREATE ROLE [CISynapseReaders];");
        _sql.Ok("GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];");
        _sql.Ok("EXEC(N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[Wsi] TO [CISynapseReaders];');");
    }

    private static SqlLoginRights NotAdmin(string login) => new(login, SysAdmin: false, CreateAnyDatabase: false);

    [Fact]
    public void UserFromExternalProviderInTheReaderRoleReadsTheViewAndAStrangerCannot()
    {
        _sql.Ok("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;");
        _sql.Ok("ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];");

        Assert.Equal([5, 7], _sql.Query(ViewQuery, Reader, NotAdmin(Reader)).Rows.Select(r => r[0]));
        Assert.Equal([5, 7], _sql.Query(RowsetQuery, Reader, NotAdmin(Reader)).Rows.Select(r => r[0]));
        Assert.Equal(229, _sql.Error(ViewQuery, Stranger, NotAdmin(Stranger)).Number);
        Assert.Equal(15151, _sql.Error(RowsetQuery, Stranger, NotAdmin(Stranger)).Number);
    }

    [Fact]
    public void AGroupUserGivesItsMembersTheRoleRights()
    {
        _sql.Ok("CREATE USER [CI data readers] FROM EXTERNAL PROVIDER;");
        _sql.Ok("ALTER ROLE [CISynapseReaders] ADD MEMBER [CI data readers];");

        Assert.Equal([5, 7], _sql.Query(ViewQuery, Reader, NotAdmin(Reader)).Rows.Select(r => r[0]));
    }

    [Fact]
    public void GrantsToTheUserItselfCountAsGrantsThroughARole()
    {
        _sql.Ok("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;");
        _sql.Ok("GRANT SELECT ON SCHEMA::[dbo] TO [quinn@contoso.example];");
        _sql.Ok("EXEC(N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[Wsi] TO [quinn@contoso.example];');");

        Assert.Equal([5, 7], _sql.Query(ViewQuery, Reader, NotAdmin(Reader)).Rows.Select(r => r[0]));
    }

    [Fact]
    public void AUserOutsideTheRoleHasNeitherSelectNorReferences()
    {
        _sql.Ok("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;");

        Assert.Equal(229, _sql.Error(ViewQuery, Reader, NotAdmin(Reader)).Number);
        Assert.Equal(15151, _sql.Error(RowsetQuery, Reader, NotAdmin(Reader)).Number);
    }

    [Fact]
    public void SelectOnTheSchemaWithoutReferencesOnTheCredentialCannotReadTheView()
    {
        _sql.Ok("CREATE ROLE [ViewOnly];");
        _sql.Ok("GRANT SELECT ON SCHEMA::[dbo] TO [ViewOnly];");
        _sql.Ok("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;");
        _sql.Ok("ALTER ROLE [ViewOnly] ADD MEMBER [quinn@contoso.example];");

        Assert.Equal(15151, _sql.Error(ViewQuery, Reader, NotAdmin(Reader)).Number);
    }

    [Fact]
    public void ThePrincipalMustExistInTheDirectoryAndTheMemberInTheDatabase()
    {
        Assert.Equal(33130, _sql.Run("CREATE USER [nobody@contoso.example] FROM EXTERNAL PROVIDER;").ErrorNumber);
        Assert.Equal(15151, _sql.Run("ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];").ErrorNumber);
        Assert.Equal(15151, _sql.Run("ALTER ROLE [NoSuchRole] ADD MEMBER [quinn@contoso.example];").ErrorNumber);
        _sql.Ok("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;");
        Assert.Equal(15023, _sql.Run("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;").ErrorNumber);
    }

    [Fact]
    public void OnlyTheOwnerOrAnAdministratorAddsUsersAndMembers()
    {
        _sql.Interpreter.Rights = NotAdmin(Stranger);

        Assert.Equal(15247, _sql.Run("CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;", login: Stranger).ErrorNumber);
        Assert.Equal(15247, _sql.Run("ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];", login: Stranger).ErrorNumber);
        Assert.Equal(15247, _sql.Run("EXEC(N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[Wsi] TO [CISynapseReaders];');", login: Stranger).ErrorNumber);
    }

    [Fact]
    public void UsersOtherThanFromExternalProviderAreRefusedByName()
    {
        var outcome = _sql.Run("CREATE USER [local] WITHOUT LOGIN;");

        Assert.Equal(40517, outcome.ErrorNumber);
    }

    private const string GrantQuinn =
        "IF DATABASE_PRINCIPAL_ID(N'quinn@contoso.example') IS NULL\n    CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER;\n"
        + "IF NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE role_principal_id = DATABASE_PRINCIPAL_ID(N'CISynapseReaders') AND member_principal_id = DATABASE_PRINCIPAL_ID(N'quinn@contoso.example'))\n"
        + "    ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];";

    [Fact]
    public void GuardedGrantRunsTwiceAndTheCatalogShowsTheUserAndItsMembership()
    {
        _sql.Ok(GrantQuinn);
        _sql.Ok(GrantQuinn);

        Assert.Equal([5, 7], _sql.Query(ViewQuery, Reader, NotAdmin(Reader)).Rows.Select(r => r[0]));
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'quinn@contoso.example' AND type = 'E') CREATE ROLE [SeenUser];");
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.database_role_members WHERE member_principal_id = DATABASE_PRINCIPAL_ID(N'quinn@contoso.example')) CREATE ROLE [SeenMember];");
        _sql.Ok("IF NOT EXISTS (SELECT 1 FROM sys.database_permissions WHERE grantee_principal_id = DATABASE_PRINCIPAL_ID(N'quinn@contoso.example') AND permission_name <> N'CONNECT') CREATE ROLE [NoOwnGrants];");
        var roles = _sql.Catalog.Read(c => c.Database(SqlQueryFixture.Database)!.Roles.Keys.ToList());
        Assert.Contains("SeenUser", roles);
        Assert.Contains("SeenMember", roles);
        Assert.Contains("NoOwnGrants", roles);
    }

    [Fact]
    public void AGroupIsAnExternalGroupPrincipal()
    {
        _sql.Ok("CREATE USER [CI data readers] FROM EXTERNAL PROVIDER;");
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CI data readers' AND type = 'X') CREATE ROLE [SeenGroup];");

        Assert.True(_sql.Catalog.Read(c => c.Database(SqlQueryFixture.Database)!.Roles.ContainsKey("SeenGroup")));
    }

    [Fact]
    public void DropMemberAndDropUserTakeTheRightsAway()
    {
        _sql.Ok(GrantQuinn);
        _sql.Ok("ALTER ROLE [CISynapseReaders] DROP MEMBER [quinn@contoso.example];");
        Assert.Equal(229, _sql.Error(ViewQuery, Reader, NotAdmin(Reader)).Number);

        _sql.Ok("ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];");
        _sql.Ok("DROP USER [quinn@contoso.example];");
        Assert.Equal(229, _sql.Error(ViewQuery, Reader, NotAdmin(Reader)).Number);
        Assert.Empty(_sql.Catalog.Read(c => c.Database(SqlQueryFixture.Database)!.Roles["CISynapseReaders"].Members.ToList()));
        Assert.Equal(15151, _sql.Run("DROP USER [quinn@contoso.example];").ErrorNumber);
        Assert.Equal(15151, _sql.Run("ALTER ROLE [CISynapseReaders] DROP MEMBER [quinn@contoso.example];").ErrorNumber);
    }

    [Fact]
    public void OnlyTheOwnerOrAnAdministratorDropsUsersAndMembers()
    {
        _sql.Ok(GrantQuinn);
        _sql.Interpreter.Rights = NotAdmin(Stranger);

        Assert.Equal(15247, _sql.Run("ALTER ROLE [CISynapseReaders] DROP MEMBER [quinn@contoso.example];", login: Stranger).ErrorNumber);
        Assert.Equal(15247, _sql.Run("DROP USER [quinn@contoso.example];", login: Stranger).ErrorNumber);
    }

    /// <summary>
    /// CREATE USER … WITH OBJECT_ID is documented for Azure SQL Database and Managed Instance, not for Synapse
    /// serverless SQL pools: the emulator refuses it instead of guessing.
    /// </summary>
    [Fact]
    public void CreateUserWithObjectIdIsRefused()
    {
        var outcome = _sql.Run($"CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER WITH OBJECT_ID = '{Reader}';");

        Assert.NotNull(outcome.ErrorNumber);
        Assert.True(_sql.Catalog.Read(c => c.Database(SqlQueryFixture.Database)!.Users.Count == 0));
    }
}
