using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class SqlTypeMapTests
{
    [Theory]
    [InlineData("int16", "smallint")]
    [InlineData("Int16", "smallint")]
    [InlineData("smallInteger", "smallint")]
    [InlineData("int32", "int")]
    [InlineData("INT32", "int")]
    [InlineData("integer", "int")]
    [InlineData("int64", "bigint")]
    [InlineData("Int64", "bigint")]
    [InlineData("bigInteger", "bigint")]
    [InlineData("double", "float")]
    [InlineData("Double", "float")]
    [InlineData("float", "real")]
    [InlineData("boolean", "bit")]
    [InlineData("Boolean", "bit")]
    [InlineData("guid", "uniqueidentifier")]
    [InlineData("GUID", "uniqueidentifier")]
    [InlineData("date", "date")]
    [InlineData("dateTime", "datetime2(7)")]
    [InlineData("DateTime", "datetime2(7)")]
    [InlineData("datetime", "datetime2(7)")]
    [InlineData("dateTimeOffset", "datetimeoffset(7)")]
    [InlineData("DATETIMEOFFSET", "datetimeoffset(7)")]
    [InlineData("time", "time(7)")]
    [InlineData("json", "varchar(8000)")]
    [InlineData("JSON", "varchar(8000)")]
    [InlineData("binary", "varchar(8000)")]
    [InlineData(" int64 ", "bigint")]
    public void FixedTypesMapCaseInsensitively(string cdmType, string sqlType)
    {
        var mapped = SqlTypeMap.Map(new CdmAttribute("a", cdmType));

        Assert.Equal(sqlType, mapped.TypeName);
        Assert.Null(mapped.Warning);
    }

    [Theory]
    [InlineData(null, "varchar(8000)", false)]
    [InlineData(-1, "varchar(8000)", false)]
    [InlineData(0, "varchar(8000)", false)]
    [InlineData(1, "varchar(3)", false)]
    [InlineData(100, "varchar(300)", false)]
    [InlineData(2666, "varchar(7998)", false)]
    [InlineData(2667, "varchar(8000)", true)]
    [InlineData(4000, "varchar(8000)", true)]
    [InlineData(int.MaxValue, "varchar(8000)", true)]
    public void StringLengthMapsToThreeUtf8BytesPerCharacterUpTo8000(int? maxLength, string sqlType, bool warns)
    {
        var mapped = SqlTypeMap.Map(new CdmAttribute("Name", "String", MaxLength: maxLength));

        Assert.Equal(sqlType, mapped.TypeName);
        Assert.Equal(SqlTextConversion.None, mapped.Conversion);
        Assert.Equal(sqlType + " COLLATE Latin1_General_100_BIN2_UTF8", mapped.CsvWithType);
        Assert.Equal(mapped.CsvWithType, mapped.ParquetWithType);
        Assert.Equal(warns, mapped.Warning is not null);
        if (warns)
        {
            Assert.Contains("'Name'", mapped.Warning);
        }
    }

    [Theory]
    [InlineData("int64")]
    [InlineData("boolean")]
    [InlineData("dateTime")]
    [InlineData("decimal")]
    public void TypedColumnsAreReadFromCsvAsFullWidthTextAndFromParquetAsTheirType(string cdmType)
    {
        var mapped = SqlTypeMap.Map(new CdmAttribute("a", cdmType));

        Assert.Equal(SqlTypeMap.MaxTextBytes, mapped.TextBytes);
        Assert.Equal("varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8", mapped.CsvWithType);
        Assert.Equal(mapped.TypeName, mapped.ParquetWithType);
        Assert.NotEqual(SqlTextConversion.None, mapped.Conversion);
    }

    [Theory]
    [InlineData(null, null, "decimal(38,18)", false)]
    [InlineData(10, 2, "decimal(10,2)", false)]
    [InlineData(38, 38, "decimal(38,38)", false)]
    [InlineData(1, 0, "decimal(1,0)", false)]
    [InlineData(18, null, "decimal(18,0)", false)]
    [InlineData(null, 4, "decimal(38,4)", false)]
    [InlineData(39, 2, "decimal(38,18)", true)]
    [InlineData(0, 0, "decimal(38,18)", true)]
    [InlineData(5, 6, "decimal(38,18)", true)]
    [InlineData(10, -1, "decimal(38,18)", true)]
    public void DecimalPrecisionAndScaleMap(int? precision, int? scale, string sqlType, bool warns)
    {
        var mapped = SqlTypeMap.Map(new CdmAttribute("Amount", "Decimal", Precision: precision, Scale: scale));

        Assert.Equal(sqlType, mapped.TypeName);
        Assert.Equal(warns, mapped.Warning is not null);
    }

    [Theory]
    [InlineData("unclassified")]
    [InlineData("char")]
    [InlineData("byte")]
    [InlineData("money")]
    [InlineData("")]
    public void UnknownTypeFallsBackToVarChar8000WithWarning(string cdmType)
    {
        var mapped = SqlTypeMap.Map(new CdmAttribute("Odd", cdmType));

        Assert.Equal(SqlTypeMap.FallbackType, mapped.TypeName);
        Assert.Equal("varchar(8000)", mapped.TypeName);
        Assert.NotNull(mapped.Warning);
        Assert.Contains("'Odd'", mapped.Warning);
        Assert.Contains("no SQL mapping", mapped.Warning);
    }

    [Theory]
    [InlineData("int64", 20)]
    [InlineData("string", 50)]
    [InlineData("decimal", null)]
    public void NullabilityDoesNotChangeTheTypeAndNoColumnIsDeclaredNotNull(string cdmType, int? length)
    {
        var nullable = SqlTypeMap.Map(new CdmAttribute("a", cdmType, MaxLength: length, IsNullable: true));
        var notNullable = SqlTypeMap.Map(new CdmAttribute("a", cdmType, MaxLength: length, IsNullable: false));

        Assert.Equal(nullable, notNullable);
        var entity = new CdmEntity("E", [new CdmAttribute("a", cdmType, MaxLength: length, IsNullable: false)], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);
        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "Db/E/1")]));
        Assert.DoesNotContain("NOT NULL", script.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[a] " + nullable.CsvWithType + "\n", script.Text);
    }

    [Fact]
    public void UnknownTypeWarningReachesTheScriptWithTheEntityName()
    {
        var entity = new CdmEntity("Visits", [new CdmAttribute("Id", "int64"), new CdmAttribute("Shape", "geography")], [new CdmPartition("https://x.blob.core.windows.net/c/p.csv", PartitionFormat.Csv)]);

        var script = ServerlessSqlGenerator.Generate(new SqlScriptRequest("Db", QueryAccessMode.CallerIdentity, FixtureEntities.Lake, [new LandedEntity(entity, "Db/Visits/1")]));

        var warning = Assert.Single(script.Warnings);
        Assert.Contains("Entity 'Visits'", warning);
        Assert.Contains("'Shape'", warning);
        Assert.Contains("'geography'", warning);
        Assert.Contains("[Shape] AS [Shape]", script.Text);
    }

    [Fact]
    public void HelpTopicListsEveryRowOfTheTable()
    {
        var help = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "en-US", "about_CustomerInsightsSynapse_SqlTypes.help.txt"));

        var lines = help.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var row in SqlTypeMap.Table)
        {
            var cdm = string.Join(", ", row.CdmTypes);
            Assert.True(
                lines.Any(l => l.StartsWith(cdm + " ", StringComparison.Ordinal) && l[cdm.Length..].Trim() == row.SqlType),
                $"the help topic has no table line '{cdm}   {row.SqlType}'");
        }

        Assert.Contains(SqlTypeMap.FallbackType, help);
    }
}
