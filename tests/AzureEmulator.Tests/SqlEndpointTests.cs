using System.Text.Json.Nodes;
using Azure.Core;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.Data.SqlClient;

namespace AzureEmulator.Tests;

/// <summary>The module's own SqlScriptExecutor against the emulator's TDS endpoint: login, batches, catalog, faults.</summary>
public sealed class SqlEndpointTests
{
    private const string SqlAudience = "https://database.windows.net/";

    [Theory]
    [InlineData(QueryAccessMode.CallerIdentity)]
    [InlineData(QueryAccessMode.WorkspaceIdentity)]
    public async Task ExecutorAppliesGeneratedScriptAndCatalogMatchesIt(QueryAccessMode mode)
    {
        await using var emu = await StartAsync();
        var script = Script("SalesDb", mode);

        await Executor(emu).ExecuteAsync(script, OperationContext.None);

        // AccessTokenCallback: SqlClient asks for the token after the server's FEDAUTHINFO (the MSAL workflow).
        Assert.Equal("msal", (await emu.AdminAsync(HttpMethod.Get, "sql"))["lastFedAuthWorkflow"]!.GetValue<string>());
        var db = Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"), "SalesDb");
        Assert.Equal(ServerlessSqlGenerator.DatabaseCollation, db["collation"]!.GetValue<string>());
        var workspaceIdentity = mode == QueryAccessMode.WorkspaceIdentity;
        Assert.Equal(workspaceIdentity, db["hasMasterKey"]!.GetValue<bool>());
        Assert.Equal(workspaceIdentity ? [ServerlessSqlGenerator.CredentialName] : [], Names(db["credentials"]!));
        var dataSource = Assert.Single(db["dataSources"]!.AsArray())!;
        Assert.Equal(ServerlessSqlGenerator.DataSourceNameFor("https://lakeacct.dfs.core.windows.net/exports/SalesDb", mode), dataSource["name"]!.GetValue<string>());
        Assert.Equal("https://lakeacct.dfs.core.windows.net/exports/SalesDb", dataSource["location"]!.GetValue<string>());
        Assert.Equal(
            workspaceIdentity ? ["CISynapseReaders: REFERENCES ON DATABASE SCOPED CREDENTIAL::CISynapseWorkspaceIdentity, SELECT ON SCHEMA::dbo"] : ["CISynapseReaders: SELECT ON SCHEMA::dbo"],
            db["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>() + ": " + string.Join(", ", r["grants"]!.AsArray().Select(g => g!.GetValue<string>()))));
        Assert.Equal(workspaceIdentity ? ServerlessSqlGenerator.CredentialName : null, dataSource["credential"]?.GetValue<string>());

        var views = db["views"]!.AsArray();
        Assert.Equal(["Contact", "Order"], Names(views));
        var contact = views.Single(v => v!["name"]!.GetValue<string>() == "Contact")!;
        Assert.Equal(["ContactId varchar(300)", "Age varchar(8000)", "Created varchar(8000)"], Columns(contact));
        Assert.Equal("Contact/1/**", contact["bulk"]!.GetValue<string>());
        Assert.Equal(dataSource["name"]!.GetValue<string>(), contact["dataSource"]!.GetValue<string>());
        var order = views.Single(v => v!["name"]!.GetValue<string>() == "Order")!;
        // Parquet whose footers were not read: a GUID is read as text (no Parquet type reads as uniqueidentifier) and converted in the SELECT list.
        Assert.Equal(["OrderId varchar(8000)", "Amount decimal(38,18)"], Columns(order));

        // Every batch was recorded in the database it ran in, in order, with the master key password masked.
        var master = (await emu.AdminAsync(HttpMethod.Get, "sql/batches?database=master"))["batches"]!.AsArray();
        Assert.Equal([script.Batches[0].Text], master.Select(b => b!["text"]!.GetValue<string>()));
        var inDb = (await emu.AdminAsync(HttpMethod.Get, "sql/batches?database=SalesDb"))["batches"]!.AsArray();
        Assert.Equal(script.Batches.Count - 1, inDb.Count);
        Assert.All(inDb, b => Assert.Equal(TestEmulator.AdminUser, b!["login"]!.GetValue<string>()));
        Assert.All(inDb, b => Assert.Equal("ok", b!["outcome"]!.GetValue<string>()));
        if (workspaceIdentity)
        {
            var masterKey = inDb[0]!["text"]!.GetValue<string>();
            Assert.Contains("CREATE MASTER KEY ENCRYPTION BY PASSWORD = '********';", masterKey);
        }
    }

    [Fact]
    public async Task RunningTheScriptTwiceKeepsTheCatalogAndMovesViewsToTheNewSnapshot()
    {
        await using var emu = await StartAsync();
        var executor = Executor(emu);
        await executor.ExecuteAsync(Script("SalesDb", QueryAccessMode.WorkspaceIdentity), OperationContext.None);

        await executor.ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity, snapshot: "2"), OperationContext.None);

        var catalog = await emu.AdminAsync(HttpMethod.Get, "sql/catalog");
        Assert.Equal(["master", "SalesDb"], catalog["databases"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
        var db = Database(catalog, "SalesDb");
        // The WorkspaceIdentity data source stays (views of other runs may use it); the views moved to the caller's.
        var callerSource = ServerlessSqlGenerator.DataSourceNameFor("https://lakeacct.dfs.core.windows.net/exports/SalesDb", QueryAccessMode.CallerIdentity);
        Assert.Equal(2, db["dataSources"]!.AsArray().Count);
        Assert.Null(db["dataSources"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == callerSource)!["credential"]?.GetValue<string>());
        Assert.All(db["views"]!.AsArray(), v => Assert.EndsWith("/2/**", v!["bulk"]!.GetValue<string>()));
        Assert.All(db["views"]!.AsArray(), v => Assert.Equal(callerSource, v!["dataSource"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TransientErrorOnABatchIsRetriedAndTheRunSucceeds()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/faults", new JsonObject { ["kind"] = "transient", ["on"] = "batch", ["count"] = 2, ["match"] = "CREATE OR ALTER VIEW" });

        await Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None);

        var faults = await emu.AdminAsync(HttpMethod.Get, "sql/faults");
        Assert.Equal(2, faults["injected"]!.GetValue<int>());
        Assert.Equal(["Contact", "Order"], Names(Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"), "SalesDb")["views"]!));
        var outcomes = (await emu.AdminAsync(HttpMethod.Get, "sql/batches?database=SalesDb"))["batches"]!.AsArray()
            .Select(b => b!["outcome"]!.GetValue<string>() + (b["errorNumber"] is { } n ? " " + n.GetValue<int>() : string.Empty));
        Assert.Equal(["ok", "ok", "injected 40613", "injected 40613", "ok", "ok"], outcomes);
    }

    /// <summary>
    /// 49918 is retried by the executor's retry logic; 40613 at login is first retried by SqlClient itself
    /// (ConnectRetryCount = 1, after its ConnectRetryInterval of 10 s), as it is against Azure.
    /// </summary>
    [Theory]
    [InlineData(49918)]
    [InlineData(40613)]
    public async Task TransientErrorAtLoginIsRetried(int number)
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/faults", new JsonObject { ["kind"] = "transient", ["on"] = "login", ["count"] = 1, ["number"] = number });

        await Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None);

        Assert.Equal(1, (await emu.AdminAsync(HttpMethod.Get, "sql/faults"))["injected"]!.GetValue<int>());
        Assert.Equal(["Contact", "Order"], Names(Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"), "SalesDb")["views"]!));
    }

    [Fact]
    public async Task PermanentErrorFailsTheRunNamingTheBatchAndStopsThere()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/faults", new JsonObject
        {
            ["kind"] = "error", ["count"] = 1, ["match"] = "[dbo].[Contact]", ["number"] = 262,
            ["message"] = "CREATE VIEW permission denied in database 'SalesDb'.",
        });
        var script = Script("SalesDb", QueryAccessMode.CallerIdentity);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => Executor(emu).ExecuteAsync(script, OperationContext.None));

        Assert.Equal(ErrorIds.SqlBatchFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("create or alter view [dbo].[Contact]", ex.Target);
        Assert.Contains("'create or alter view [dbo].[Contact]' (4 of 5)", ex.Message);
        Assert.Contains("CREATE VIEW permission denied", ex.Message);
        var db = Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"), "SalesDb");
        Assert.Empty(db["views"]!.AsArray());
        Assert.Equal(1, (await emu.AdminAsync(HttpMethod.Get, "sql/faults"))["injected"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("audience")]
    [InlineData("garbage")]
    public async Task BadTokenFailsWithTheLoginFailedError(string problem)
    {
        await using var emu = await StartAsync();
        var token = problem switch
        {
            "expired" => TestEmulator.Token(TestEmulator.AdminUser, SqlAudience, TimeSpan.FromMinutes(-5)),
            "audience" => TestEmulator.Token(TestEmulator.AdminUser, "https://storage.azure.com"),
            _ => "not-a-jwt",
        };

        // The token goes to the server as it is (as one that expires between sign-in and login would).
        var executor = Executor(emu, credential: new FixedTokenCredential(token));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => executor.ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None));

        Assert.Equal(ErrorIds.SqlConnectionFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
        var sql = Assert.IsType<SqlException>(ex.InnerException);
        Assert.Equal(18456, sql.Number);
        Assert.Equal("Login failed for user '<token-identified principal>'.", sql.Message);
        Assert.Equal(0, (await emu.AdminAsync(HttpMethod.Get, "sql"))["logins"]!.GetValue<int>());
        Assert.Equal(0, (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExpiredSuppliedTokenIsReportedAsExpiredNotAsAConnectionProblem()
    {
        await using var emu = await StartAsync();
        var token = TestEmulator.Token(TestEmulator.AdminUser, SqlAudience, TimeSpan.FromMinutes(-5));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => Executor(emu, token).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None));

        Assert.Equal(ErrorIds.AccessTokenExpired, ex.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
        Assert.DoesNotContain(token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenAudienceWithoutTrailingSlashIsAccepted()
    {
        await using var emu = await StartAsync();
        var token = TestEmulator.Token(TestEmulator.AdminUser, "https://database.windows.net");

        await Executor(emu, token).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None);

        var batches = (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["batches"]!.AsArray();
        Assert.All(batches, b => Assert.Equal(TestEmulator.AdminUser, b!["login"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DroppedConnectionFailsTheBatchItHappenedOn()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/faults", new JsonObject { ["kind"] = "drop", ["count"] = 1, ["match"] = "EXTERNAL DATA SOURCE" });

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.None));

        Assert.Equal(ErrorIds.SqlBatchFailed, ex.ErrorId);
        Assert.StartsWith("create external data source [CISynapseDataLake_", (string?)ex.Target);
        var db = Database(await emu.AdminAsync(HttpMethod.Get, "sql/catalog"), "SalesDb");
        Assert.Empty(db["dataSources"]!.AsArray());
        Assert.Empty(db["views"]!.AsArray());
    }

    [Fact]
    public async Task CancellingDuringBatchLatencySendsAttentionAndTheBatchIsNotApplied()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/latency", new JsonObject { ["milliseconds"] = 20000 });
        using var cts = new CancellationTokenSource();
        var context = OperationContext.For(cts.Token);

        var run = Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), context);
        await WaitUntilAsync(async () => (await emu.AdminAsync(HttpMethod.Get, "sql"))["batchesWaiting"]!.GetValue<int>() >= 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await WaitUntilAsync(async () => (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["count"]!.GetValue<int>() >= 1);
        var batch = Assert.Single((await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["batches"]!.AsArray())!;
        Assert.Equal("cancelled", batch["outcome"]!.GetValue<string>());
        Assert.Equal(["master"], (await emu.AdminAsync(HttpMethod.Get, "sql/catalog"))["databases"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task LatencyWithAMatchHoldsOnlyTheBatchesThatContainIt()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "sql/latency", new JsonObject { ["milliseconds"] = 600000, ["match"] = "create OR alter VIEW" });
        using var cts = new CancellationTokenSource();

        var run = Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.CallerIdentity), OperationContext.For(cts.Token));
        await WaitUntilAsync(async () => (await emu.AdminAsync(HttpMethod.Get, "sql"))["batchesWaiting"]!.GetValue<int>() >= 1);
        var before = (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["batches"]!.AsArray();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.NotEmpty(before);
        Assert.All(before, b => Assert.Equal("ok", b!["outcome"]!.GetValue<string>()));
        Assert.DoesNotContain(before, b => b!["text"]!.GetValue<string>().Contains("CREATE OR ALTER VIEW", StringComparison.OrdinalIgnoreCase));
        await WaitUntilAsync(async () => (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["batches"]!.AsArray().Any(b => b!["outcome"]!.GetValue<string>() == "cancelled"));
        var cancelled = (await emu.AdminAsync(HttpMethod.Get, "sql/batches"))["batches"]!.AsArray().Single(b => b!["outcome"]!.GetValue<string>() == "cancelled")!;
        Assert.Contains("CREATE OR ALTER VIEW", cancelled["text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("create OR alter VIEW", (await emu.AdminAsync(HttpMethod.Get, "sql"))["faults"]!["latencyMatch"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkspacesAdvertiseTheEndpointAndTheExecutorParsesIt()
    {
        await using var emu = await StartAsync();

        using var response = await emu.ArmGetAsync($"{TestEmulator.RgScope}/providers/Microsoft.Synapse/workspaces/{TestEmulator.Workspace}?api-version=2021-06-01");
        var advertised = (await TestEmulator.JsonAsync(response))["properties"]!["connectivityEndpoints"]!["sqlOnDemand"]!.GetValue<string>();

        Assert.Equal($"127.0.0.1,{emu.Host.Sql!.Port}", advertised);
        Assert.Equal(new SqlEndpoint("127.0.0.1", emu.Host.Sql.Port), SqlEndpoint.Parse(advertised));
        Assert.Equal(advertised, (await emu.AdminAsync(HttpMethod.Get, "sql"))["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueriesAreAnsweredFromTheCatalog()
    {
        await using var emu = await StartAsync();
        await Executor(emu).ExecuteAsync(Script("SalesDb", QueryAccessMode.WorkspaceIdentity), OperationContext.None);
        var token = TestEmulator.Token(TestEmulator.AdminUser, SqlAudience);
        await using var connection = new SqlConnection(new SqlConnectionStringBuilder
        {
            DataSource = $"tcp:127.0.0.1,{emu.Host.Sql!.Port}",
            InitialCatalog = "SalesDb",
            Encrypt = SqlConnectionEncryptOption.Mandatory,
            Pooling = false,
        }.ConnectionString)
        { AccessToken = token };
        await connection.OpenAsync();
        Assert.Equal("securityToken", (await emu.AdminAsync(HttpMethod.Get, "sql"))["lastFedAuthWorkflow"]!.GetValue<string>());

        await using var command = new SqlCommand("SELECT DB_ID(N'SalesDb') AS id, DB_ID(N'Missing') AS missing, DB_NAME() AS current_db", connection);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetInt32(0) > 1);
            Assert.True(reader.IsDBNull(1));
            Assert.Equal("SalesDb", reader.GetString(2));
            Assert.False(await reader.ReadAsync());
        }

        command.CommandText = "SELECT name FROM sys.views WHERE name <> N'Order'";
        Assert.Equal("Contact", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT ds.location FROM sys.external_data_sources AS ds WHERE ds.credential_id = (SELECT c.credential_id FROM sys.database_scoped_credentials AS c WHERE c.name = N'CISynapseWorkspaceIdentity')";
        Assert.Equal("https://lakeacct.dfs.core.windows.net/exports/SalesDb", await command.ExecuteScalarAsync());

        command.CommandText = "USE [master]";
        await command.ExecuteNonQueryAsync();
        Assert.Equal("master", connection.Database);

        command.CommandText = "SELECT * FROM dbo.Contact";
        var error = await Assert.ThrowsAsync<SqlException>(() => command.ExecuteScalarAsync());
        Assert.Equal(208, error.Number);
    }

    private static async Task<TestEmulator> StartAsync() => await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());

    private static SqlScriptExecutor Executor(TestEmulator emu, string? token = null, TokenCredential? credential = null)
    {
        var endpoint = SqlEndpoint.Parse(emu.Host.Sql!.Endpoint);
        credential ??= new AccessTokenCredential(new Dictionary<string, string> { [SqlAudience] = token ?? TestEmulator.Token(TestEmulator.AdminUser, SqlAudience) });
        return new SqlScriptExecutor(endpoint, credential, SqlAudience, new SqlExecutorOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            MaxAttempts = 4,
        });
    }

    private static SqlScript Script(string database, QueryAccessMode mode, string snapshot = "1")
    {
        var contact = new CdmEntity(
            "Contact",
            [new CdmAttribute("ContactId", "string", MaxLength: 100), new CdmAttribute("Age", "int32"), new CdmAttribute("Created", "dateTime")],
            [new CdmPartition("https://lakeacct.blob.core.windows.net/exports/c/part.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true))]);
        var order = new CdmEntity(
            "Order",
            [new CdmAttribute("OrderId", "guid"), new CdmAttribute("Amount", "decimal")],
            [new CdmPartition("https://lakeacct.blob.core.windows.net/exports/o/part.parquet", PartitionFormat.Parquet)]);
        return ServerlessSqlGenerator.Generate(new SqlScriptRequest(
            database,
            mode,
            DataLakeContainer.ForAccount("lakeacct", "exports"),
            [new LandedEntity(contact, $"{database}/Contact/{snapshot}"), new LandedEntity(order, $"{database}/Order/{snapshot}")]));
    }

    private static JsonNode Database(JsonNode catalog, string name) =>
        catalog["databases"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == name)!;

    private static string[] Names(JsonNode array) => [.. array.AsArray().Select(n => n!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private static string[] Columns(JsonNode view) =>
        [.. view["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>() + " " + c["type"]!.GetValue<string>())];

    /// <summary>Hands out one token as it is, without looking at its expiry.</summary>
    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met within 120 seconds.");
            await Task.Delay(50);
        }
    }
}
