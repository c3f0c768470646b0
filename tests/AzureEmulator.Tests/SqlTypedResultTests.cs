using AzureEmulator.Sql;
using AzureEmulator.State;
using Microsoft.Data.SqlClient;
using Parquet.Serialization;

namespace AzureEmulator.Tests;

/// <summary>Typed result sets over TDS read back by SqlClient, Parquet per the documented type mapping, and scenario storage rights.</summary>
public sealed class SqlTypedResultTests
{
    private const string SqlAudience = "https://database.windows.net/";

    [Fact]
    public async Task EveryTypeAndNullRoundTripsThroughSqlClient()
    {
        await using var emu = await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());
        var files = new MemoryFileStore().Add("lakeacct", "exports", "T/a.csv",
            "1,200,-3000,4000000000,1.5,2.25,12345.678901,héllo,wörld,2019-07-10,08:09:10.1234567,2019-07-10 08:09:10.1234567,2019-07-10T08:09:10.1234567+02:00,6f9619ff-8b86-d011-b42d-00c04fc964ff\n"
            + ",,,,,,,,,,,,,\n");
        emu.Host.Sql!.Storage = new SqlStorageContext(files, (_, _, _) => true, () => null, _ => true);
        await using var connection = await OpenAsync(emu, "master");
        await ExecuteAsync(connection, "CREATE DATABASE [T]; ");
        connection.ChangeDatabase("T");
        await ExecuteAsync(connection, "CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports');");

