using CustomerInsightsSynapse.Core.Cdm;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Large folders read completely and correctly (speed is measured by the bench runner, not asserted here).
/// </summary>
public sealed class ScaleTests
{
    [Fact]
    public void TenThousandPartitionsOfAPatternAreAllListedWithTheirSizes()
    {
        using var temp = new TempFolder();
        temp.Write("E.cdm.json", """{ "definitions": [ { "entityName": "E", "hasAttributes": [ { "name": "a", "dataFormat": "Int64" } ] } ] }""");
        temp.Write("default.manifest.cdm.json", """
            { "entities": [ { "entityName": "E", "entityPath": "E.cdm.json/E", "dataPartitionPatterns": [ { "rootLocation": "E", "globPattern": "/**/*.csv" } ] } ] }
            """);
        for (var d = 0; d < 100; d++)
        {
            Directory.CreateDirectory(Path.Combine(temp.Path, "E", d.ToString("D3")));
        }

        for (var i = 0; i < 10_000; i++)
        {
            File.WriteAllText(Path.Combine(temp.Path, "E", (i % 100).ToString("D3"), $"part-{i:D5}.csv"), new string('x', i % 7));
        }

        var entity = Assert.Single(Read(temp.Path).Entities);
        Assert.Equal(10_000, entity.Partitions.Count);
        Assert.Equal(Enumerable.Range(0, 10_000).Sum(i => (long)(i % 7)), entity.TotalSize);
        Assert.Equal(10_000, entity.Partitions.Select(p => p.Location).Distinct().Count());
    }

    [Fact]
    public void AThousandEntitiesSharingEntityDocumentsReadOnceEach()
    {
        using var temp = new TempFolder();
        var definitions = string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{ "entityName": "E{{i}}", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "v{{i}}", "dataFormat": "String", "maximumLength": {{i + 1}} } ] }"""));
        temp.Write("All.cdm.json", $$"""{ "definitions": [ {{definitions}} ] }""");
        var declarations = string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{ "entityName": "E{{i}}", "entityPath": "All.cdm.json/E{{i}}", "dataPartitions": [ { "location": "E{{i}}/p.csv" } ] }"""));
        temp.Write("default.manifest.cdm.json", $$"""{ "entities": [ {{declarations}} ] }""");
        for (var i = 0; i < 1000; i++)
        {
            temp.Write($"E{i}/p.csv", "1");
        }

        var folder = Read(temp.Path);
        Assert.Equal(1000, folder.Entities.Count);
        Assert.Empty(folder.Warnings);
        Assert.Equal(1000, folder.Entities[999].Attributes[1].MaxLength);
        Assert.All(folder.Entities, e => Assert.Equal(1, e.Partitions.Single().Size));
    }
}
