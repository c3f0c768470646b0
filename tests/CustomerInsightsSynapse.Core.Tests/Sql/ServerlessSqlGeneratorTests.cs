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
            [SqlBatchKind.CreateDatabase, SqlBatchKind.MasterKey, SqlBatchKind.Credential, SqlBatchKind.DataSource, SqlBatchKind.View],
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

        Assert.Equal([SqlBatchKind.CreateDatabase, SqlBatchKind.DataSource, SqlBatchKind.View], script.Batches.Select(b => b.Kind));
        var dataSource = script.Batches[1].Text;
        Assert.Contains("CREATE EXTERNAL DATA SOURCE [CISynapseDataLake] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights');", dataSource);
        Assert.DoesNotContain("CREDENTIAL =", dataSource);
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
    public void DataSourceIsDroppedAndRecreatedOnlyWhenLocationOrCredentialDiffers()
    {
        var text = Generate(CsvEntity(CsvFormat.Default)).Batches.Single(b => b.Kind == SqlBatchKind.DataSource).Text;

        Assert.Contains("ds.location <> N'https://contosolake.dfs.core.windows.net/customerinsights'", text);
        Assert.Contains("ISNULL(ds.credential_id, 0) <> 0", text);
        Assert.True(text.IndexOf("DROP EXTERNAL DATA SOURCE", StringComparison.Ordinal) < text.IndexOf("CREATE EXTERNAL DATA SOURCE", StringComparison.Ordinal));
        Assert.Contains("IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake')", text);
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

        Assert.StartsWith("CREATE OR ALTER VIEW [dbo].[E]\nAS\nSELECT *\nFROM OPENROWSET(\n", view);
        Assert.Contains("BULK N'Sales/E/s1/*',", view);
        Assert.Contains("DATA_SOURCE = N'CISynapseDataLake',", view);
        Assert.Contains("FORMAT = 'CSV',\n    PARSER_VERSION = '2.0',\n    HEADER_ROW = FALSE,", view);
        Assert.Contains("FIELDTERMINATOR = N',',\n    FIELDQUOTE = N'\"'\n", view);
        Assert.EndsWith(") WITH (\n    [a] bigint,\n    [b] nvarchar(4000)\n) AS [r];", view);
        Assert.DoesNotContain("ESCAPECHAR", view);
        Assert.DoesNotContain("ROWTERMINATOR", view);
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
    [InlineData(null, null)]
    [InlineData("\"", null)]
    [InlineData("\\", "ESCAPECHAR = N'\\'")]
    [InlineData("~", "ESCAPECHAR = N'~'")]
    public void EscapeOtherThanTheQuoteBecomesEscapeChar(string? escape, string? expected)
    {
        var view = ViewText(Generate(CsvEntity(new CsvFormat(Escape: escape))));

        if (expected is null)
        {
            Assert.DoesNotContain("ESCAPECHAR", view);
        }
        else
        {
            Assert.Contains(expected, view);
        }
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
    [InlineData("UTF-8", null)]
    [InlineData("utf8", null)]
    [InlineData("ASCII", null)]
    [InlineData("UTF-16", "DATAFILETYPE = 'widechar'")]
    [InlineData("unicode", "DATAFILETYPE = 'widechar'")]
    [InlineData("windows-1252", "CODEPAGE = '1252'")]
    [InlineData("ISO-8859-1", "CODEPAGE = '28591'")]
    public void EncodingBecomesDataFileTypeOrCodePage(string encoding, string? expected)
    {
        var script = Generate(CsvEntity(new CsvFormat(Encoding: encoding)));
        var view = ViewText(script);

        Assert.Empty(script.Warnings);
        if (expected is null)
        {
            Assert.DoesNotContain("DATAFILETYPE", view);
            Assert.DoesNotContain("CODEPAGE", view);
        }
        else
        {
            Assert.Contains(expected, view);
        }
    }

    [Fact]
    public void UnknownEncodingIsReadAsUtf8WithAWarning()
    {
        var script = Generate(CsvEntity(new CsvFormat(Encoding: "EBCDIC")));

        var warning = Assert.Single(script.Warnings);
        Assert.Contains("'EBCDIC'", warning);
        Assert.Contains("Entity 'E'", warning);
        Assert.DoesNotContain("CODEPAGE", ViewText(script));
    }

    [Fact]
    public void ParquetViewHasNoCsvOptions()
    {
        var entity = new CdmEntity("P", [new CdmAttribute("a", "int64")], [new CdmPartition("https://x.blob.core.windows.net/c/p.parquet", PartitionFormat.Parquet)]);

        var view = ViewText(Generate(entity));

        Assert.Contains("FORMAT = 'PARQUET'\n) WITH (\n    [a] bigint\n) AS [r];", view);
        foreach (var option in new[] { "PARSER_VERSION", "HEADER_ROW", "FIELDTERMINATOR", "FIELDQUOTE", "ESCAPECHAR", "ROWTERMINATOR", "'CSV'" })
        {
            Assert.DoesNotContain(option, view);
        }
    }

    [Fact]
    public void EntityWithoutPartitionsIsReadAsHeaderlessCsv()
    {
        var view = ViewText(Generate(new CdmEntity("E", [new CdmAttribute("a", "int64")], [])));

        Assert.Contains("FORMAT = 'CSV'", view);
        Assert.Contains("HEADER_ROW = FALSE", view);
    }

    public static TheoryData<CdmEntity, string> UnsupportedEntities => new()
    {
        { CsvEntity(new CsvFormat(Quote: "''")), "single quote character" },
        { CsvEntity(new CsvFormat(Escape: "\\\\")), "single escape character" },
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
        var entity = new CdmEntity("O'Brien", [new CdmAttribute("a", "int64")], []);

        var script = ServerlessSqlGenerator.Generate(
            new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "/Db/O'Brien/1/")]));

        Assert.Contains("BULK N'Db/O''Brien/1/*'", script.Text);
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
