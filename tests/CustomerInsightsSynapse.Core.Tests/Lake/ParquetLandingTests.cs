using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using DuckDB.NET.Data;
using Parquet;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>Landing a local source with LandAs Parquet into Azurite: the files, model.json, incremental runs and failures.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ParquetLandingTests : IDisposable
{
    private static readonly LandingOptions AsParquet = new() { LandAs = LandingFormat.Parquet };

    private readonly LakeScenario _lake;

    public ParquetLandingTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LocalCsv_LandsAsTypedParquet_AndModelJsonDeclaresIt()
    {
        var source = _lake.NewFolder();
        var entity = Typed(source, "Contact", ("part-0001.csv", "1,\"Ann\",2019-07-10T08:30:00.1234567+02:00\n2,\"Bo\",\n"), ("2026/_late.csv", "3,\"\",2026-01-01T00:00:00Z\n"));

        var result = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [entity], OperationContext.None);

        var landed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Landed, landed.Action);
        Assert.Equal(2, landed.Files);
        var folder = $"SalesDb/Contact/{result.SnapshotId}";
        Assert.Equal([$"{folder}/2026/x_late.parquet", $"{folder}/part-0001.parquet"], _lake.BlobNames().Where(n => n.StartsWith(folder, StringComparison.Ordinal)));
        Assert.Equal(ParquetPartitionWriter.ContentType, _lake.Container.GetBlobClient($"{folder}/part-0001.parquet").GetProperties().Value.ContentType);

        var local = Path.Combine(source, "landed.parquet");
        await File.WriteAllBytesAsync(local, _lake.Download($"{folder}/part-0001.parquet"));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        var rows = ParquetPartitionWriterTests.Query(duck, $"SELECT CAST(Id AS VARCHAR), Name, CAST(Created AS VARCHAR) FROM read_parquet('{local}') ORDER BY Id");
        // INT96, read by DuckDB in microseconds (Parquet.Net reads the 7th digit in ParquetPartitionWriterTests).
        Assert.Equal([["1", "Ann", "2019-07-10 06:30:00.123456"], ["2", "Bo", "<null>"]], rows);

        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!["entities"]![0]!;
        var partitions = model["partitions"]!.AsArray();
        Assert.All(partitions, p => Assert.Equal("ParquetFormatSettings", (string?)p!["fileFormatSettings"]!["$type"]));
        Assert.All(partitions, p => Assert.EndsWith(".parquet", (string)p!["location"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnchangedSource_IsNotConvertedAgain_ButChangingLandAsOrInvalidValueLandsItAgain()
    {
        var source = _lake.NewFolder();
        var entity = Typed(source, "Contact", ("part.csv", "1,\"Ann\",2019-07-10T00:00:00Z\n"));
        var first = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [entity], OperationContext.None);
        _lake.Recorder.Clear();

        var again = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [entity], OperationContext.None);
        var nulling = await _lake.Lander(AsParquet with { InvalidValue = InvalidValueAction.Null }).LandAsync(_lake.Target, [entity], OperationContext.None);
        var csv = await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);

        Assert.Equal(LandingAction.Unchanged, Assert.Single(again.Entities).Action);
        Assert.Equal(first.SnapshotId, again.Entities[0].SnapshotId);
        Assert.Equal(LandingAction.Landed, Assert.Single(nulling.Entities).Action);
        Assert.Equal(LandingAction.Landed, Assert.Single(csv.Entities).Action);
        Assert.Contains($"SalesDb/Contact/{csv.SnapshotId}/part.csv", _lake.BlobNames());
        var partition = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!["entities"]![0]!["partitions"]![0]!;
        Assert.Equal("CsvFormatSettings", (string?)partition["fileFormatSettings"]!["$type"]);
    }

    [Fact]
    public async Task ValueThatDoesNotConvert_FailsTheEntity_WhichKeepsItsPreviousSnapshot()
    {
        var source = _lake.NewFolder();
        var good = Typed(source, "Contact", ("part.csv", "1,\"Ann\",2019-07-10T00:00:00Z\n"));
        var first = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [good], OperationContext.None);
        File.WriteAllText(good.Partitions[0].Location, "1,\"Ann\",2019-07-10T00:00:00Z\ntwo,\"Bo\",yesterday\n");
        var changed = Typed(source, "Contact", ("part.csv", null));

        var second = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [changed], OperationContext.None);

        var failed = Assert.Single(second.Entities);
        Assert.Equal(LandingAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.ParquetValueNotConverted, failed.Error!.ErrorId);
        Assert.Contains("column 'Id' (bigint): 1 value(s), first 'two'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'Created' (datetime2(7)): 1 value(s), first 'yesterday'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(first.SnapshotId, failed.SnapshotId);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith($"SalesDb/Contact/{second.SnapshotId}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValueThatDoesNotConvert_WithInvalidValueNull_LandsAsNull_AndIsCountedInTheResult()
    {
        var source = _lake.NewFolder();
        var entity = Typed(source, "Contact", ("a.csv", "x,\"Ann\",2019-07-10T00:00:00Z\n"), ("b.csv", "y,\"Bo\",soon\nz,\"Cy\",\n"));

        var result = await _lake.Lander(AsParquet with { InvalidValue = InvalidValueAction.Null }).LandAsync(_lake.Target, [entity], OperationContext.None);

        var landed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Landed, landed.Action);
        Assert.Equal([("Id", 3L), ("Created", 1L)], landed.NulledValues.OrderByDescending(n => n.Count).Select(n => (n.Column, n.Count)));
        Assert.Equal(3, landed.NulledValues.Single(n => n.Column == "Id").Samples.Count);
    }

    [Fact]
    public async Task LakeSource_WithLandAsParquet_IsPlannedForConversionOnTheServer_AndLandsAgainWhenLandAsChanges()
    {
        var source = _lake.Other("source");
        await source.UploadBlobAsync("Contact/part.csv", BinaryData.FromString("1\n"));
        var lakeCsv = new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part.csv", PartitionFormat.Csv, CsvFormat.Default);
        var entity = new CdmEntity("Contact", [new("Id", "int64")], [lakeCsv]);

        var parquet = await new LandingPlanner(_lake.Factory, AsParquet).PlanAsync(_lake.Target, [entity], OperationContext.None);
        var csv = await new LandingPlanner(_lake.Factory).PlanAsync(_lake.Target, [entity], OperationContext.None);

        var planned = Assert.Single(parquet.Entities);
        Assert.Equal(PlannedAction.Land, planned.Action);
        var partition = Assert.Single(planned.Partitions);
        Assert.True(partition.ConvertOnServer);
        Assert.False(partition.ConvertToParquet);
        Assert.Equal("part.csv", partition.RelativePath);
        Assert.False(Assert.Single(csv.Entities).Partitions[0].ConvertOnServer);
        Assert.NotEqual(csv.Entities[0].Fingerprint, planned.Fingerprint);

        // Landing without SQL (no convert step) cannot convert it: the entity fails and nothing is staged.
        var landed = await _lake.Lander(AsParquet).LandAsync(_lake.Target, [entity], OperationContext.None);
        Assert.Equal(ErrorIds.ParquetConversionNeedsApply, Assert.Single(landed.Entities).Error!.ErrorId);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/cisynapse-staging/", StringComparison.Ordinal) || n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal));
    }

    [Fact]
    public void ViewOverALandedParquetEntity_ReadsTypedColumns_AndConvertsGuidAndOffsetText()
    {
        var partition = new CdmPartition("/data/Contact/part.csv", PartitionFormat.Csv, CsvFormat.Default);
        var entity = new CdmEntity("Contact", [new("Id", "int64"), new("Name", "string", MaxLength: 10), new("Key", "guid"), new("Seen", "dateTimeOffset"), new("Created", "dateTime")], [partition]);
        var landed = ParquetLanding.AsLanded(entity, convertedToParquet: true);

        var view = ServerlessSqlGenerator.Generate(new SqlScriptRequest("SalesDb", QueryAccessMode.CallerIdentity, DataLakeContainer.ForAccount("contoso", "lake"), [new LandedEntity(landed, "SalesDb/Contact/20261205T000000Z")]))
            .Batches.Single(b => b.Kind == SqlBatchKind.View).Text;

        Assert.Contains("FORMAT = 'PARQUET'", view, StringComparison.Ordinal);
        Assert.Contains("[Id] AS [Id]", view, StringComparison.Ordinal);
        Assert.Contains("TRY_CONVERT(uniqueidentifier, NULLIF([Key], '')) AS [Key]", view, StringComparison.Ordinal);
        Assert.Contains("TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127) AS [Seen]", view, StringComparison.Ordinal);
        Assert.Contains("[Id] bigint,", view, StringComparison.Ordinal);
        Assert.Contains("[Name] varchar(30) COLLATE Latin1_General_100_BIN2_UTF8,", view, StringComparison.Ordinal);
        Assert.Contains("[Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,", view, StringComparison.Ordinal);
        Assert.Contains("[Created] datetime2(7)", view, StringComparison.Ordinal);
    }

    /// <summary>An entity (Id int64, Name string, Created dateTime) over local CSV files; null content keeps a file as it is.</summary>
    private static CdmEntity Typed(string folder, string name, params (string Path, string? Csv)[] files)
    {
        var partitions = new List<CdmPartition>();
        foreach (var (relative, csv) in files)
        {
            var path = Path.Combine(folder, name, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (csv is not null)
            {
                File.WriteAllText(path, csv);
            }

            partitions.Add(new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = RealPaths.Resolve(folder) });
        }

        return new CdmEntity(name, [new("Id", "int64"), new("Name", "string", MaxLength: 100), new("Created", "dateTime")], partitions);
    }
}
