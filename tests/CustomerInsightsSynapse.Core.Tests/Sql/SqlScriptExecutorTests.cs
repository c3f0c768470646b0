using System.Net;
using System.Net.Sockets;
using Azure.Core;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using Microsoft.Data.SqlClient;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>What the executor does without a server: connection settings, the token callback, failures and cancellation.</summary>
public sealed class SqlScriptExecutorTests
{
    private const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL2RhdGFiYXNlLndpbmRvd3MubmV0LyJ9.secret-signature";

    private static readonly SqlExecutorOptions QuickOptions = new() { ConnectTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 1 };

    private static SqlScript Script(QueryAccessMode mode = QueryAccessMode.CallerIdentity) => ServerlessSqlGenerator.Generate(new SqlScriptRequest(
        "Sales",
        mode,
        FixtureEntities.Lake,
        [new LandedEntity(new CdmEntity("Orders", [new CdmAttribute("Id", "int64")], []), "Sales/Orders/1")]));

    [Fact]
    public void ConnectionStringEncryptsChecksTheCertificateAndHoldsNoSecret()
    {
        var executor = new SqlScriptExecutor(SqlEndpoint.Parse("contoso-ondemand.sql.azuresynapse.net"), new RecordingCredential(), CloudEnvironment.AzureCloud.SqlAudience);

        var builder = executor.ConnectionStringFor("Sales");

        Assert.Equal("tcp:contoso-ondemand.sql.azuresynapse.net,1433", builder.DataSource);
        Assert.Equal("Sales", builder.InitialCatalog);
        Assert.Equal(SqlConnectionEncryptOption.Mandatory, builder.Encrypt);
        Assert.False(builder.TrustServerCertificate);
        Assert.Equal(PoolBlockingPeriod.NeverBlock, builder.PoolBlockingPeriod);
        Assert.Equal(SqlAuthenticationMethod.NotSpecified, builder.Authentication);
        Assert.Empty(builder.Password);
        Assert.Empty(builder.UserID);
        Assert.False(builder.IntegratedSecurity);
        Assert.DoesNotContain("password", builder.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TokenCallbackAsksTheCredentialForTheSqlAudienceOnly()
    {
        var credential = new RecordingCredential();
        var executor = new SqlScriptExecutor(SqlEndpoint.Parse("contoso-ondemand.sql.azuresynapse.net"), credential, CloudEnvironment.AzureCloud.SqlAudience);
        await using var connection = executor.CreateConnection("Sales");

        Assert.NotNull(connection.AccessTokenCallback);
        Assert.NotNull(connection.RetryLogicProvider);
        var parameters = new SqlAuthenticationParameters(
            SqlAuthenticationMethod.NotSpecified, "tcp:contoso-ondemand.sql.azuresynapse.net,1433", "Sales", "https://evil.example/", "https://login.microsoftonline.com/tenant", null, null, Guid.NewGuid(), 30);
        var token = await connection.AccessTokenCallback!(parameters, CancellationToken.None);

        Assert.Equal(Token, token.AccessToken);
        Assert.Equal(["https://database.windows.net/.default"], Assert.Single(credential.Requests));
    }

    [Fact]
    public async Task ClosedPortGivesAConnectionErrorNamingTheEndpointAndNeverTheToken()
    {
        using var refusing = new RefusingPort();
        var port = refusing.Port;
        var executor = new SqlScriptExecutor(SqlEndpoint.Parse($"127.0.0.1,{port}"), new RecordingCredential(), CloudEnvironment.AzureCloud.SqlAudience, QuickOptions);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => executor.ExecuteAsync(Script(), OperationContext.None));

        Assert.Equal(ErrorIds.SqlConnectionFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, ex.Kind);
        Assert.Contains($"tcp:127.0.0.1,{port}", ex.Message);
        Assert.Contains("'master'", ex.Message);
        Assert.DoesNotContain(Token, ex.ToString());
        Assert.NotNull(ex.RecommendedAction);
    }

    [Fact]
    public async Task CancellationStopsAConnectionAttemptThatWouldOtherwiseWait()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptTcpClientAsync());
                }
            }
            catch (Exception)
            {
                // The listener was stopped.
            }
        });
        var executor = new SqlScriptExecutor(
            SqlEndpoint.Parse($"127.0.0.1,{port}"),
            new RecordingCredential(),
            CloudEnvironment.AzureCloud.SqlAudience,
            QuickOptions with { ConnectTimeout = TimeSpan.FromMinutes(10) });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var run = executor.ExecuteAsync(Script(), OperationContext.For(cancellation.Token));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2)));

        Assert.Same(run, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        silent.Stop();
        accepted.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task AlreadyCancelledRunSendsNothing()
    {
        var credential = new RecordingCredential();
        var executor = new SqlScriptExecutor(SqlEndpoint.Parse("127.0.0.1,1"), credential, CloudEnvironment.AzureCloud.SqlAudience, QuickOptions);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(Script(), OperationContext.For(new CancellationToken(canceled: true))));
        Assert.Empty(credential.Requests);
    }

    [Fact]
    public void MasterKeyPasswordIsSubstitutedOnlyInTheTextSentAndIsFreshEachTime()
    {
        var script = Script(QueryAccessMode.WorkspaceIdentity);
        var batch = script.Batches.Single(b => b.NeedsMasterKeyPassword);

        var first = SqlScriptExecutor.WithFreshPassword(batch);
        var second = SqlScriptExecutor.WithFreshPassword(batch);

        Assert.DoesNotContain(SqlScript.MasterKeyPasswordPlaceholder, first);
        Assert.NotEqual(first, second);
        Assert.Contains(SqlScript.MasterKeyPasswordPlaceholder, batch.Text);
        Assert.Contains(SqlScript.MasterKeyPasswordPlaceholder, script.Text);
        SqlScriptValidator.Parse(first, out var errors);
        Assert.Empty(errors);
        var password = first[(first.IndexOf("PASSWORD = N'", StringComparison.Ordinal) + 13)..first.LastIndexOf('\'')];
        Assert.Equal(40, password.Length);
        Assert.Contains(password, char.IsUpper);
        Assert.Contains(password, char.IsLower);
        Assert.Contains(password, char.IsDigit);
        Assert.Contains(password, c => !char.IsLetterOrDigit(c));
        Assert.DoesNotContain(password, c => c is '\'' or '$' or ']' or '"');
        Assert.DoesNotContain(password, script.Text);
    }

    [Fact]
    public void RetryCoversTheDocumentedTransientErrors()
    {
        Assert.Superset(new HashSet<int> { 40613, 40501, 40197, 49918, 4060, 10928, 10929 }, SqlExecutorOptions.TransientErrorNumbers.ToHashSet());
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string[]> Requests { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(requestContext.Scopes);
            }

            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
