using AzureEmulator.State;
using Microsoft.Data.SqlClient;

namespace AzureEmulator.Tests;

/// <summary>
/// The workspace firewall on the dev and SQL endpoints, and who may run DDL on the serverless SQL endpoint, as Azure
/// decides them (issue 18).
/// </summary>
public sealed class WorkspaceFirewallTests
{
    private const string SqlAudience = "https://database.windows.net/";
    private const string DevAudience = "https://dev.azuresynapse.net";
    private static readonly string RoleAssignmentsPath = $"/synapse/{TestEmulator.Workspace}/roleAssignments?api-version=2020-12-01";

    private static Scenario Without127(Action<SynapseWorkspace>? change = null)
    {
        var scenario = TestEmulator.BaseScenario();
        var workspace = scenario.SynapseWorkspaces[0];
        workspace.FirewallRules.RemoveAll(r => r.Name != "AllowAllWindowsAzureIps");
        change?.Invoke(workspace);
        return scenario;
    }

    [Fact]
    public async Task The_dev_endpoint_admits_a_client_a_rule_covers_and_refuses_others_with_ClientIpAddressNotAuthorized()
    {
        await using (var admitted = await TestEmulator.StartAsync())
        {
            using var ok = await admitted.SendAsync(HttpMethod.Get, RoleAssignmentsPath, TestEmulator.Token(TestEmulator.AdminUser, DevAudience));
            Assert.Equal(200, (int)ok.StatusCode);
        }

        // AllowAllWindowsAzureIps (0.0.0.0) admits Azure services only; a range covering 127.0.0.1 admits this client.
        await using (var ranged = await TestEmulator.StartAsync(Without127(w => w.FirewallRules.Add(new FirewallRule { Name = "lab", StartIpAddress = "127.0.0.0", EndIpAddress = "127.255.255.255" }))))
        {
            using var ok = await ranged.SendAsync(HttpMethod.Get, RoleAssignmentsPath, TestEmulator.Token(TestEmulator.AdminUser, DevAudience));
            Assert.Equal(200, (int)ok.StatusCode);
        }

        await using var emu = await TestEmulator.StartAsync(Without127());
        using var refused = await emu.SendAsync(HttpMethod.Get, RoleAssignmentsPath, TestEmulator.Token(TestEmulator.AdminUser, DevAudience));
        Assert.Equal(403, (int)refused.StatusCode);
        var error = (await TestEmulator.JsonAsync(refused))["error"]!;
        Assert.Equal("ClientIpAddressNotAuthorized", error["code"]!.GetValue<string>());
        Assert.Equal("Client Ip address : 127.0.0.1", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_dev_endpoint_refuses_everyone_when_public_network_access_is_disabled()
    {
        await using var emu = await TestEmulator.StartAsync(Without127(w =>
        {
            w.PublicNetworkAccess = "Disabled";
            w.FirewallRules.Add(new FirewallRule { Name = "everyone", StartIpAddress = "0.0.0.0", EndIpAddress = "255.255.255.255" });
        }));

        using var refused = await emu.SendAsync(HttpMethod.Get, RoleAssignmentsPath, TestEmulator.Token(TestEmulator.AdminUser, DevAudience));

        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Equal("PublicNetworkAccessDisabled", (await TestEmulator.JsonAsync(refused))["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, 40615, "Cannot open server 'ws-test' requested by the login. Client with IP address '127.0.0.1' is not allowed to access the server.")]
    [InlineData(true, 47073, "Connection was denied since Deny Public Network Access is set to Yes")]
    public async Task The_SQL_endpoint_refuses_the_login_of_a_client_the_firewall_does_not_admit(bool disabled, int number, string message)
    {
        await using var emu = await TestEmulator.StartAsync(Without127(w => w.PublicNetworkAccess = disabled ? "Disabled" : "Enabled"), certificate: TrustedTestCertificate.Create());

        await using var connection = Connection(emu, TestEmulator.AdminUser);
        var error = await Assert.ThrowsAsync<SqlException>(() => connection.OpenAsync());

        Assert.Equal(number, error.Number);
        Assert.Contains(message, error.Message);
        Assert.Equal(0, emu.Host.Sql!.Logins);
    }

    [Fact]
    public async Task Only_a_sysadmin_or_a_dbcreator_may_create_a_database_and_only_its_owner_may_build_in_it()
    {
        var scenario = TestEmulator.BaseScenario();
        await using var emu = await TestEmulator.StartAsync(scenario, certificate: TrustedTestCertificate.Create());

        // The user holds no Synapse role and has no login with server roles.
        await using (var user = Connection(emu, TestEmulator.User))
        {
            await user.OpenAsync();
            Assert.Equal((0, 0), await ProbeAsync(user));
            var denied = await Assert.ThrowsAsync<SqlException>(() => RunAsync(user, "CREATE DATABASE [UserDb]"));
            Assert.Equal(262, denied.Number);
            Assert.Equal("CREATE DATABASE permission denied in database 'master'.", denied.Message);
        }

        // The Synapse Administrator is sysadmin: it creates a database, which the user may not build in.
        await using (var admin = Connection(emu, TestEmulator.AdminUser))
        {
            await admin.OpenAsync();
            Assert.Equal((1, 1), await ProbeAsync(admin));
            await RunAsync(admin, "CREATE DATABASE [AdminDb]");
        }

        await using (var user = Connection(emu, TestEmulator.User, "AdminDb"))
        {
            await user.OpenAsync();
            var view = await Assert.ThrowsAsync<SqlException>(() => RunAsync(user, "CREATE OR ALTER VIEW [dbo].[V] AS SELECT 1 AS [x]"));
            Assert.Equal(262, view.Number);
            Assert.Equal("CREATE VIEW permission denied in database 'AdminDb'.", view.Message);
            var source = await Assert.ThrowsAsync<SqlException>(() => RunAsync(user, "CREATE EXTERNAL DATA SOURCE [S] WITH (LOCATION = 'https://lakeacct.dfs.core.windows.net/exports')"));
            Assert.Equal(15247, source.Number);
        }

        // A login in dbcreator may create a database, and owns it.
        emu.Host.Context.State.Write(s =>
        {
            s.SynapseWorkspaces[0].SqlLogins.Add(new SqlServerLogin { PrincipalId = TestEmulator.User, ServerRoles = ["dbcreator"] });
            return 0;
        });
        await using (var creator = Connection(emu, TestEmulator.User))
        {
            await creator.OpenAsync();
            Assert.Equal((0, 1), await ProbeAsync(creator));
            await RunAsync(creator, "CREATE DATABASE [UserDb]");
        }

        await using (var owner = Connection(emu, TestEmulator.User, "UserDb"))
        {
            await owner.OpenAsync();
            await RunAsync(owner, "CREATE EXTERNAL DATA SOURCE [S] WITH (LOCATION = 'https://lakeacct.dfs.core.windows.net/exports')");
            await RunAsync(owner, "CREATE OR ALTER VIEW [dbo].[V] AS SELECT 1 AS [x]");
        }
    }

    private static SqlConnection Connection(TestEmulator emu, string oid, string database = "master") =>
        new(new SqlConnectionStringBuilder
        {
            DataSource = $"tcp:127.0.0.1,{emu.Host.Sql!.Port}",
            InitialCatalog = database,
            Encrypt = SqlConnectionEncryptOption.Mandatory,
            Pooling = false,
            ConnectRetryCount = 0,
        }.ConnectionString)
        { AccessToken = TestEmulator.Token(oid, SqlAudience) };

    private static async Task RunAsync(SqlConnection connection, string text)
    {
        await using var command = new SqlCommand(text, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int SysAdmin, int CreateAnyDatabase)> ProbeAsync(SqlConnection connection)
    {
        await using var command = new SqlCommand("SELECT IS_SRVROLEMEMBER(N'sysadmin') AS [IsSysAdmin], HAS_PERMS_BY_NAME(NULL, NULL, N'CREATE ANY DATABASE') AS [CanCreateDatabase]", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
