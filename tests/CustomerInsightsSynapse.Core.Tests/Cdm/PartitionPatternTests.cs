using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Partition patterns over the shared sample-7 tree (copied, with a manifest holding the upstream sample's
/// patterns, since the fixture itself has none).
/// </summary>
public sealed class PartitionPatternTests
{
    private static readonly string Sample7 = Path.Combine(RepositoryPaths.SharedCdmFixtures, "microsoft-cdm", "samples", "7-search-partition-pattern", "sample-data");

    [Theory]
    [InlineData("/*.csv", "/a.csv", true)]
    [InlineData("/*.csv", "/x/a.csv", false)]
    [InlineData("*.csv", "/x/y/a.csv", true)]
    [InlineData("/**/cohort*.csv", "/2015/May/cohort001.csv", true)]
    [InlineData("/**/cohort*.csv", "/cohort001.csv", true)]
    [InlineData("/*/*/cohort?.csv", "/2015/May/cohort1.csv", true)]
    [InlineData("/*/*/cohort?.csv", "/2015/May/cohort12.csv", false)]
    [InlineData(@"\*\cohort.csv", "/x/cohort.csv", true)]
    [InlineData("/a+b(1).csv", "/a+b(1).csv", true)]
    [InlineData("/a+b(1).csv", "/aab1.csv", false)]
    public void GlobsFollowTheCdmRules(string glob, string path, bool matches) =>
        Assert.Equal(matches, PartitionPattern.Create(glob, null, TimeSpan.FromSeconds(1))!.IsMatch(path.TrimStart('/')));

    [Fact]
    public void UpstreamPatternsFindExactlyTheFilesTheSampleSays()
    {
        using var temp = SampleWithManifest("""
            { "entityName": "Cohorts", "entityPath": "Cohort.cdm.json/Cohort",
              "dataPartitionPatterns": [ { "name": "sampleDataPartitionPattern", "rootLocation": "FullData",
                "regularExpression": "/(\\d{4})/(\\w+)/cohort(\\d+)\\.csv$", "parameters": [ "year", "month", "cohortNumber" ] } ] },
            { "entityName": "Upserts", "entityPath": "Cohort.cdm.json/Cohort",
              "dataPartitionPatterns": [ { "name": "UpsertPattern", "rootLocation": "/IncrementalData",
                "regularExpression": "/(.*)/(.*)/(.*)/Upserts/(\\d+)\\.csv$" } ] },
            { "entityName": "Deletes", "entityPath": "Cohort.cdm.json/Cohort",
              "dataPartitionPatterns": [ { "name": "DeletePattern", "rootLocation": "/IncrementalData",
                "regularExpression": "/(.*)/(.*)/(.*)/Deletes/(\\d+)\\.csv$" } ] },
            { "entityName": "GlobCohorts", "entityPath": "Cohort.cdm.json/Cohort",
              "dataPartitionPatterns": [ { "rootLocation": "FullData", "globPattern": "/**/cohort*.csv" } ] },
            { "entityName": "EverythingInFullData", "entityPath": "Cohort.cdm.json/Cohort",
              "dataPartitionPatterns": [ { "rootLocation": "FullData", "globPattern": "*.csv" } ] }
            """);
        var folder = Read(temp.Path);
        string[] Relative(string entity) => Entity(folder, entity).Partitions.Select(p => Path.GetRelativePath(temp.Path, p.Location).Replace('\\', '/')).ToArray();

        string[] cohorts = ["FullData/2015/May/cohort001.csv", "FullData/2016/May/cohort002.csv", "FullData/2017/April/cohort011.csv", "FullData/2019/July/cohort101.csv"];
        Assert.Equal(cohorts, Relative("Cohorts"));
        Assert.Equal(cohorts, Relative("GlobCohorts"));
        Assert.Equal(["IncrementalData/2018/8/15/Upserts/1.csv"], Relative("Upserts"));
        Assert.Equal(["IncrementalData/2018/8/15/Deletes/1.csv", "IncrementalData/2018/8/15/Deletes/2.csv"], Relative("Deletes"));
        Assert.Equal([.. cohorts, "FullData/should-not-be-picked-up.csv"], Relative("EverythingInFullData"));

        // Sizes come from the listing: the FullData files hold one line each, the incremental ones are empty.
        Assert.All(Entity(folder, "Cohorts").Partitions, p => Assert.Equal(new FileInfo(p.Location).Length, p.Size));
        Assert.All(Entity(folder, "Cohorts").Partitions, p => Assert.True(p.Size > 0));
        Assert.All(Entity(folder, "Deletes").Partitions, p => Assert.Equal(0, p.Size));
        Assert.Equal("2015/May/cohort001.csv", Entity(folder, "Cohorts").Partitions[0].Name);
    }

    [Fact]
    public void APatternWithNeitherGlobNorRegexMatchesNothingAndSaysSo()
    {
        using var temp = SampleWithManifest("""
            { "entityName": "Nothing", "entityPath": "Cohort.cdm.json/Cohort", "dataPartitionPatterns": [ { "name": "empty", "rootLocation": "FullData", "globPattern": "", "regularExpression": "" } ] }
            """);
        var folder = Read(temp.Path);
        Assert.Empty(Entity(folder, "Nothing").Partitions);
        Assert.Contains(folder.Warnings, w => w.Contains("pattern 'empty'", StringComparison.Ordinal));
    }

    private static TempFolder SampleWithManifest(string declarations)
    {
        var temp = new TempFolder();
        temp.CopyFrom(Sample7);
        temp.Write("Cohort.cdm.json", """{ "definitions": [ { "entityName": "Cohort", "hasAttributes": [ { "name": "line", "dataFormat": "String" } ] } ] }""");
        temp.Write("default.manifest.cdm.json", $$"""{ "manifestName": "default", "entities": [ {{declarations}} ] }""");
        return temp;
    }
}
