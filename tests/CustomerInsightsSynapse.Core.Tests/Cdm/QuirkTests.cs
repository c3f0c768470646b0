using CustomerInsightsSynapse.Core.Cdm;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>What real files do that the schemas do not allow, read leniently (TestData/Cdm/quirks-*).</summary>
public sealed class QuirkTests
{
    private static readonly string ModelJsonFolder = Path.Combine(OwnFixtures, "quirks-modeljson");
    private static readonly string ManifestFolder = Path.Combine(OwnFixtures, "quirks-manifest");

    [Fact]
    public void ModelJsonWithBomCommentsTrailingCommasAndUnknownPropertiesReads()
    {
        Assert.Equal(0xEF, File.ReadAllBytes(Path.Combine(ModelJsonFolder, "model.json"))[0]);
        var folder = Read(ModelJsonFolder);
        Assert.Equal(CdmDocumentKind.ModelJson, folder.Kind);
        Assert.Equal(["Customers", "Orders", "Events"], folder.Entities.Select(e => e.Name));
        Assert.Contains(folder.Warnings, w => w.Contains("'Products' is a ReferenceEntity", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelJsonAttributesTakeLengthsPrecisionAndTypesFromPropertiesAndTraits()
    {
        var customers = Entity(Read(ModelJsonFolder), "Customers");
        Assert.Equal("Customers with a header row", customers.Description);
        Assert.Equal("Year", customers.Annotations["Athena:PartitionGranularity"]);
        Assert.Equal("CustomerId", customers.Annotations["c360:PrimaryKey"]);
        var a = customers.Attributes.ToDictionary(x => x.Name);
        Assert.Equal(new CdmAttribute("CustomerId", "guid"), a["CustomerId"]);
        Assert.Equal(new CdmAttribute("FullName", "string", MaxLength: 100), a["FullName"]);

        // maxLength -1 means unknown; the is.constrained trait (numeric argument) gives the length.
        Assert.Equal(3, a["Country"].MaxLength);
        Assert.Equal(new CdmAttribute("Balance", "decimal", Precision: 38, Scale: 6, IsNullable: true), a["Balance"]);
        Assert.Equal("int64", a["Visits"].DataType);
        Assert.Equal("boolean", a["IsActive"].DataType);
        Assert.Equal("dateTimeOffset", a["CreatedOn"].DataType);
    }

    [Fact]
    public void ModelJsonCsvSettingsAsStringsAndTraitsAreMerged()
    {
        var customers = Entity(Read(ModelJsonFolder), "Customers");
        Assert.Equal(2, customers.Partitions.Count);
        var (one, two) = (customers.Partitions[0], customers.Partitions[1]);
        Assert.Equal(Path.Combine(ModelJsonFolder, "Customers", "part-1.csv"), one.Location);
        Assert.Equal("part-1", one.Name);
        Assert.Equal(new CsvFormat(HasHeader: true, Delimiter: ";", Encoding: "UTF-8"), one.Csv);

        // A backslash path is a relative path; fileFormatSettings win over the cdm:traits CSV trait, which adds the newline.
        Assert.Equal(Path.Combine(ModelJsonFolder, "Customers", "part-2.csv"), two.Location);
        Assert.Equal(new CsvFormat(HasHeader: true, Delimiter: ";", NewLine: "\r\n"), two.Csv);
        Assert.Equal(new FileInfo(one.Location).Length + new FileInfo(two.Location).Length, customers.TotalSize);
    }

    [Fact]
    public void ModelJsonPartitionsWithoutSettingsUseDefaultsAndQuoteStyleNoneClearsTheQuote()
    {
        var folder = Read(ModelJsonFolder);
        var orders = Entity(folder, "Orders");
        Assert.Equal(2, orders.Partitions.Count);
        Assert.Equal(Path.Combine(ModelJsonFolder, "Orders", "orders.csv"), orders.Partitions[0].Location);
        Assert.Equal(CsvFormat.Default, orders.Partitions[0].Csv);
        Assert.Equal(new CsvFormat(Quote: "", Encoding: "ASCII"), orders.Partitions[1].Csv);
        Assert.Contains(folder.Warnings, w => w.Contains("'schema-only'", StringComparison.Ordinal) && w.Contains("no location", StringComparison.Ordinal));

        var events = Entity(folder, "Events");
        Assert.Equal(PartitionFormat.Parquet, Assert.Single(events.Partitions).Format);
        Assert.Null(events.Partitions[0].Csv);
        Assert.Equal(PartitionFormat.Parquet, events.Format);
        Assert.Equal(["int64", "json", "geography"], events.Attributes.Select(x => x.DataType));
        Assert.Contains(folder.Warnings, w => w.Contains("'geography'", StringComparison.Ordinal));
    }

    [Fact]
    public void ManifestResolvesEntityDocumentsInEveryStyleAndSubManifests()
    {
        var folder = Read(ManifestFolder);
        Assert.Equal(CdmDocumentKind.Manifest, folder.Kind);
        Assert.Equal(["Customer", "Sales", "Ledger", "Budget"], folder.Entities.Select(e => e.Name));
        Assert.Contains(folder.Warnings, w => w.Contains("'Elsewhere' is a ReferencedEntity", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(ManifestFolder, "Finance", "Ledger.cdm.json"), Entity(folder, "Ledger").DocumentPath);
        Assert.Equal(Path.Combine(ManifestFolder, "Finance", "Budget.cdm.json"), Entity(folder, "Budget").DocumentPath);
        Assert.Equal(Path.Combine(ManifestFolder, "Sales.cdm.json"), Entity(folder, "Sales").DocumentPath);
    }

    [Fact]
    public void ManifestAttributesNormalizeFormatsAndPrimitiveTypesAndReadTraits()
    {
        var customer = Entity(Read(ManifestFolder), "Customer");
        Assert.Equal("A customer", customer.Description);
        var a = customer.Attributes.ToDictionary(x => x.Name);
        Assert.Equal(new CdmAttribute("customerId", "guid", IsNullable: false), a["customerId"]);
        Assert.Equal(new CdmAttribute("name", "string", MaxLength: 200, IsNullable: true), a["name"]);
        Assert.Equal(160, a["city"].MaxLength);
        Assert.Equal((19, 4), (a["creditLimit"].Precision!.Value, a["creditLimit"].Scale!.Value));
        Assert.Equal((10, 2), (a["ratio"].Precision!.Value, a["ratio"].Scale!.Value));
        Assert.Equal("int32", a["visits"].DataType);
        Assert.Equal("int64", a["revenue"].DataType);
        Assert.Equal(new CdmAttribute("price", "decimal", Precision: 19, Scale: 4), a["price"]);
        Assert.Equal("guid", a["ownerId"].DataType);
        Assert.Equal(
            ["date", "time", "dateTime", "boolean", "int16", "float"],
            new[] { "birthDate", "openTime", "modifiedOn", "flag", "small", "score" }.Select(n => a[n].DataType));
    }

    [Fact]
    public void ManifestCsvTraitArgumentsAreReadWhateverTheirJsonType()
    {
        var customer = Entity(Read(ManifestFolder), "Customer");
        var explicitPartition = customer.Partitions[0];
        Assert.Equal("explicit", explicitPartition.Name);
        Assert.Equal(Path.Combine(ManifestFolder, "Customer", "2024", "customer-1.csv"), explicitPartition.Location);
        Assert.Equal(new CsvFormat(HasHeader: true, Delimiter: "|", Quote: "", Escape: "\\", Encoding: "UTF-16") { SkipLines = 2 }, explicitPartition.Csv);
    }

    [Fact]
    public void GlobPatternWinsOverRegexAndMatchesOneLevelBelowItsRoot()
    {
        var customer = Entity(Read(ManifestFolder), "Customer");
        var matched = customer.Partitions.Skip(1).ToList();
        Assert.Equal([Path.Combine(ManifestFolder, "Customer", "2025", "a.csv"), Path.Combine(ManifestFolder, "Customer", "2025", "b.csv")], matched.Select(p => p.Location));
        Assert.All(matched, p => Assert.Equal(new CsvFormat(HasHeader: false), p.Csv));
        Assert.Equal([2L, 3L], matched.Select(p => p.Size!.Value));
        Assert.All(matched, p => Assert.NotNull(p.LastModified));
    }

    [Fact]
    public void RegexPatternFromTheFolderRootFindsParquetPartitions()
    {
        var sales = Entity(Read(ManifestFolder), "Sales");
        Assert.Equal(
            [Path.Combine(ManifestFolder, "Sales", "year=2023", "part-0.parquet"), Path.Combine(ManifestFolder, "Sales", "year=2024", "part-1.parquet")],
            sales.Partitions.Select(p => p.Location));
        Assert.All(sales.Partitions, p => Assert.Equal(PartitionFormat.Parquet, p.Format));
        Assert.Equal(12, sales.TotalSize);
    }

    [Fact]
    public void SubManifestPartitionsResolveRelativeToTheSubManifestOrTheFolderRoot()
    {
        var folder = Read(Path.Combine(ManifestFolder, "default.manifest.cdm.json"));
        var ledger = Assert.Single(Entity(folder, "Ledger").Partitions);
        Assert.Equal(Path.Combine(ManifestFolder, "Finance", "Ledger", "ledger.csv"), ledger.Location);
        Assert.True(ledger.Csv!.HasHeader);
        var budget = Assert.Single(Entity(folder, "Budget").Partitions);
        Assert.Equal(Path.Combine(ManifestFolder, "Finance", "Budget", "budget.csv"), budget.Location);
        Assert.Equal(CsvFormat.Default, budget.Csv);
        Assert.Equal(["year", "total"], Entity(folder, "Budget").Attributes.Select(a => a.Name));
    }

    [Fact]
    public void AbsoluteLocalPartitionPathsInsideTheFolderAreAccepted()
    {
        using var temp = new TempFolder();
        var data = temp.Write("E/data.csv", "1\n");
        temp.Write("model.json", $$"""
            { "name": "m", "version": "1.0", "entities": [ { "$type": "LocalEntity", "name": "E",
              "attributes": [ { "name": "a", "dataType": "int64" } ],
              "partitions": [ { "name": "p", "location": {{System.Text.Json.JsonSerializer.Serialize(data)}} },
                              { "name": "q", "location": {{System.Text.Json.JsonSerializer.Serialize(new Uri(data).AbsoluteUri)}} } ] } ] }
            """);
        var e = Assert.Single(Read(temp.Path).Entities);
        Assert.Equal([data, data], e.Partitions.Select(p => p.Location));
        Assert.Equal(2, e.Partitions[0].Size);
    }

    [Fact]
    public void MissingPartitionFilesAreWarnedAboutNotFatal()
    {
        using var temp = new TempFolder();
        temp.Write("model.json", """
            { "name": "m", "version": "1.0", "entities": [ { "name": "E", "attributes": [ { "name": "a", "dataType": "int64" } ],
              "partitions": [ { "name": "gone", "location": "E/gone.csv" } ] } ] }
            """);
        var folder = Read(temp.Path);
        var partition = Assert.Single(Assert.Single(folder.Entities).Partitions);
        Assert.Null(partition.Size);
        Assert.Contains(folder.Warnings, w => w.Contains("gone.csv", StringComparison.Ordinal) && w.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void FolderChoosesDefaultManifestThenModelJsonThenItsOnlyManifest()
    {
        using var temp = new TempFolder();
        temp.Write("E.cdm.json", """{ "definitions": [ { "entityName": "E", "hasAttributes": [ { "name": "a", "dataFormat": "Int32" } ] } ] }""");
        temp.Write("only.manifest.cdm.json", """{ "entities": [ { "entityName": "FromOnly", "entityPath": "E.cdm.json/E" } ] }""");
        Assert.Equal(["FromOnly"], Read(temp.Path).Entities.Select(e => e.Name));
        temp.Write("model.json", """{ "name": "m", "version": "1.0", "entities": [ { "name": "FromModel", "attributes": [] } ] }""");
        Assert.Equal(["FromModel"], Read(temp.Path).Entities.Select(e => e.Name));
        temp.Write("default.manifest.cdm.json", """{ "entities": [ { "entityName": "FromDefault", "entityPath": "E.cdm.json/E" } ] }""");
        var folder = Read(temp.Path);
        Assert.Equal(CdmDocumentKind.Manifest, folder.Kind);
        Assert.Equal(["FromDefault"], folder.Entities.Select(e => e.Name));
        Assert.Equal(["a"], folder.Entities[0].Attributes.Select(a => a.Name));
    }
}
