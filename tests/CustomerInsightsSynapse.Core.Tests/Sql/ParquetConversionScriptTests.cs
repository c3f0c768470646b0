using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// The batches that convert a lake CSV entity to Parquet on the server (CETAS), compared with a reviewed script under
/// TestData/Sql/Golden (CISYNAPSE_UPDATE_GOLDEN=1 rewrites it), and the rules they follow.
/// </summary>
public sealed class ParquetConversionScriptTests
{
    private const string Snapshot = "20261205T134100Z";

    private static ParquetConversionScript EveryCdmType(QueryAccessMode mode = QueryAccessMode.WorkspaceIdentity) =>
        ServerlessSqlGenerator.ConvertToParquet(
            "CdmTypes",
            mode,
            FixtureEntities.Lake,
            FixtureEntities.EveryCdmType(new CsvFormat(HasHeader: true)),
            $"CdmTypes/cisynapse-staging/{Snapshot}/Typed",
            $"CdmTypes/Typed/{Snapshot}",
            Snapshot);

    [Fact]
    public void ConversionBatchesMatchGolden()
    {
        var script = EveryCdmType();
        var batches = script.Setup.Concat([script.CreateTable, script.DropTable]).Select(b => b.Text)
            .Append(script.Check!.Query)
            .Append(script.Samples(script.Check.Columns[0], true).Text)
            .Append(script.Samples(script.Check.Columns[1], false).Text);
        var text = string.Join("\n-- batch --\n", batches) + "\n";
        var path = Path.Combine(RepositoryPaths.TestData, "Sql", "Golden", "EveryCdmType_ParquetConversion_WorkspaceIdentity.sql");
        if (Environment.GetEnvironmentVariable("CISYNAPSE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, text);
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with CISYNAPSE_UPDATE_GOLDEN=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void TheTableIsWrittenThroughTheViewsProjection_WithGuidOffsetAndTimeAsText()
    {
        var script = EveryCdmType();
        var view = ServerlessSqlGenerator.Generate(new SqlScriptRequest(
            "CdmTypes",
            QueryAccessMode.WorkspaceIdentity,
            FixtureEntities.Lake,
            [new LandedEntity(FixtureEntities.EveryCdmType(new CsvFormat(HasHeader: true)), $"CdmTypes/Typed/{Snapshot}")])).Batches.Single(b => b.Kind == SqlBatchKind.View).Text;
        var create = script.CreateTable.Text;

        Assert.StartsWith($"CREATE EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_{Snapshot}]\nWITH (\n    LOCATION = N'Typed/{Snapshot}/',", create, StringComparison.Ordinal);
        Assert.Contains("FILE_FORMAT = [CISynapseParquet]", create, StringComparison.Ordinal);
        Assert.Contains($"BULK N'cisynapse-staging/{Snapshot}/Typed/**'", create, StringComparison.Ordinal);
        Assert.Contains("CONVERT(varchar(36), TRY_CONVERT(uniqueidentifier, NULLIF([Key], '')))", create, StringComparison.Ordinal);
        Assert.Contains("CONVERT(varchar(33), TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127), 127)", create, StringComparison.Ordinal);
        Assert.Contains("CONVERT(varchar(16), TRY_CONVERT(time(7), NULLIF([Opens], ''), 126)) AS [Opens]", create, StringComparison.Ordinal);
        // Every other column is the view's own expression.
        string[] asText = ["[Key]", "[Seen]", "[Opens]"];
        foreach (var line in view.Split('\n').Where(l => l.Contains(" AS [", StringComparison.Ordinal) && !asText.Any(c => l.Contains(c, StringComparison.Ordinal))))
        {
            Assert.Contains(line.TrimEnd(','), create, StringComparison.Ordinal);
        }

        Assert.Equal($"DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_{Snapshot}];", script.DropTable.Text);
    }

    [Fact]
    public void CallerIdentity_MakesNoCredential_AndTheFileFormatIsMadeOnlyWhenMissing()
    {
        var setup = EveryCdmType(QueryAccessMode.CallerIdentity).Setup;

        Assert.DoesNotContain(setup, b => b.Kind is SqlBatchKind.MasterKey or SqlBatchKind.Credential);
        var format = Assert.Single(setup, b => b.Kind == SqlBatchKind.ExternalFileFormat);
        Assert.StartsWith("IF NOT EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = N'CISynapseParquet')", format.Text, StringComparison.Ordinal);
        Assert.Contains("FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec'", format.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ALongEntityName_IsCutSoThatTheTableNameFitsSql()
    {
        var name = ServerlessSqlGenerator.ConversionTableName(new string('E', 200), Snapshot);

        Assert.Equal(SqlQuoting.MaxIdentifierLength, name.Length);
        Assert.EndsWith("_" + Snapshot, name, StringComparison.Ordinal);
    }

    [Fact]
    public void AStagingFolderOutsideTheDatabaseFolder_IsRefused()
    {
        var error = Assert.Throws<CISynapseException>(() => ServerlessSqlGenerator.ConvertToParquet(
            "CdmTypes",
            QueryAccessMode.CallerIdentity,
            FixtureEntities.Lake,
            FixtureEntities.EveryCdmType(new CsvFormat(HasHeader: true)),
            $"Other/cisynapse-staging/{Snapshot}/Typed",
            $"CdmTypes/Typed/{Snapshot}",
            Snapshot));

        Assert.Equal(ErrorIds.InvalidDataLakeLocation, error.ErrorId);
    }
}
