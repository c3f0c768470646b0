using System.Buffers.Binary;
using AzureEmulator.Sql;
using AzureEmulator.Tds;
using DuckDB.NET.Data;
using Parquet.Serialization;

namespace AzureEmulator.Tests;

/// <summary>
/// CREATE EXTERNAL FILE FORMAT, CREATE EXTERNAL TABLE AS SELECT and DROP EXTERNAL TABLE / FILE FORMAT on the emulator,
/// in the shape the module sends (Learn: "CETAS with Synapse SQL", "CREATE EXTERNAL TABLE AS SELECT"). The written
/// files are read back by DuckDB, by Parquet.Net and by the emulator's own OPENROWSET.
/// </summary>
public sealed class CetasTests : IDisposable
{
    private const string Format = "IF NOT EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = N'CISynapseParquet')\n"
        + "    CREATE EXTERNAL FILE FORMAT [CISynapseParquet] WITH (FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');";

    private const string Csv = "Name,Tiny,Small,Count,Id,Ratio,Score,Amount,Active,Key,Birthday,Created,Seen,Opens\n"
        + "Ann,200,-12,42,9000000000,0.125,1.5,1234.5678,1,00000000-0000-4000-8000-000000000001,1990-04-01,2026-11-29T06:46:00.1234567Z,2026-11-29T08:46:00.1234567+02:00,08:30:15.1234567\n"
        + ",,,,,,,,,,,,,\n";

    // The typed projection of the module's views, with uniqueidentifier and datetimeoffset written as text.
    private const string Projection = """
        SELECT
            [r].[Name] AS [Name],
            TRY_CONVERT(tinyint, NULLIF([r].[Tiny], '')) AS [Tiny],
            TRY_CONVERT(smallint, NULLIF([r].[Small], '')) AS [Small],
            TRY_CONVERT(int, NULLIF([r].[Count], '')) AS [Count],
            TRY_CONVERT(bigint, NULLIF([r].[Id], '')) AS [Id],
            TRY_CONVERT(float, NULLIF([r].[Ratio], '')) AS [Ratio],
            TRY_CONVERT(real, NULLIF([r].[Score], '')) AS [Score],
            TRY_CONVERT(decimal(19,4), NULLIF([r].[Amount], '')) AS [Amount],
            TRY_CONVERT(bit, NULLIF([r].[Active], '')) AS [Active],
            CONVERT(varchar(36), TRY_CONVERT(uniqueidentifier, NULLIF([r].[Key], ''))) AS [Key],
            TRY_CONVERT(date, NULLIF([r].[Birthday], ''), 126) AS [Birthday],
            CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([r].[Created], ''), 127), '+00:00')) AS [Created],
            CONVERT(varchar(34), TRY_CONVERT(datetimeoffset(7), NULLIF([r].[Seen], ''), 127), 127) AS [Seen],
            TRY_CONVERT(time(7), NULLIF([r].[Opens], ''), 126) AS [Opens]
        FROM OPENROWSET(BULK N'_staging/run1/Typed/**', DATA_SOURCE = N'CISynapseDataLake_1', FORMAT = 'CSV', PARSER_VERSION = '2.0', HEADER_ROW = TRUE)
        WITH ([Name] varchar(300), [Tiny] varchar(8000), [Small] varchar(8000), [Count] varchar(8000), [Id] varchar(8000), [Ratio] varchar(8000),
              [Score] varchar(8000), [Amount] varchar(8000), [Active] varchar(8000), [Key] varchar(8000), [Birthday] varchar(8000),
              [Created] varchar(8000), [Seen] varchar(8000), [Opens] varchar(8000)) AS [r]
        """;

    private static readonly object?[] FirstRow =
    [
        "Ann", (byte)200, (short)-12, 42, 9_000_000_000L, 0.125d, 1.5f, 1234.5678m, true, "00000000-0000-4000-8000-000000000001",
        new DateTime(1990, 4, 1), new DateTime(2026, 11, 29, 6, 46, 0).AddTicks(1_234_567), "2026-11-29T08:46:00.1234567+02:00",
        new TimeSpan(0, 8, 30, 15).Add(TimeSpan.FromTicks(1_234_567)),
    ];

