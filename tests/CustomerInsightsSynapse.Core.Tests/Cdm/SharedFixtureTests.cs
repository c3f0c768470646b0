using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Every file of the shared CDM fixtures (../shared/fixtures/cdm), given as the source: what it should read as,
/// or the error it deserves. The expectations were written from the fixture README and the files themselves.
/// </summary>
public sealed class SharedFixtureTests
{
    private const string Sample1 = "microsoft-cdm/samples/1-read-manifest/sample-data/";
    private const string ModelJsonTests = "microsoft-cdm/objectModel/TestData/Persistence/ModelJson/";

    /// <summary>The attribute types of the resolved entity documents of sample 1 (dataFormat, normalized).</summary>
    private static readonly Dictionary<string, (int Attributes, string Types)> Sample1Entities = new()
    {
        ["Account"] = (208, "boolean=12,dateTimeOffset=16,decimal=15,double=4,guid=31,int32=41,int64=1,string=88"),
        ["Address"] = (51, "dateTimeOffset=5,decimal=1,double=2,guid=10,int32=8,int64=1,string=24"),
        ["CarePlan"] = (38, "dateTimeOffset=5,guid=13,int32=9,int64=1,string=10"),
        ["CodeableConcept"] = (23, "dateTimeOffset=3,guid=7,int32=6,int64=1,string=6"),
        ["Contact"] = (299, "boolean=16,dateTimeOffset=33,decimal=11,double=6,guid=45,int32=44,int64=1,string=143"),
        ["Device"] = (43, "dateTimeOffset=5,guid=13,int32=7,int64=1,string=17"),
        ["EmrAppointment"] = (98, "boolean=5,dateTimeOffset=15,decimal=1,guid=37,int32=18,int64=1,string=21"),
        ["Encounter"] = (52, "dateTimeOffset=7,decimal=1,guid=23,int32=10,int64=1,string=10"),
        ["EpisodeOfCare"] = (30, "dateTimeOffset=5,guid=12,int32=6,int64=1,string=6"),
        ["Location"] = (51, "dateTimeOffset=5,decimal=3,guid=10,int32=10,int64=1,string=22"),
        ["LocalMobileCareTeam"] = (37, "dateTimeOffset=5,guid=14,int32=8,int64=1,string=9"),
    };

    /// <summary>What each file gives. Files not listed here fail <see cref="EveryFixtureFileHasAnExpectation"/>.</summary>
    private static readonly Dictionary<string, Expectation> Expectations = BuildExpectations();

