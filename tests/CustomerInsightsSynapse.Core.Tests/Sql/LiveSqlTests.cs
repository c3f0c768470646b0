using Azure.Identity;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.Data.SqlClient;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>Applies generated scripts to a real serverless SQL pool, twice (idempotence), in both access modes, then drops the database.</summary>
public sealed class LiveSqlTests
{
    [LiveSqlFact]
    public Task CallerIdentityScriptAppliesTwice() => ApplyTwiceAndCheck(QueryAccessMode.CallerIdentity);

    [LiveSqlFact]
    public Task WorkspaceIdentityScriptAppliesTwice() => ApplyTwiceAndCheck(QueryAccessMode.WorkspaceIdentity);

    private static async Task ApplyTwiceAndCheck(QueryAccessMode mode)
    {
        var endpoint = SqlEndpoint.Parse(Environment.GetEnvironmentVariable(LiveSqlFactAttribute.EndpointVariable));
        var lake = DataLakeContainer.ForAccount(
            Environment.GetEnvironmentVariable(LiveSqlFactAttribute.AccountVariable)!,
            Environment.GetEnvironmentVariable(LiveSqlFactAttribute.ContainerVariable)!);
        var database = "cisynapse_live_" + Guid.NewGuid().ToString("N")[..12] + " ]'";
        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest(
            database,
            mode,
            lake,
            [
                FixtureEntities.Landed(database, FixtureEntities.Orders(PartitionFormat.Csv, new CsvFormat(HasHeader: true))),
                FixtureEntities.Landed(database, FixtureEntities.Products(PartitionFormat.Parquet)),
            ]));
        var executor = new SqlScriptExecutor(endpoint, new DefaultAzureCredential(), CloudEnvironment.AzureCloud.SqlAudience);
        try
        {
            await executor.ExecuteAsync(script, OperationContext.None);
            await executor.ExecuteAsync(script, OperationContext.None);

            await using var connection = executor.CreateConnection(database);
            await connection.OpenAsync();
            await using var views = new SqlCommand("SELECT name FROM sys.views ORDER BY name;", connection);
            var names = new List<string>();
            await using (var reader = await views.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    names.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["Orders", "Products"], names);
        }
        finally
        {
            await using var master = executor.CreateConnection("master");
            await master.OpenAsync();
            await using var drop = new SqlCommand(
                $"IF DB_ID({SqlQuoting.Literal(database, "database name")}) IS NOT NULL DROP DATABASE {SqlQuoting.Identifier(database, "database name")};",
                master);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
