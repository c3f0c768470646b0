using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>The definition a snapshot was landed with, read back from its model.json entry (for rolling a view back to it).</summary>
public sealed class LakeModelDefinitionTests
{
    [Fact]
    public void AnEntryGivesBackTheAttributesAndEveryCsvSettingItWasLandedWith()
    {
        var csv = new CsvFormat(HasHeader: true, Delimiter: ";", Quote: "'", Encoding: "windows-1252", NewLine: "\r") { SkipLines = 2 };
        var landed = new CdmEntity("Contact",
        [
            new CdmAttribute("Id", "int64"),
            new CdmAttribute("Name", "string", MaxLength: 40, IsNullable: true, Description: "full name"),
            new CdmAttribute("Amount", "decimal", Precision: 18, Scale: 4),
        ],
        [new CdmPartition("/source/Contact/part.csv", PartitionFormat.Csv, csv, Name: "p1")]);
        var entry = EntryFor(landed, "https://acct.blob.core.windows.net/lake/Db/Contact/s1/part.csv");
        var current = new CdmEntity("Contact", [new CdmAttribute("Id", "int64"), new CdmAttribute("Title", "string")],
            [new CdmPartition("/source/Contact/new.csv", PartitionFormat.Csv, CsvFormat.Default)], "now")
        {
            Annotations = new Dictionary<string, string> { ["a"] = "b" },
        };

        var previous = LakeModel.DefinitionOf(entry, current);

        Assert.Equal(landed.Attributes, previous.Attributes);
        var partition = Assert.Single(previous.Partitions);
        Assert.Equal("https://acct.blob.core.windows.net/lake/Db/Contact/s1/part.csv", partition.Location);
        Assert.Equal("p1", partition.Name);
        Assert.Equal(PartitionFormat.Csv, partition.Format);
        Assert.Equal(csv with { Encoding = "UTF-8" }, partition.Csv);
        Assert.Equal("now", previous.Description);
        Assert.Equal("b", previous.Annotations["a"]);
    }

    [Fact]
    public void AParquetEntryGivesParquetPartitions()
    {
        var landed = new CdmEntity("Orders", [new CdmAttribute("Id", "int64")], [new CdmPartition("/source/Orders/o.parquet", PartitionFormat.Parquet)]);

        var previous = LakeModel.DefinitionOf(EntryFor(landed, "https://acct.blob.core.windows.net/lake/Db/Orders/s1/o.parquet"), landed);

        Assert.Equal(PartitionFormat.Parquet, Assert.Single(previous.Partitions).Format);
    }

    [Fact]
    public void AnEntryWithoutTheCsvTraitTakesTheSettingsItLacksFromTheCurrentDefinition()
    {
        var entry = JsonNode.Parse("""
            {"name":"Contact","attributes":[{"name":"Id","dataType":"string"}],
             "partitions":[{"name":"p","location":"https://a.blob.core.windows.net/l/Db/Contact/s/p.csv",
               "fileFormatSettings":{"$type":"CsvFormatSettings","columnHeaders":true,"delimiter":"|","quoteStyle":"QuoteStyle.Csv","encoding":"UTF-8"}}]}
            """)!.AsObject();
        var current = new CdmEntity("Contact", [new CdmAttribute("Id", "string")],
            [new CdmPartition("/s/p.csv", PartitionFormat.Csv, new CsvFormat(Delimiter: ",", NewLine: "\r") { SkipLines = 1 })]);

        var csv = Assert.Single(LakeModel.DefinitionOf(entry, current).Partitions).Csv!;

        Assert.Equal(new CsvFormat(HasHeader: true, Delimiter: "|", NewLine: "\r") { SkipLines = 1 }, csv);
    }

    private static JsonObject EntryFor(CdmEntity entity, string landedUrl)
    {
        var model = LakeModel.Empty("Db");
        var source = new SourcePartition(entity.Partitions[0], Path.GetFileName(landedUrl), 10, "v1");
        model.SetEntity(entity, "s1", "sha256:x", [(source, new Uri(landedUrl))]);
        return model.EntryCopy(entity.Name)!;
    }
}