        await using var command = new SqlCommand(
            "SELECT b, ti, si, bi, r, f, d, v, n, dt, tm, d2, TRY_CONVERT(datetimeoffset(7), o, 127) AS o, g "
            + "FROM OPENROWSET(BULK 'T/*', DATA_SOURCE = 'Lake', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH ("
            + "b bit, ti tinyint, si smallint, bi bigint, r real, f float, d decimal(12,6), v varchar(20) COLLATE Latin1_General_100_BIN2_UTF8, "
            + "n nvarchar(max), dt date, tm time(7), d2 datetime2(7), o varchar(40), g uniqueidentifier) AS rows",
            connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetBoolean(0));
        Assert.Equal((byte)200, reader.GetByte(1));
        Assert.Equal((short)-3000, reader.GetInt16(2));
        Assert.Equal(4000000000L, reader.GetInt64(3));
        Assert.Equal(1.5f, reader.GetFloat(4));
        Assert.Equal(2.25d, reader.GetDouble(5));
        Assert.Equal(12345.678901m, reader.GetDecimal(6));
        Assert.Equal("héllo", reader.GetString(7));
        Assert.Equal("wörld", reader.GetString(8));
        Assert.Equal(new DateTime(2019, 7, 10), reader.GetDateTime(9));
        Assert.Equal(new TimeSpan(0, 8, 9, 10).Add(TimeSpan.FromTicks(1234567)), reader.GetTimeSpan(10));
        Assert.Equal(new DateTime(2019, 7, 10, 8, 9, 10).AddTicks(1234567), reader.GetDateTime(11));
        Assert.Equal(new DateTimeOffset(2019, 7, 10, 8, 9, 10, TimeSpan.FromHours(2)).AddTicks(1234567), reader.GetDateTimeOffset(12));
        Assert.Equal(TimeSpan.FromHours(2), reader.GetDateTimeOffset(12).Offset);
        Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), reader.GetGuid(13));
        Assert.Equal(["bit", "tinyint", "smallint", "bigint", "real", "float", "decimal", "nvarchar", "nvarchar", "date", "time", "datetime2", "datetimeoffset", "uniqueidentifier"],
            Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName));

        Assert.True(await reader.ReadAsync());
        Assert.All(Enumerable.Range(0, reader.FieldCount), i => Assert.True(reader.IsDBNull(i)));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task SqlErrorsOfTheExecutorReachTheClient()
    {
        await using var emu = await TestEmulator.StartAsync(certificate: TrustedTestCertificate.Create());
        emu.Host.Sql!.Storage = new SqlStorageContext(new MemoryFileStore().Add("lakeacct", "exports", "T/a.csv", "2019-07-10T00:00:00Z\n"), (_, _, _) => true, () => null, _ => true);
        await using var connection = await OpenAsync(emu, "master");

        var error = await Assert.ThrowsAsync<SqlException>(() => ExecuteAsync(connection,
            "SELECT * FROM OPENROWSET(BULK 'https://lakeacct.dfs.core.windows.net/exports/T/a.csv', FORMAT = 'CSV', PARSER_VERSION = '2.0') WITH (d datetime2(7)) AS r"));

        Assert.Equal(SqlQueryErrors.UndocumentedNumber, error.Number);
    }

    // develop-openrowset "Type mapping for Parquet": INT32→int, BYTE_ARRAY UTF8→varchar, DOUBLE→float, BOOLEAN→bit, INT96/TIMESTAMP→datetime2.
    [Fact]
    public async Task ParquetReadsByTheDocumentedTypeMappingAndRefusesAnIncompatibleWithType()
    {
        using var parquet = new MemoryStream();
        await ParquetSerializer.SerializeAsync(new[] { new ParquetRow { Id = 1, Name = "Ann", Amount = 2.5, Active = true }, new ParquetRow { Id = 2, Name = null, Amount = 0, Active = false } }, parquet);
        var sql = new SqlQueryFixture();
        sql.Files.Add("lakeacct", "exports", "P/part.parquet", parquet.ToArray());
        string Query(string with) => $"SELECT * FROM OPENROWSET(BULK 'P/*.parquet', DATA_SOURCE = 'Lake', FORMAT = 'PARQUET') WITH ({with}) AS r";

        var (_, rows) = sql.Query(Query("Id int, Name varchar(10) COLLATE Latin1_General_100_BIN2_UTF8, Amount float, Active bit, name varchar(10)"));
        var inferred = sql.Query("SELECT * FROM OPENROWSET(BULK 'P/part.parquet', DATA_SOURCE = 'Lake', FORMAT = 'PARQUET') AS r");
        var incompatible = sql.Error(Query("Amount int"));

        Assert.Equal([[1, "Ann", 2.5, true, null], [2, null, 0d, false, null]], rows.Select(r => r.ToArray()));
        Assert.Equal(["Id", "Name", "Amount", "Active"], inferred.Columns.Select(c => c.Name));
        Assert.Equal(15816, incompatible.Number);
        Assert.Contains("Column 'Amount' of type 'INT' is not compatible with external data type 'Parquet physical type: DOUBLE'", incompatible.Message, StringComparison.Ordinal);
    }

    // Access from the scenario: a storage data role (blobs/read data action) at the container or above; none, no read.
    [Fact]
    public async Task ScenarioRolesDecideWhoReadsAContainer()
    {
        await using var emu = await TestEmulator.StartAsync();
        var scenario = emu.Host.Context.State.Read(s => s.Clone());

        Assert.True(ScenarioStorageAccess.CanRead(scenario, TestEmulator.DataOnlyUser, TestEmulator.Account, TestEmulator.Container));
        Assert.False(ScenarioStorageAccess.CanRead(scenario, TestEmulator.User, TestEmulator.Account, TestEmulator.Container));
        Assert.False(ScenarioStorageAccess.CanRead(scenario, TestEmulator.DataOnlyUser, "otheraccount", TestEmulator.Container));
    }

    private static async Task<SqlConnection> OpenAsync(TestEmulator emu, string database)
    {
        var connection = new SqlConnection(new SqlConnectionStringBuilder
        {
            DataSource = $"tcp:127.0.0.1,{emu.Host.Sql!.Port}",
            InitialCatalog = database,
            Encrypt = SqlConnectionEncryptOption.Mandatory,
            Pooling = false,
        }.ConnectionString)
        { AccessToken = TestEmulator.Token(TestEmulator.AdminUser, SqlAudience) };
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqlConnection connection, string sql)
    {
        await using var command = new SqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public sealed class ParquetRow
    {
        public int Id { get; set; }

        public string? Name { get; set; }

        public double Amount { get; set; }

        public bool Active { get; set; }
    }
}