    public static TheoryData<string> FixtureFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in AllFixtureFiles())
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void EveryFixtureFileHasAnExpectation()
    {
        var files = AllFixtureFiles().ToHashSet();
        Assert.NotEmpty(files);
        Assert.Empty(files.Except(Expectations.Keys));
        Assert.Empty(Expectations.Keys.Except(files));
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void EachFixtureFileReadsOrFailsAsItDeserves(string relative)
    {
        Assert.True(Expectations.TryGetValue(relative, out var expected), $"No expectation written down for '{relative}'.");
        var full = Path.Combine(RepositoryPaths.SharedCdmFixtures, relative);
        if (expected.ErrorId is not null)
        {
            var ex = ReadFails(full);
            Assert.Equal(expected.ErrorId, ex.ErrorId);
            foreach (var mention in expected.Mentions)
            {
                Assert.Contains(mention, ex.Message, StringComparison.Ordinal);
            }

            return;
        }

        var folder = Read(full);
        Assert.Equal(expected.Kind, folder.Kind);
        Assert.Equal(full, folder.DocumentPath);
        Assert.Equal(Path.GetDirectoryName(full), folder.Location);
        Assert.Equal(expected.Entities.Select(e => e.Name), folder.Entities.Select(e => e.Name));
        foreach (var (want, got) in expected.Entities.Zip(folder.Entities))
        {
            Assert.Equal(want.Attributes, got.Attributes.Count);
            Assert.Equal(want.Partitions, got.Partitions.Count);
            if (want.Types is not null)
            {
                Assert.Equal(want.Types, TypeCounts(got));
            }
        }

        Assert.Equal(expected.Warnings, folder.Warnings.Count);
    }

    [Fact]
    public void Sample1ManifestReadsTenEntitiesWithTheirHeaderOnlyPartitions()
    {
        var folderPath = Path.Combine(RepositoryPaths.SharedCdmFixtures, Sample1.TrimEnd('/'));
        var folder = Read(folderPath);
        Assert.Equal(CdmDocumentKind.Manifest, folder.Kind);
        Assert.Equal(Path.Combine(folderPath, "default.manifest.cdm.json"), folder.DocumentPath);
        Assert.Equal(10, folder.Entities.Count);
        Assert.Empty(folder.Warnings);
        foreach (var entity in folder.Entities)
        {
            var partition = Assert.Single(entity.Partitions);
            var csvPath = Path.Combine(folderPath, entity.Name, "partition-data.csv");
            Assert.Equal(csvPath, partition.Location);
            Assert.Equal(PartitionFormat.Csv, partition.Format);
            Assert.Equal(new CsvFormat(HasHeader: true, Delimiter: ","), partition.Csv);
            Assert.Equal(new FileInfo(csvPath).Length, partition.Size);
            Assert.Equal(partition.Size, entity.TotalSize);
            Assert.NotNull(partition.LastModified);

            // The fixture README: each CSV header equals the entity's attribute names in order.
            var header = File.ReadAllText(csvPath).Split(',');
            Assert.Equal(header, entity.Attributes.Select(a => a.Name));
            Assert.Equal(Path.Combine(folderPath, entity.Name + ".cdm.json"), entity.DocumentPath);
        }
    }

    [Fact]
    public void Sample1LengthsNullabilityAndDecimalsComeFromTraits()
    {
        var folder = Read(Path.Combine(RepositoryPaths.SharedCdmFixtures, Sample1, "default.manifest.cdm.json"));
        var account = Entity(folder, "Account");
        Assert.Equal(56, account.Attributes.Count(a => a.MaxLength is not null));
        Assert.Equal(175, account.Attributes.Count(a => a.IsNullable == true));
        var contact = Entity(folder, "Contact");
        Assert.Equal(103, contact.Attributes.Count(a => a.MaxLength is not null));
        Assert.Equal(259, contact.Attributes.Count(a => a.IsNullable == true));

        // Lengths are only in is.constrained traits, as strings ("1250" and the like); decimals have no precision arguments.
        Assert.All(account.Attributes.Where(a => a.MaxLength is not null), a => Assert.Equal("string", a.DataType));
        Assert.All(account.Attributes.Where(a => a.DataType == "decimal"), a => Assert.Null(a.Precision));
        var name = Assert.Single(account.Attributes, a => a.Name == "name");
        Assert.Equal(160, name.MaxLength);
        Assert.False(string.IsNullOrEmpty(name.Description));
    }

    [Fact]
    public void PatternSampleTreeHasNoDocumentOfItsOwn()
    {
        var ex = ReadFails(Path.Combine(RepositoryPaths.SharedCdmFixtures, "microsoft-cdm/samples/7-search-partition-pattern/sample-data"));
        Assert.Equal(ErrorIds.CdmDocumentNotFound, ex.ErrorId);
    }

    [Fact]
    public void ModelJsonFolderReadsLikeItsDocument()
    {
        var folder = Read(Path.Combine(RepositoryPaths.SharedCdmFixtures, ModelJsonTests, "ModelJson/TestLoadingAndSavingDateAndTimeDataTypes/Input"));
        Assert.Equal(CdmDocumentKind.ModelJson, folder.Kind);
        var appointment = Assert.Single(folder.Entities);
        Assert.Equal(["date", "time", "string"], appointment.Attributes.Select(a => a.DataType));
    }

    internal static IEnumerable<string> AllFixtureFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.SharedCdmFixtures, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.SharedCdmFixtures, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static Dictionary<string, Expectation> BuildExpectations()
    {
        var e = new Dictionary<string, Expectation>(StringComparer.Ordinal);
        static Expectation Unsupported() => Expectation.Fails(ErrorIds.UnsupportedCdmDocument, "is not a CDM document");

        e["README.md"] = Unsupported();
        e["microsoft-cdm/LICENSE"] = Unsupported();
        e["microsoft-cdm/LICENSE-CODE"] = Unsupported();
        e["microsoft-cdm/docs/schema/modeljsonschema.json"] = Unsupported();

        // Sample 1: the manifest, the resolved entity documents (each read on its own, without partitions), the CSVs.
        e[Sample1 + "default.manifest.cdm.json"] = Expectation.Reads(
            CdmDocumentKind.Manifest,
            0,
            Sample1Entities.Keys.Where(k => k != "LocalMobileCareTeam").Order(StringComparer.Ordinal).Select(k => new EntityExpectation(k, Sample1Entities[k].Attributes, 1, Sample1Entities[k].Types)).ToArray());
        foreach (var (name, (attributes, types)) in Sample1Entities)
        {
            e[Sample1 + name + ".cdm.json"] = Expectation.Reads(CdmDocumentKind.EntityDocument, 1, new EntityExpectation(name, attributes, 0, types));
            if (name != "LocalMobileCareTeam")
            {
                e[Sample1 + name + "/partition-data.csv"] = Unsupported();
            }
        }

        e[Sample1 + "MobileCareTeam.cdm.json"] = Expectation.Fails(ErrorIds.UnresolvedEntityDocument, "MobileCareTeam", "extends 'CareTeam'");

        // Sample 4: the Customers partition URL is a placeholder (https://<ACCOUNT-NAME>...), not a URL.
        e["microsoft-cdm/samples/4-read-local-save-adls/sample-data/model.json"] = Expectation.Fails(ErrorIds.InvalidCdmDocument, "Customers", "not a valid URL");

        // Schema examples: blob partitions of another account, read from a local folder; the linked one has no partitions.
        e["microsoft-cdm/docs/schema/examples/OrdersProducts/model.json"] = Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'Orders'", "https://dfmsitscuscdsa.blob.core.windows.net/");
        e["microsoft-cdm/docs/schema/examples/OrdersProductsCustomersLinked/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 2, new EntityExpectation("Customers", 11, 0, "string=11"));

        // The CDM object model's model.json test inputs.
        foreach (var traits in new[] { "TestLoadingAndSavingCsvPartitionTraits", "TestLoadingCsvPartitionTraits", "TestLoadingCsvPartitionTraitsFromFileFormatSettings" })
        {
            e[ModelJsonTests + "DataPartition/" + traits + "/Input/model.json"] = Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'someEntity'", "http://contoso.com/data-partitions.csv");
        }

        e[ModelJsonTests + "DataPartition/TestModelJsonDataPartitionLocationConsistency/Input/model.json"] =
            Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'EpisodeOfCare'", @"C:\cdm\testData\Persistence");
        foreach (var extensibility in new[] { "ModelJson/TestExtensibilityLoadingModelJsonAndCdmFolderToData", "ModelJsonExtensibility/TestModelJsonExtensibility", "ModelJsonExtensibility/TestModelJsonExtensibilityManifestDocs" })
        {
            e[ModelJsonTests + extensibility + "/Input/model.json"] = Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'sampleEntity'", "http://contoso.com/");
        }

        e[ModelJsonTests + "ModelJson/TestLoadingModelJsonResultAndCdmFolderToData/Input/model.json"] = Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'Account'", "http://contoso.com/Account/partition-data.csv");
        foreach (var customers in new[] { "TestManifestFoundationImport", "TestModelJsonFromAndToData", "TestNameOnModelLoad" })
        {
            e[ModelJsonTests + "ModelJson/" + customers + "/Input/model.json"] = Expectation.Fails(ErrorIds.PartitionOutsideFolder, "entity 'Customers'", "http://www.azure.com/1123123-12123-12312/someurl/2016.csv");
        }

        e[ModelJsonTests + "ModelJson/TestIncorrectModelLocation/Input/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 1);
        e[ModelJsonTests + "ModelJson/TestReferenceModels/Input/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 1);
        e[ModelJsonTests + "ModelJson/TestLoadingAndSavingCdmTraits/Input/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 1, new EntityExpectation("someEntity", 0, 0));
        e[ModelJsonTests + "ModelJson/TestLoadingAndSavingDateAndTimeDataTypes/Input/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 0, new EntityExpectation("Appointment", 3, 0, "date=1,string=1,time=1"));
        e[ModelJsonTests + "ModelJson/TestLoadingModelJsonAndCdmFolderToData/Input/model.json"] = Expectation.Reads(CdmDocumentKind.ModelJson, 1, new EntityExpectation("Customers", 11, 0, "string=11"));

        // Sample 7: only data files.
        foreach (var csv in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.SharedCdmFixtures, "microsoft-cdm/samples/7-search-partition-pattern"), "*.csv", SearchOption.AllDirectories))
        {
            e[Path.GetRelativePath(RepositoryPaths.SharedCdmFixtures, csv).Replace('\\', '/')] = Unsupported();
        }

        return e;
    }

    public sealed record EntityExpectation(string Name, int Attributes, int Partitions, string? Types = null);

    private sealed record Expectation(string? ErrorId, string[] Mentions, CdmDocumentKind Kind, int Warnings, EntityExpectation[] Entities)
    {
        public static Expectation Fails(string errorId, params string[] mentions) => new(errorId, mentions, default, 0, []);

        public static Expectation Reads(CdmDocumentKind kind, int warnings, params EntityExpectation[] entities) => new(null, [], kind, warnings, entities);
    }
}
