using AzureEmulator.Tds;

namespace AzureEmulator.Tests;

/// <summary>The SQL endpoint's batch semantics without the wire: conditions, conflicts, errors, masking.</summary>
public sealed class SqlBatchInterpreterTests
{
    private const string Login = "aaaaaaaa-0000-4000-8000-000000000001";

    private readonly SqlCatalog _catalog = new();

    [Fact]
    public void CreateDatabaseWithoutConditionFailsTheSecondTimeWithError1801()
    {
        Assert.Null(Run("CREATE DATABASE [Sales] COLLATE Latin1_General_100_CI_AS_SC_UTF8;").ErrorNumber);

        var second = Run("CREATE DATABASE [sales];");

        Assert.Equal(1801, second.ErrorNumber);
        Assert.Equal(["master", "Sales"], _catalog.Read(c => c.Databases.Select(d => d.Name).ToArray()));
        Assert.Equal("Latin1_General_100_CI_AS_SC_UTF8", _catalog.Read(c => c.Database("SALES")!.Collation));
    }

    [Fact]
    public void IfDbIdIsNullCreatesOnlyWhenMissing()
    {
        var batch = "IF DB_ID(N'Sales') IS NULL\n    CREATE DATABASE [Sales] COLLATE Latin1_General_100_CI_AS_SC_UTF8;";

        Assert.Null(Run(batch).ErrorNumber);
        Assert.Null(Run(batch).ErrorNumber);

        Assert.Equal(2, _catalog.Read(c => c.Databases.Count));
    }

    [Fact]
    public void CreateViewConflictsButCreateOrAlterReplacesTheColumns()
    {
        Setup();
        Assert.Null(Run(View("CREATE VIEW", "[a] int"), "Sales").ErrorNumber);

        Assert.Equal(2714, Run(View("CREATE VIEW", "[a] int"), "Sales").ErrorNumber);
        Assert.Null(Run(View("CREATE OR ALTER VIEW", "[b] nvarchar(20), [c] decimal(10,2)"), "Sales").ErrorNumber);

        var view = _catalog.Read(c => c.Database("Sales")!.Views["dbo.E"]);
        Assert.Equal([new SqlViewColumn("b", "nvarchar(20)"), new SqlViewColumn("c", "decimal(10,2)")], view.Columns);
        Assert.Equal("Sales/E/1/*", view.Bulk);
    }

    [Fact]
    public void ViewOnAMissingDataSourceAndDataSourceWithAMissingCredentialAreRefused()
    {
        Run("CREATE DATABASE [Sales];");

        Assert.Equal(16202, Run(View("CREATE OR ALTER VIEW", "[a] int"), "Sales").ErrorNumber);
        Assert.Equal(15151, Run("CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'https://a.dfs.core.windows.net/c', CREDENTIAL = [Nope]);", "Sales").ErrorNumber);
        Assert.Empty(_catalog.Read(c => c.Database("Sales")!.Views));
        Assert.Empty(_catalog.Read(c => c.Database("Sales")!.DataSources));
    }

    [Fact]
    public void ComparisonWithNullIsUnknownSoTheIfBranchIsSkipped()
    {
        Setup();

        // The data source has no credential: credential_id is NULL, so "<> 5" is unknown, not true.
        Run("IF EXISTS (SELECT 1 FROM sys.external_data_sources AS ds WHERE ds.name = N'Lake' AND ds.credential_id <> 5) DROP EXTERNAL DATA SOURCE [Lake];", "Sales");
        Assert.Single(_catalog.Read(c => c.Database("Sales")!.DataSources));

        Run("IF EXISTS (SELECT 1 FROM sys.external_data_sources AS ds WHERE ds.name = N'LAKE' AND ISNULL(ds.credential_id, 0) <> 5) DROP EXTERNAL DATA SOURCE [Lake];", "Sales");
        Assert.Empty(_catalog.Read(c => c.Database("Sales")!.DataSources));
    }

    [Fact]
    public void UseChangesTheDatabaseAndAMissingOneIsError911()
    {
        Setup();

        Assert.Equal("Sales", Run("USE [Sales];").Database);
        var missing = Run("USE [Nope];");
        Assert.Equal(911, missing.ErrorNumber);
        Assert.Equal("master", missing.Database);
    }

    [Fact]
    public void ParseErrorsAndUnsupportedStatementsAreErrorsNotGuesses()
    {
        Setup();

        Assert.Equal(102, Run("CREATE VIEW AS", "Sales").ErrorNumber);
        Assert.Equal(40517, Run("INSERT INTO dbo.T VALUES (1);", "Sales").ErrorNumber);
        var outcomes = _catalog.Read(c => c.Batches.Select(b => (b.Outcome, b.ErrorNumber)).TakeLast(2).ToArray());
        Assert.Equal([("error", (int?)102), ("error", 40517)], outcomes);
    }

    [Fact]
    public void SecretsAreMaskedInTheRecordedBatch()
    {
        Setup();

        Run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'S3cret!pass';", "Sales");
        Run("CREATE DATABASE SCOPED CREDENTIAL [Sas] WITH IDENTITY = 'SHARED ACCESS SIGNATURE', SECRET = 'sv=2024&sig=abc';", "Sales");

        var texts = _catalog.Read(c => c.Batches.Select(b => b.Text).ToArray());
        Assert.DoesNotContain(texts, t => t.Contains("S3cret", StringComparison.Ordinal) || t.Contains("sig=abc", StringComparison.Ordinal));
        Assert.Contains("CREATE MASTER KEY ENCRYPTION BY PASSWORD = '********';", texts);
        Assert.True(_catalog.Read(c => c.Database("Sales")!.HasMasterKey));
        Assert.Equal(15578, Run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'x';", "Sales").ErrorNumber);
        Assert.Equal("SHARED ACCESS SIGNATURE", _catalog.Read(c => c.Database("Sales")!.Credentials["Sas"].Identity));
    }

    private void Setup()
    {
        Run("CREATE DATABASE [Sales];");
        Run("CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'https://a.dfs.core.windows.net/c');", "Sales");
    }

    private BatchOutcome Run(string text, string database = SqlCatalog.Master) => new SqlBatchInterpreter(_catalog).Run(text, database, Login);

    private static string View(string create, string columns) =>
        $"{create} [dbo].[E]\nAS\nSELECT *\nFROM OPENROWSET(\n    BULK 'Sales/E/1/*',\n    DATA_SOURCE = 'Lake',\n    FORMAT = 'PARQUET'\n) WITH ({columns}) AS [r];";
}