    private readonly SqlQueryFixture _sql = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("cetas-").FullName;

    public CetasTests()
    {
        _sql.Administrators.Add(SqlQueryFixture.Caller);
        _sql.Ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'p@ss-w0rd-Long';");
        _sql.Ok("CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';");
        _sql.Ok("CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_1] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports/Sales', CREDENTIAL = [CISynapseWorkspaceIdentity]);");
        _sql.File("Sales/_staging/run1/Typed/part-0.csv", Csv);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task CetasWritesEveryProjectedTypeAsParquetThatReadsBackExactly()
    {
        _sql.Ok(Format);

        var outcome = _sql.Run(Cetas("Typed", "Typed/20261129T064600Z/"));

        Assert.Null(outcome.ErrorNumber);
        Assert.Equal(2, RowsAffected(outcome));
        var file = Assert.Single(_sql.Files.Names("Sales/Typed/20261129T064600Z/"));
        Assert.Matches(@"^Sales/Typed/20261129T064600Z/[0-9a-f-]{36}_1\.parquet$", file);

        // The emulator's own OPENROWSET, by the documented Parquet → SQL type map.
        var (columns, rows) = _sql.Query("SELECT * FROM OPENROWSET(BULK N'Sales/Typed/20261129T064600Z/', DATA_SOURCE = N'Lake', FORMAT = 'PARQUET') AS [r]");
        Assert.Equal(
            ["varchar", "tinyint", "smallint", "int", "bigint", "float", "real", "decimal", "bit", "varchar", "date", "datetime2", "varchar", "time"],
            columns.Select(c => c.Type.Kind.ToString().ToLowerInvariant()));
        Assert.Equal(FirstRow, rows[0]);
        Assert.All(rows[1], Assert.Null);

        // Parquet.Net, untyped.
        var parquet = await ParquetSerializer.DeserializeUntypedAsync(new MemoryStream(_sql.Files.Bytes(file)));
        Assert.Equal(2, parquet.Data.Count);
        Assert.Equal(1234.5678m, parquet.Data[0]["Amount"]);
        Assert.Equal(9_000_000_000L, parquet.Data[0]["Id"]);

        // DuckDB: the Parquet types and every value as DuckDB's text.
        var path = Path.Combine(_scratch, "typed.parquet");
        File.WriteAllBytes(path, _sql.Files.Bytes(file));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Assert.Equal(
            [
                "Name VARCHAR", "Tiny UTINYINT", "Small SMALLINT", "Count INTEGER", "Id BIGINT", "Ratio DOUBLE", "Score FLOAT", "Amount DECIMAL(19,4)",
                "Active BOOLEAN", "Key VARCHAR", "Birthday DATE", "Created TIMESTAMP WITH TIME ZONE", "Seen VARCHAR", "Opens TIME_NS",
            ],
            Duck(duck, $"SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))").Select(r => r[0]));
        // DuckDB holds a timestamp with time zone in microseconds: the instant is compared as such, whatever DuckDB's zone.
        var names = "Name,Tiny,Small,Count,Id,Ratio,Score,Amount,Active,Key,Birthday,Created,Seen,Opens".Split(',');
        var text = Duck(duck, $"SELECT {string.Join(", ", names.Select(n => n == "Created" ? "CAST(epoch_us(Created) AS VARCHAR)" : $"CAST(\"{n}\" AS VARCHAR)"))} FROM read_parquet('{path}')");
        Assert.Equal(
            "Ann|200|-12|42|9000000000|0.125|1.5|1234.5678|true|00000000-0000-4000-8000-000000000001|1990-04-01|"
            + "1795934760123456|2026-11-29T08:46:00.1234567+02:00|08:30:15.1234567",
            string.Join('|', text[0]));
        Assert.All(text[1], Assert.Null);
    }

