using AzureEmulator.Tds;

namespace AzureEmulator.Tests;

/// <summary>A Lake (Spark-replicated) database: readable, but every object change is refused as serverless SQL does.</summary>
public sealed class SqlLakeDatabaseTests
{
    private readonly SqlCatalog _catalog = new();

    [Theory]
    [InlineData("CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'https://a.dfs.core.windows.net/c');", "CREATE EXTERNAL DATA SOURCE")]
    [InlineData("CREATE OR ALTER VIEW [dbo].[E] AS SELECT 1 AS [a];", "CREATE/ALTER VIEW")]
    [InlineData("IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys) CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'x';", "CREATE MASTER KEY")]
    public void ObjectChangesInALakeDatabaseAreRefusedAsForAReplicatedDatabase(string batch, string operation)
    {
        _catalog.Write(c => c.AddLakeDatabase("Spark"));

        var outcome = new SqlBatchInterpreter(_catalog).Run(batch, "Spark", "user");

        Assert.Equal(15868, outcome.ErrorNumber);
        var message = $"Operation {operation} is not allowed for a replicated database.";
        Assert.True(
            System.Text.Encoding.Unicode.GetString(outcome.Tokens).Contains(message, StringComparison.Ordinal)
            || System.Text.Encoding.Unicode.GetString(outcome.Tokens, 1, outcome.Tokens.Length - 1).Contains(message, StringComparison.Ordinal),
            message);
        Assert.Empty(_catalog.Read(c => c.Database("Spark")!.DataSources));
        Assert.Empty(_catalog.Read(c => c.Database("Spark")!.Views));
    }

    [Fact]
    public void IfDbIdIsNullSkipsTheCreateSoTheRefusalComesAtTheFirstObject()
    {
        _catalog.Write(c => c.AddLakeDatabase("Spark"));

        var outcome = new SqlBatchInterpreter(_catalog).Run("IF DB_ID(N'Spark') IS NULL\n    CREATE DATABASE [Spark];", SqlCatalog.Master, "user");

        Assert.Null(outcome.ErrorNumber);
        Assert.True(_catalog.Read(c => c.Database("Spark")!.IsReplicated));
    }
}
