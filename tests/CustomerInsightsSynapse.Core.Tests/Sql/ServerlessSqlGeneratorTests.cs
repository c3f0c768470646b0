using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class ServerlessSqlGeneratorTests
{
    private static SqlScript Generate(CdmEntity entity, QueryAccessMode mode = QueryAccessMode.CallerIdentity, string database = "Sales") =>
        ServerlessSqlGenerator.Generate(new SqlScriptRequest(database, mode, FixtureEntities.Lake, [new LandedEntity(entity, $"{database}/{entity.Name}/s1")]));

    private static CdmEntity CsvEntity(CsvFormat csv, string name = "E") =>
        new(name, [new CdmAttribute("a", "int64"), new CdmAttribute("b", "string")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv, csv)]);

    private static string ViewText(SqlScript script) => script.Batches.Single(b => b.Kind == SqlBatchKind.View).Text;

    [Fact]
    public void BatchesComeInOrderWithCreateDatabaseAloneOnMaster()
    {
        var script = Generate(CsvEntity(CsvFormat.Default), QueryAccessMode.WorkspaceIdentity);

        Assert.Equal(
            [SqlBatchKind.CreateDatabase, SqlBatchKind.MasterKey, SqlBatchKind.Credential, SqlBatchKind.ReaderRole, SqlBatchKind.DataSource, SqlBatchKind.View],
            script.Batches.Select(b => b.Kind));
        Assert.Equal(SqlBatchTarget.Master, script.Batches[0].Target);
        Assert.All(script.Batches.Skip(1), b => Assert.Equal(SqlBatchTarget.Database, b.Target));
        Assert.StartsWith("IF DB_ID(N'Sales') IS NULL", script.Batches[0].Text);
        Assert.Contains("CREATE DATABASE [Sales] COLLATE Latin1_General_100_CI_AS_SC_UTF8;", script.Batches[0].Text);
    }

    [Fact]
    public void CallerIdentityHasNoMasterKeyNoCredentialAndAPlainDataSource()
    {
        var script = Generate(CsvEntity(CsvFormat.Default));

        Assert.Equal([SqlBatchKind.CreateDatabase, SqlBatchKind.ReaderRole, SqlBatchKind.DataSource, SqlBatchKind.View], script.Batches.Select(b => b.Kind));
        var dataSource = script.Batches[2].Text;
        var name = ServerlessSqlGenerator.DataSourceNameFor("https://contosolake.dfs.core.windows.net/customerinsights/Sales", QueryAccessMode.CallerIdentity);
        Assert.Contains($"CREATE EXTERNAL DATA SOURCE [{name}] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/Sales');", dataSource);
        Assert.DoesNotContain("CREDENTIAL", script.Text);
        Assert.DoesNotContain("MASTER KEY", script.Text);
    }

    [Fact]
    public void WorkspaceIdentityUsesAManagedIdentityCredentialAndNeverHoldsAPassword()
    {
        var script = Generate(CsvEntity(CsvFormat.Default), QueryAccessMode.WorkspaceIdentity);

        var masterKey = script.Batches.Single(b => b.Kind == SqlBatchKind.MasterKey);
        Assert.True(masterKey.NeedsMasterKeyPassword);
        Assert.Contains("ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';", masterKey.Text);
        Assert.Contains("IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')", masterKey.Text);
        Assert.Contains("CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';", script.Text);
        Assert.Contains("CREDENTIAL = [CISynapseWorkspaceIdentity]);", script.Batches.Single(b => b.Kind == SqlBatchKind.DataSource).Text);
        Assert.Contains("sqlcmd -v CISynapseMasterKeyPassword=", script.Text);
    }

    [Fact]
    public void WorkspaceIdentityGrantsTheReaderRoleSelectOnTheSchemaAndReferencesOnTheCredential()
    {
        var role = Generate(CsvEntity(CsvFormat.Default), QueryAccessMode.WorkspaceIdentity).Batches.Single(b => b.Kind == SqlBatchKind.ReaderRole).Text;

        Assert.Equal(
            "IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')\n"
            + "    CREATE ROLE [CISynapseReaders];\n"
            + "GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];\n"
            + "EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');",
            role);
    }

    [Fact]
    public void CallerIdentityGrantsTheReaderRoleSelectOnTheSchemaAndNoReferencesForThereIsNoCredential()
    {
        var role = Generate(CsvEntity(CsvFormat.Default)).Batches.Single(b => b.Kind == SqlBatchKind.ReaderRole).Text;

        Assert.Equal(
            "IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')\n"
            + "    CREATE ROLE [CISynapseReaders];\n"
            + "GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];",
            role);
    }

    [Fact]
    public void DataSourceIsScopedToTheDatabaseFolderVersionedByLocationAndCredentialAndNeverDropped()
    {
        var caller = Generate(CsvEntity(CsvFormat.Default)).Batches.Single(b => b.Kind == SqlBatchKind.DataSource).Text;
        var workspace = Generate(CsvEntity(CsvFormat.Default), QueryAccessMode.WorkspaceIdentity).Batches.Single(b => b.Kind == SqlBatchKind.DataSource).Text;
        var otherDatabase = Generate(CsvEntity(CsvFormat.Default), database: "Marketing").Batches.Single(b => b.Kind == SqlBatchKind.DataSource).Text;

        Assert.DoesNotContain("DROP", caller + workspace + otherDatabase);
        var names = new[] { caller, workspace, otherDatabase }.Select(t => System.Text.RegularExpressions.Regex.Match(t, @"CREATE EXTERNAL DATA SOURCE \[(CISynapseDataLake_[0-9a-f]{12})\]").Groups[1].Value).ToList();
        Assert.All(names, n => Assert.NotEmpty(n));
        Assert.Equal(3, names.Distinct().Count());
        Assert.StartsWith($"IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'{names[0]}')\n", caller);
        Assert.Contains("LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/Marketing'", otherDatabase);
        Assert.Contains($"DATA_SOURCE = N'{names[0]}'", ViewText(Generate(CsvEntity(CsvFormat.Default))));
    }

    [Fact]
    public void DataSourceFollowsTheContainerFolderAboveTheDatabase()
    {
        var entity = CsvEntity(CsvFormat.Default);

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Sales", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "team/a/Sales/E/s1")]));

        Assert.Contains("LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/team/a/Sales'", script.Text);
        Assert.Contains("BULK N'E/s1/**'", script.Text);
    }

    [Fact]
    public void SnapshotFoldersOfOneDatabaseMustShareTheirDatabaseFolder()
    {
        var a = new LandedEntity(CsvEntity(CsvFormat.Default, "A"), "Sales/A/s1");
        var b = new LandedEntity(CsvEntity(CsvFormat.Default, "B"), "Other/B/s1");

        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(new SqlScriptRequest("Sales", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [a, b])));

        Assert.Equal(ErrorIds.InvalidDataLakeLocation, ex.ErrorId);
    }

    [Fact]
    public void SavedTextSwitchesToTheDatabaseAfterTheMasterBatch()
    {
        var text = Generate(CsvEntity(CsvFormat.Default)).Text;

        var create = text.IndexOf("CREATE DATABASE", StringComparison.Ordinal);
        var use = text.IndexOf("USE [Sales];\nGO\n", StringComparison.Ordinal);
        var view = text.IndexOf("CREATE OR ALTER VIEW", StringComparison.Ordinal);
        Assert.True(create >= 0 && create < use && use < view);
    }

    [Fact]
    public void CsvViewReadsTheSnapshotFolderWithParser2AndTypedColumnsInAttributeOrder()
    {
        var view = ViewText(Generate(CsvEntity(new CsvFormat(HasHeader: false))));

        Assert.StartsWith(
            "CREATE OR ALTER VIEW [dbo].[E]\nAS\nSELECT\n"
            + "    TRY_CONVERT(bigint, NULLIF([a], '')) AS [a],\n"
            + "    [b] AS [b]\n"
            + "FROM OPENROWSET(\n",
            view);
        Assert.Contains("BULK N'E/s1/**',", view);
        Assert.Contains("DATA_SOURCE = N'CISynapseDataLake_", view);
        Assert.Contains("FORMAT = 'CSV',\n    PARSER_VERSION = '2.0',\n    HEADER_ROW = FALSE,", view);
        Assert.Contains("FIELDTERMINATOR = N',',\n    FIELDQUOTE = N'\"'\n", view);
        Assert.EndsWith(
            ") WITH (\n    [a] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,\n    [b] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8\n) AS [r];",
            view);
        foreach (var option in new[] { "ESCAPECHAR", "ROWTERMINATOR", "FIRSTROW", "CODEPAGE", "DATAFILETYPE", "nvarchar" })
        {
            Assert.DoesNotContain(option, view);
        }
    }

    [Theory]
    [InlineData(false, 0, null)]
    [InlineData(true, 0, null)]
    [InlineData(true, 1, "FIRSTROW = 2,")]
    [InlineData(false, 3, "FIRSTROW = 4,")]
    public void SkipLinesBecomeFirstRowPointingAtTheHeaderOrFirstRow(bool header, int skipLines, string? expected)
    {
        var view = ViewText(Generate(CsvEntity(new CsvFormat(HasHeader: header) { SkipLines = skipLines })));

        Assert.Contains("HEADER_ROW = " + (header ? "TRUE" : "FALSE") + (expected is null ? ",\n    FIELDTERMINATOR" : ",\n    " + expected), view);
        if (expected is null)
        {
            Assert.DoesNotContain("FIRSTROW", view);
        }
    }

    [Theory]
    [InlineData("boolean", "TRY_CONVERT(bit, NULLIF([a], '')) AS [a]")]
    [InlineData("guid", "TRY_CONVERT(uniqueidentifier, NULLIF([a], '')) AS [a]")]
    [InlineData("int32", "TRY_CONVERT(int, NULLIF([a], '')) AS [a]")]
    [InlineData("double", "TRY_CONVERT(float, NULLIF([a], '')) AS [a]")]
    [InlineData("decimal", "TRY_CONVERT(decimal(38,18), NULLIF([a], '')) AS [a]")]
    [InlineData("date", "TRY_CONVERT(date, NULLIF([a], ''), 126) AS [a]")]
    [InlineData("time", "TRY_CONVERT(time(7), NULLIF([a], ''), 126) AS [a]")]
    [InlineData("dateTimeOffset", "TRY_CONVERT(datetimeoffset(7), NULLIF([a], ''), 127) AS [a]")]
    [InlineData("dateTime", "CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([a], ''), 127), '+00:00')) AS [a]")]
    [InlineData("string", "[a] AS [a]")]
    [InlineData("json", "[a] AS [a]")]
    public void CsvColumnsAreReadAsUtf8TextAndConvertedInTheSelectList(string cdmType, string projection)
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", cdmType)], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);

        var view = ViewText(Generate(entity));

        Assert.Contains("SELECT\n    " + projection + "\nFROM OPENROWSET(", view);
        Assert.Contains("[a] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8\n) AS [r];", view);
    }

    [Fact]
    public void EachCsvEntityWithTypedColumnsGetsAQueryCountingValuesThatDoNotConvert()
    {
        var entity = new CdmEntity(
            "E",
            [new CdmAttribute("Id", "int64"), new CdmAttribute("Name", "string"), new CdmAttribute("Seen", "dateTime")],
            [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);
        var textOnly = new CdmEntity("T", [new CdmAttribute("Name", "string")], [new CdmPartition("https://x.blob.core.windows.net/c/t.csv", PartitionFormat.Csv)]);

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Sales", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "Sales/E/s1"), new LandedEntity(textOnly, "Sales/T/s1")]));

        var check = Assert.Single(script.ConversionChecks);
        Assert.Equal("E", check.Entity);
        Assert.Equal(["Id", "Seen"], check.Columns);
        Assert.StartsWith(
            "SELECT\n"
            + "    SUM(CASE WHEN NULLIF([Id], '') IS NOT NULL AND TRY_CONVERT(bigint, NULLIF([Id], '')) IS NULL THEN 1 ELSE 0 END) AS [Id],\n"
            + "    SUM(CASE WHEN NULLIF([Seen], '') IS NOT NULL AND CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127), '+00:00')) IS NULL THEN 1 ELSE 0 END) AS [Seen]\n"
            + "FROM OPENROWSET(\n",
            check.Query);
        var view = script.Batches.First(b => b.Kind == SqlBatchKind.View).Text;
        Assert.EndsWith(view[view.IndexOf("FROM OPENROWSET(", StringComparison.Ordinal)..], check.Query);
        SqlScriptValidator.Parse(check.Query, out var errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void ConversionChecksAreParsedWhenFirstReadNotWhenGenerated()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("Id", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);

        var check = Assert.Single(Generate(entity).ConversionChecks);

        Assert.False(check.Parsed);
        Assert.StartsWith("SELECT\n", check.Query);
        Assert.True(check.Parsed);
    }

    [Fact]
    public void AConversionCheckThatDoesNotParseIsRefusedWhenRead()
    {
        var check = new SqlConversionCheck("E", ["Id"], "SELECT SUM(CASE WHEN FROM [r];");

        var query = Assert.Throws<CISynapseException>(() => check.Query);
        var batch = Assert.Throws<CISynapseException>(() => check.Batch);

        Assert.Equal(ErrorIds.GeneratedSqlInvalid, query.ErrorId);
        Assert.Equal(ErrorIds.GeneratedSqlInvalid, batch.ErrorId);
        Assert.Contains("count values that do not convert in E", query.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderRowIsTrueForCsvWithHeader()
    {
        Assert.Contains("HEADER_ROW = TRUE,", ViewText(Generate(CsvEntity(new CsvFormat(HasHeader: true)))));
    }

    [Theory]
    [InlineData(";", "FIELDTERMINATOR = N';'")]
    [InlineData("\t", "FIELDTERMINATOR = N'0x09'")]
    [InlineData("|", "FIELDTERMINATOR = N'|'")]
    [InlineData("'", "FIELDTERMINATOR = N''''")]
    [InlineData("||", "FIELDTERMINATOR = N'||'")]
    public void DelimiterBecomesFieldTerminator(string delimiter, string expected)
    {
        Assert.Contains(expected, ViewText(Generate(CsvEntity(new CsvFormat(Delimiter: delimiter)))));
    }

    [Theory]
    [InlineData("'", "FIELDQUOTE = N''''")]
    [InlineData("", "FIELDQUOTE = N'0x0b'")]
    public void QuoteBecomesFieldQuoteAndNoQuoteUsesAnUnusedCharacter(string quote, string expected)
    {
        Assert.Contains(expected, ViewText(Generate(CsvEntity(new CsvFormat(Quote: quote)))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"")]
    public void NoEscapeOrTheQuoteAsEscapeIsReadAsStandardCsv(string? escape)
    {
        Assert.DoesNotContain("ESCAPECHAR", ViewText(Generate(CsvEntity(new CsvFormat(Escape: escape)))));
    }

    [Theory]
    [InlineData("\\")]
    [InlineData("~")]
    [InlineData("\\\\")]
    public void AnEscapeOtherThanTheQuoteIsRefusedNamingEntityAndPartition(string escape)
    {
        var entity = new CdmEntity("Notes", [new CdmAttribute("a", "string")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv, new CsvFormat(Escape: escape), Name: "Part7")]);

        var ex = Assert.Throws<CISynapseException>(() => Generate(entity));

        Assert.Equal(ErrorIds.UnsupportedCsvEscape, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("'Notes'", ex.Message);
        Assert.Contains("'Part7'", ex.Message);
        Assert.NotNull(RecommendedActions.For(ErrorIds.UnsupportedCsvEscape));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("\n", null)]
    [InlineData("\r\n", null)]
    [InlineData("\r", "ROWTERMINATOR = N'0x0d'")]
    [InlineData("\u001e", "ROWTERMINATOR = N'0x1e'")]
    public void OnlyLineEndsParser2DoesNotRecogniseBecomeRowTerminator(string? newLine, string? expected)
    {
        var view = ViewText(Generate(CsvEntity(new CsvFormat(NewLine: newLine))));

        if (expected is null)
        {
            Assert.DoesNotContain("ROWTERMINATOR", view);
        }
        else
        {
            Assert.Contains(expected, view);
        }
    }

    [Theory]
    [InlineData("UTF-8")]
    [InlineData("utf8")]
    [InlineData("ASCII")]
    [InlineData("")]
    public void Utf8AndAsciiAreReadWithoutEncodingOptions(string encoding)
    {
        var script = Generate(CsvEntity(new CsvFormat(Encoding: encoding)));

        Assert.Empty(script.Warnings);
        Assert.DoesNotContain("DATAFILETYPE", script.Text);
        Assert.DoesNotContain("CODEPAGE", script.Text);
    }

    [Theory]
    [InlineData("UTF-16")]
    [InlineData("unicode")]
    [InlineData("windows-1252")]
    [InlineData("ISO-8859-1")]
    [InlineData("shift_jis")]
    [InlineData("1252")]
    public void EncodingsTheLanderTranscodesAreReadAsUtf8(string encoding)
    {
        var script = Generate(CsvEntity(new CsvFormat(Encoding: encoding)));

        Assert.DoesNotContain("DATAFILETYPE", script.Text);
        Assert.DoesNotContain("CODEPAGE", script.Text);
        Assert.Contains("PARSER_VERSION = '2.0'", script.Text);
    }

    [Fact]
    public void PartitionsInDifferentTranscodedEncodingsShareOneView()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "string")],
        [
            new CdmPartition("https://x.blob.core.windows.net/c/p1.csv", PartitionFormat.Csv, new CsvFormat(Encoding: "windows-1252")),
            new CdmPartition("https://x.blob.core.windows.net/c/p2.csv", PartitionFormat.Csv, new CsvFormat(Encoding: "UTF-16")),
            new CdmPartition("https://x.blob.core.windows.net/c/p3.csv", PartitionFormat.Csv, new CsvFormat(Encoding: "UTF-8")),
        ]);

        Assert.Contains("PARSER_VERSION = '2.0'", Generate(entity).Text);
    }

    [Theory]
    [InlineData("EBCDIC")]
    [InlineData("no-such-encoding")]
    public void EncodingsNoOneCanDecodeAreRefused(string encoding)
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "string")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv, new CsvFormat(Encoding: encoding), Name: "P1")]);

        var ex = Assert.Throws<CISynapseException>(() => Generate(entity));

        Assert.Equal(ErrorIds.UnsupportedCsvEncoding, ex.ErrorId);
        Assert.Contains($"'{encoding}'", ex.Message);
        Assert.Contains("'E'", ex.Message);
        Assert.Contains("'P1'", ex.Message);
    }

    [Fact]
    public void ParquetViewHasNoCsvOptions()
    {
        var entity = new CdmEntity("P", [new CdmAttribute("a", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.parquet", PartitionFormat.Parquet)]);

        var view = ViewText(Generate(entity));

        Assert.Contains("SELECT\n    [a] AS [a]\nFROM OPENROWSET(", view);
        Assert.Contains("FORMAT = 'PARQUET'\n) WITH (\n    [a] bigint\n) AS [r];", view);
        foreach (var option in new[] { "PARSER_VERSION", "HEADER_ROW", "FIELDTERMINATOR", "FIELDQUOTE", "ESCAPECHAR", "ROWTERMINATOR", "'CSV'" })
        {
            Assert.DoesNotContain(option, view);
        }
    }

    [Fact]
    public void EntityWithoutPartitionsGetsAViewOfTypedColumnsWithNoRows()
    {
        var script = Generate(new CdmEntity("E", [new CdmAttribute("a", "int64"), new CdmAttribute("b", "string", MaxLength: 10)], []));

        Assert.Equal(
            "CREATE OR ALTER VIEW [dbo].[E]\nAS\nSELECT\n    CAST(NULL AS bigint) AS [a],\n    CAST(NULL AS varchar(30)) AS [b]\nWHERE 1 = 0;",
            ViewText(script));
        Assert.Empty(script.ConversionChecks);
    }

    public static TheoryData<CdmEntity, string> UnsupportedEntities => new()
    {
        { CsvEntity(new CsvFormat(Quote: "''")), "single quote character" },
        { CsvEntity(new CsvFormat(Delimiter: "")), "empty CSV delimiter" },
        { CsvEntity(new CsvFormat(Delimiter: "\"")), "same character" },
        {
            new CdmEntity("Mixed", [new CdmAttribute("a", "int64")], [
                new CdmPartition("https://x.blob.core.windows.net/c/1.csv", PartitionFormat.Csv),
                new CdmPartition("https://x.blob.core.windows.net/c/2.parquet", PartitionFormat.Parquet)]),
            "both CSV and Parquet"
        },
        {
            new CdmEntity("Mixed", [new CdmAttribute("a", "int64")], [
                new CdmPartition("https://x.blob.core.windows.net/c/1.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
                new CdmPartition("https://x.blob.core.windows.net/c/2.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: false))]),
            "different settings"
        },
    };

    [Fact]
    public void AnEntityWithoutAttributesIsRefusedWithItsOwnErrorId()
    {
        var ex = Assert.Throws<CISynapseException>(() => Generate(new CdmEntity("Empty", [], [])));

        Assert.Equal(ErrorIds.EntityHasNoAttributes, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("no attributes", ex.Message);
        Assert.Contains("Empty", ex.Message);
        Assert.Equal(RecommendedActions.For(ErrorIds.EntityHasNoAttributes), ex.RecommendedAction);
    }

    [Theory]
    [MemberData(nameof(UnsupportedEntities))]
    public void FormatsOneViewCannotReadAreRefused(CdmEntity entity, string reason)
    {
        var ex = Assert.Throws<CISynapseException>(() => Generate(entity));

        Assert.Equal(ErrorIds.UnsupportedPartitionFormat, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains(reason, ex.Message);
        Assert.Contains(entity.Name, ex.Message);
    }

    [Fact]
    public void PartitionsWithoutCsvSettingsCountAsTheDefault()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "int64")], [
            new CdmPartition("https://x.blob.core.windows.net/c/1.csv", PartitionFormat.Csv),
            new CdmPartition("https://x.blob.core.windows.net/c/2.csv", PartitionFormat.Csv, CsvFormat.Default)]);

        Assert.Contains("HEADER_ROW = FALSE", ViewText(Generate(entity)));
    }

    [Fact]
    public void DuplicateAttributeNamesIgnoringCaseAreRefused()
    {
        var entity = new CdmEntity("E", [new CdmAttribute("Name", "string"), new CdmAttribute("NAME", "string")], []);

        var ex = Assert.Throws<CISynapseException>(() => Generate(entity));

        Assert.Equal(ErrorIds.DuplicateSqlName, ex.ErrorId);
        Assert.Contains("'NAME'", ex.Message);
    }

    [Fact]
    public void DuplicateEntityNamesIgnoringCaseAreRefused()
    {
        var a = new CdmEntity("Orders", [new CdmAttribute("a", "int64")], []);
        var b = a with { Name = "orders" };

        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(
            new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(a, "Db/Orders/1"), new LandedEntity(b, "Db/orders/1")])));

        Assert.Equal(ErrorIds.DuplicateSqlName, ex.ErrorId);
    }

    [Theory]
    [InlineData("master")]
    [InlineData("TempDB")]
    [InlineData("model")]
    [InlineData("msdb")]
    public void SystemDatabaseNamesAreRefused(string database)
    {
        var ex = Assert.Throws<CISynapseException>(() => Generate(CsvEntity(CsvFormat.Default), database: database));

        Assert.Equal(ErrorIds.InvalidDatabaseName, ex.ErrorId);
    }

    [Fact]
    public void InvalidDatabaseNameIsRefusedBeforeAnythingIsGenerated()
    {
        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(
            new SqlScriptRequest(new string('d', 129), QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [])));

        Assert.Equal(ErrorIds.InvalidSqlIdentifier, ex.ErrorId);
        Assert.Contains("database name", ex.Message);
    }

    [Theory]
    [InlineData("Db/E*/1")]
    [InlineData("Db/E?/1")]
    [InlineData("Db/E#/1")]
    [InlineData("Db/100%/1")]
    public void SnapshotFolderWithWildcardOrUrlCharactersIsRefused(string folder)
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "int64")], []);

        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(
            new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, folder)])));

        Assert.Equal(ErrorIds.InvalidDataLakeLocation, ex.ErrorId);
    }

    [Theory]
    [InlineData("Db/../x")]
    [InlineData("")]
    [InlineData("Db/a\\b/1")]
    public void SnapshotFolderIsValidatedAsABlobPath(string folder)
    {
        var entity = new CdmEntity("E", [new CdmAttribute("a", "int64")], []);

        var ex = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.Generate(
            new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, folder)])));

        Assert.Equal(ErrorIds.InvalidBlobPath, ex.ErrorId);
    }

    [Fact]
    public void SnapshotFolderQuotesAreDoubledInTheBulkPath()
    {
        var entity = new CdmEntity("O'Brien", [new CdmAttribute("a", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);

        var script = ServerlessSqlGenerator.Generate(
            new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "/Db/O'Brien/1/")]));

        Assert.Contains("BULK N'O''Brien/1/**'", script.Text);
        Assert.Contains("[dbo].[O'Brien]", script.Text);
    }

    [Fact]
    public void ManyEntitiesGiveOneViewEachInInputOrder()
    {
        var entities = Enumerable.Range(0, 200)
            .Select(i => new LandedEntity(new CdmEntity("E" + i, [new CdmAttribute("a", "int64")], []), $"Db/E{i}/1"))
            .ToList();

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, entities));

        var views = script.Batches.Where(b => b.Kind == SqlBatchKind.View).ToList();
        Assert.Equal(200, views.Count);
        Assert.Equal(entities.Select(e => $"create or alter view [dbo].[{e.Entity.Name}]"), views.Select(v => v.Name));
    }
}