    // develop-tables-cetas / CREATE EXTERNAL TABLE AS SELECT: serverless creates external tables in a user database, never master.
    [Fact]
    public void CetasInMasterIsRefused()
    {
        var outcome = _sql.Run(Format + "\n" + Cetas("Typed", "Typed/a/"), database: "master");

        Assert.Equal(CetasErrors.EmulatorNumber, outcome.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
    }

    // Azure refuses CETAS through a blob-endpoint data source (Msg 16539, as reported by Red Gate); path-style and dfs are fine.
    [Fact]
    public void CetasThroughABlobEndpointDataSourceIsRefused()
    {
        _sql.Ok(Format);
        _sql.Ok("CREATE EXTERNAL DATA SOURCE [BlobLake] WITH (LOCATION = N'https://lakeacct.blob.core.windows.net/exports/Sales', CREDENTIAL = [CISynapseWorkspaceIdentity]);");

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/", dataSource: "BlobLake"));

        Assert.Equal(CetasErrors.BlobEndpointNumber, outcome.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
        Assert.Empty(Database.ExternalTables);
    }

    [Fact]
    public void CetasNeedsAnExistingDataSourceAndFileFormat()
    {
        var noFormat = _sql.Run(Cetas("Typed", "Typed/a/"));
        _sql.Ok(Format);
        var noSource = _sql.Run(Cetas("Typed", "Typed/a/", dataSource: "Missing"));

        Assert.Equal(15151, noFormat.ErrorNumber);
        Assert.Equal(16202, noSource.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
    }

    [Fact]
    public void CetasIntoAFolderThatHoldsFilesIsRefused()
    {
        _sql.Ok(Format);
        _sql.File("Sales/Typed/a/earlier.parquet", "x");

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/"));

        Assert.Equal(CetasErrors.LocationExistsNumber, outcome.ErrorNumber);
        Assert.Equal(["Sales/Typed/a/earlier.parquet"], _sql.Files.Names("Sales/Typed/"));
        Assert.Empty(Database.ExternalTables);
    }

    [Fact]
    public void AnExistingExternalTableNameIsRefusedAndDropKeepsTheFiles()
    {
        _sql.Ok(Format);
        _sql.Ok(Cetas("Typed", "Typed/a/"));
        var written = _sql.Files.Names("Sales/Typed/a/");

        var again = _sql.Run(Cetas("Typed", "Typed/b/"));
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.external_tables WHERE name = N'CISynapseConvert_Typed_r1' AND location = N'Typed/a/') CREATE ROLE [listed];");
        _sql.Ok("DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_r1];");
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.external_tables) CREATE ROLE [listedAfterDrop];");
        var dropAgain = _sql.Run("DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_r1];");

        Assert.Equal(2714, again.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/b/"));
        Assert.Contains("listed", Database.Roles.Keys);
        Assert.DoesNotContain("listedAfterDrop", Database.Roles.Keys);
        Assert.Equal(15151, dropAgain.ErrorNumber);
        Assert.Single(written);
        Assert.Equal(written, _sql.Files.Names("Sales/Typed/a/"));
        _sql.Ok(Cetas("Typed", "Typed/b/"));
    }

    // The identity writing is the credential's (the workspace managed identity) or, without one, the caller; it needs a blob write role.
    [Fact]
    public void TheWritingIdentityNeedsABlobWriteRole()
    {
        _sql.Ok(Format);
        _sql.Ok("CREATE EXTERNAL DATA SOURCE [CallerLake] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports/Sales');");
        _sql.Writers.Remove(SqlQueryFixture.WorkspaceIdentity);

        var throughIdentity = _sql.Run(Cetas("Typed", "Typed/a/"));
        var throughCaller = _sql.Run(Cetas("Typed", "Typed/b/", dataSource: "CallerLake"));
        _sql.Writers.Remove(SqlQueryFixture.Caller);
        var callerDenied = _sql.Run(Cetas("Other", "Typed/c/", dataSource: "CallerLake"));

        Assert.Equal(CetasErrors.EmulatorNumber, throughIdentity.ErrorNumber);
        Assert.Null(throughCaller.ErrorNumber);
        Assert.Equal(CetasErrors.EmulatorNumber, callerDenied.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/a/"));
        Assert.Single(_sql.Files.Names("Sales/Typed/b/"));
        Assert.Empty(_sql.Files.Names("Sales/Typed/c/"));
    }

    [Fact]
    public void CetasWithoutOwnershipOrSysadminIsDenied()
    {
        _sql.Ok(Format);
        _sql.Interpreter.Rights = new SqlLoginRights(SqlQueryFixture.Caller, SysAdmin: false, CreateAnyDatabase: false);

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/"));

        Assert.Equal(15247, outcome.ErrorNumber);
    }

    // develop-tables-cetas: "LOBs larger than 1MB can't be used with CETAS."
    [Fact]
    public void AValueOverOneMegabyteIsRefusedAndNothingIsWritten()
    {
        _sql.Ok(Format);
        _sql.File("Sales/_staging/lob/part-0.csv", "small\n" + new string('x', (1024 * 1024) + 1) + "\n");
        const string Select = "SELECT [r].[Big] AS [Big] FROM OPENROWSET(BULK N'_staging/lob/*', DATA_SOURCE = N'CISynapseDataLake_1', FORMAT = 'CSV', PARSER_VERSION = '1.0') WITH ([Big] varchar(max)) AS [r]";

        var outcome = _sql.Run(Cetas("Lob", "Lob/a/", Select));

        Assert.Equal(CetasErrors.EmulatorNumber, outcome.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Lob/"));
        Assert.Empty(Database.ExternalTables);
    }

    // develop-tables-cetas lists uniqueidentifier and datetimeoffset, but not how they are encoded in Parquet: refused.
    [Theory]
    [InlineData("TRY_CONVERT(uniqueidentifier, NULLIF([r].[Key], ''))", "uniqueidentifier")]
    [InlineData("TRY_CONVERT(datetimeoffset(7), NULLIF([r].[Seen], ''), 127)", "datetimeoffset(7)")]
    public void ATypeWithoutADocumentedParquetEncodingIsRefused(string expression, string type)
    {
        _sql.Ok(Format);
        var select = Projection.Replace("[r].[Name] AS [Name],", $"{expression} AS [Undocumented],", StringComparison.Ordinal);

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/", select));

        Assert.Equal(CetasErrors.EmulatorNumber, outcome.ErrorNumber);
        Assert.Contains($"'Undocumented' of type {type}", Message(outcome), StringComparison.Ordinal);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
    }

    [Theory]
    [InlineData("[r].[Name] AS [Name],", "ISNULL([r].[Name], ''),", 1038)]
    [InlineData("AS [Tiny]", "AS [Name]", 2705)]
    public void EveryColumnNeedsADistinctName(string find, string replacement, int number)
    {
        _sql.Ok(Format);

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/", Projection.Replace(find, replacement, StringComparison.Ordinal)));

        Assert.Equal(number, outcome.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
    }

    [Fact]
    public void AFailingSelectLeavesNoFilesAndNoTable()
    {
        _sql.Ok(Format);
        var select = Projection.Replace("[r].[Name] AS [Name],", "CONVERT(int, [r].[Name]) AS [Name],", StringComparison.Ordinal);

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/", select));

        Assert.Equal(245, outcome.ErrorNumber);
        Assert.Empty(_sql.Files.Names("Sales/Typed/"));
        Assert.Empty(Database.ExternalTables);
    }

    [Fact]
    public void AnEmptyResultWritesOneFileWithTheSchemaAndNoRows()
    {
        _sql.Ok(Format);

        var outcome = _sql.Run(Cetas("Typed", "Typed/a/", Projection + " WHERE [r].[Name] = 'nobody'"));
        var (columns, rows) = _sql.Query("SELECT * FROM OPENROWSET(BULK N'Sales/Typed/a/', DATA_SOURCE = N'Lake', FORMAT = 'PARQUET') AS [r]");

        Assert.Null(outcome.ErrorNumber);
        Assert.Equal(0, RowsAffected(outcome));
        Assert.Single(_sql.Files.Names("Sales/Typed/a/"));
        Assert.Equal(14, columns.Count);
        Assert.Empty(rows);
    }

    [Fact]
    public void TheFileFormatIsListedIdempotentAndCannotBeDroppedWhileATableUsesIt()
    {
        _sql.Ok(Format);
        _sql.Ok(Format);
        _sql.Ok("IF EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = N'CISynapseParquet' AND format_type = 'PARQUET') CREATE ROLE [listed];");
        _sql.Ok(Cetas("Typed", "Typed/a/"));

        var inUse = _sql.Run("DROP EXTERNAL FILE FORMAT [CISynapseParquet];");
        _sql.Ok("DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_r1];");
        _sql.Ok("DROP EXTERNAL FILE FORMAT [CISynapseParquet];");

        Assert.Contains("listed", Database.Roles.Keys);
        Assert.Equal(CetasErrors.EmulatorNumber, inUse.ErrorNumber);
        Assert.Empty(Database.ExternalFileFormats);
    }

    [Theory]
    [InlineData("FORMAT_TYPE = DELIMITEDTEXT", SqlQueryErrors.UndocumentedNumber)]
    [InlineData("FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'snappy'", SqlQueryErrors.UndocumentedNumber)]
    public void FileFormatsOtherThanDocumentedParquetAreRefused(string options, int number)
    {
        var outcome = _sql.Run($"CREATE EXTERNAL FILE FORMAT [Other] WITH ({options});");

        Assert.Equal(number, outcome.ErrorNumber);
        Assert.Empty(Database.ExternalFileFormats);
    }

    [Fact]
    public void ReadingTheExternalTableIsRefusedAsNotModelled()
    {
        _sql.Ok(Format);
        _sql.Ok(Cetas("Typed", "Typed/a/"));

        var error = _sql.Error("SELECT * FROM [dbo].[CISynapseConvert_Typed_r1]");

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
        Assert.Contains("external table", error.Message, StringComparison.Ordinal);
    }

    private SqlDatabase Database => _sql.Catalog.Read(c => c.Database(SqlQueryFixture.Database)!);

    /// <summary>The text of the first ERROR token (0xAA: length, number, state, class, then the UTF-16 message).</summary>
    private static string Message(BatchOutcome outcome)
    {
        var at = Array.IndexOf(outcome.Tokens, (byte)0xAA);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(outcome.Tokens.AsSpan(at + 9));
        return System.Text.Encoding.Unicode.GetString(outcome.Tokens, at + 11, length * 2);
    }

    private static long RowsAffected(BatchOutcome outcome)
    {
        // The statement's DONE (13 bytes: token, status, command, row count) comes just before the batch's final DONE.
        var done = outcome.Tokens.AsSpan(outcome.Tokens.Length - 26, 13);
        Assert.Equal(TdsProtocol.TokenDone, done[0]);
        Assert.Equal(TdsProtocol.DoneCount, BinaryPrimitives.ReadUInt16LittleEndian(done[1..]) & TdsProtocol.DoneCount);
        return BinaryPrimitives.ReadInt64LittleEndian(done[5..]);
    }

    private static string Cetas(string entity, string location, string select = Projection, string dataSource = "CISynapseDataLake_1") =>
        $"CREATE EXTERNAL TABLE [dbo].[CISynapseConvert_{entity}_r1]\n"
        + $"WITH (LOCATION = N'{location}', DATA_SOURCE = [{dataSource}], FILE_FORMAT = [CISynapseParquet])\nAS {select};";

    private static List<string?[]> Duck(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString()).ToArray());
        }

        return rows;
    }
}
