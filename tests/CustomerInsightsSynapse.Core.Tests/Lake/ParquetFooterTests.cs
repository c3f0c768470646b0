using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using Parquet.Schema;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

public sealed class ParquetFooterTests
{
    [Fact]
    public async Task ReadsOnlyTheTailAndTheFooter()
    {
        var file = ParquetTestFiles.Orders(rows: 20_000);
        var reads = new List<(long Offset, int Count)>();
        ReadFileRange read = (offset, count, _) =>
        {
            reads.Add((offset, count));
            return Task.FromResult(file.AsSpan((int)offset, count).ToArray());
        };

        var schema = await ParquetFooter.ReadAsync(read, "orders.parquet", file.Length, CancellationToken.None);

        var footer = ParquetTestFiles.FooterLength(file);
        Assert.Equal([(file.Length - 8L, 8), (file.Length - 8L - footer, footer)], reads);
        Assert.Equal(8 + footer, schema.BytesRead);
        Assert.True(schema.BytesRead * 20 < file.Length, $"read {schema.BytesRead} of {file.Length} bytes");
        Assert.Equal(
            [("OrderID", "INT64", "INT(64,true)", "bigint"), ("Freight", "DOUBLE", null, "float"), ("CustomerID", "BYTE_ARRAY", "STRING", "varchar")],
            schema.Columns.Select(c => (c.Name, c.PhysicalType, c.LogicalType, c.SqlType)));
    }

    [Fact]
    public async Task ReadsALocalFileThroughItsStream()
    {
        var path = Path.Combine(Path.GetTempPath(), "cisynapse-footer-" + Guid.NewGuid().ToString("N") + ".parquet");
        await File.WriteAllBytesAsync(path, ParquetTestFiles.Orders(rows: 100));
        try
        {
            await using var stream = File.OpenRead(path);
            var schema = await ParquetFooter.ReadAsync(ParquetFooter.ForStream(stream), path, stream.Length, CancellationToken.None);

            Assert.Equal(["OrderID", "Freight", "CustomerID"], schema.Columns.Select(c => c.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task MapsLogicalTypesAsTheParquetTypeMappingDocuments()
    {
        var file = ParquetTestFiles.Write(
            (new DataField<bool>("Flag"), new[] { true }),
            (new DataField<int>("Count"), new[] { 1 }),
            (new DataField<short>("Small"), new short[] { 1 }),
            (new DataField<float>("Ratio"), new[] { 1f }),
            (new DecimalDataField("Amount", 18, 4), new[] { 1.5m }),
            (new DataField<DateOnly>("Day"), new[] { new DateOnly(2026, 1, 2) }),
            (new DateTimeDataField("At", DateTimeFormat.Timestamp, isAdjustedToUTC: true), new[] { DateTime.UtcNow }),
            (new DataField<Guid>("Key"), new[] { Guid.NewGuid() }),
            (new DataField<byte[]>("Payload"), new[] { new ReadOnlyMemory<byte>([1, 2]) }));

        var schema = await ParquetFooter.ReadAsync(InMemory(file), "types.parquet", file.Length, CancellationToken.None);

        var byName = schema.Columns.ToDictionary(c => c.Name);
        Assert.Equal(("bit", ParquetValueKind.Boolean), (byName["Flag"].SqlType, byName["Flag"].Kind));
        Assert.Equal("int", byName["Count"].SqlType);
        Assert.Equal(("smallint", "INT(16,true)"), (byName["Small"].SqlType, byName["Small"].LogicalType));
        Assert.Equal("real", byName["Ratio"].SqlType);
        Assert.Equal(("decimal(18,4)", ParquetValueKind.Decimal), (byName["Amount"].SqlType, byName["Amount"].Kind));
        Assert.Equal("date", byName["Day"].SqlType);
        Assert.Equal(("datetime2(7)", ParquetValueKind.DateTime), (byName["At"].SqlType, byName["At"].Kind));
        Assert.Equal(("FIXED_LEN_BYTE_ARRAY", "uniqueidentifier"), (byName["Key"].PhysicalType, byName["Key"].SqlType));
        Assert.Equal(("BYTE_ARRAY", null, ParquetValueKind.Binary), (byName["Payload"].PhysicalType, byName["Payload"].LogicalType, byName["Payload"].Kind));
    }

    [Theory]
    [InlineData("not parquet at all, just text")]
    [InlineData("PAR1")]
    public async Task AFileWithoutTheParquetTailIsInvalidParquetFile(string content)
    {
        var file = System.Text.Encoding.ASCII.GetBytes(content);

        var error = await Assert.ThrowsAsync<CISynapseException>(() => ParquetFooter.ReadAsync(InMemory(file), "bad.parquet", file.Length, CancellationToken.None));

        Assert.Equal(ErrorIds.InvalidParquetFile, error.ErrorId);
        Assert.Contains("'bad.parquet'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFooterLengthLargerThanTheFileIsInvalidParquetFile()
    {
        var file = ParquetTestFiles.Orders(rows: 10);
        BitConverter.GetBytes(file.Length).CopyTo(file, file.Length - 8);

        var error = await Assert.ThrowsAsync<CISynapseException>(() => ParquetFooter.ReadAsync(InMemory(file), "cut.parquet", file.Length, CancellationToken.None));

        Assert.Equal(ErrorIds.InvalidParquetFile, error.ErrorId);
        Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnsRoundTripThroughTheModelJsonAnnotation()
    {
        IReadOnlyList<ParquetColumn> columns = [ParquetTypeMap.Leaf("a", "INT64", null), ParquetTypeMap.Leaf("b", "BYTE_ARRAY", "STRING"), ParquetTypeMap.Leaf("c", "INT32", "DECIMAL", 9, 2)];

        Assert.Equal(columns, ParquetTypeMap.Deserialize(ParquetTypeMap.Serialize(columns)));
        Assert.Null(ParquetTypeMap.Deserialize("{\"not\":\"a list\"}"));
        Assert.Null(ParquetTypeMap.Deserialize(null));
    }

    private static ReadFileRange InMemory(byte[] file) => (offset, count, _) =>
        Task.FromResult(file.AsSpan((int)offset, (int)Math.Min(count, file.Length - offset)).ToArray());
}

[Collection(AzuriteCollection.Name)]
public sealed class ParquetSourceLandingTests : IDisposable
{
    private readonly LakeScenario _lake;

    public ParquetSourceLandingTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task ABlobFooterIsReadWithTwoRangedGets()
    {
        var file = ParquetTestFiles.Orders(rows: 20_000);
        var blob = _lake.Container.GetBlobClient("footer/orders.parquet");
        await blob.UploadAsync(BinaryData.FromBytes(file));
        var client = _lake.Factory.Container(_lake.Target.Container).GetBlobClient("footer/orders.parquet");
        _lake.Recorder.Clear();

        var schema = await ParquetFooter.ReadBlobAsync(client, CancellationToken.None);

        var gets = _lake.Recorder.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, gets.Count);
        Assert.Equal(8 + ParquetTestFiles.FooterLength(file), gets.Sum(g => g.ResponseLength));
        Assert.Equal(schema.BytesRead, gets.Sum(g => g.ResponseLength));
        Assert.Single(_lake.Recorder.Requests, r => r.Method == "HEAD");
        Assert.Equal(3, schema.Columns.Count);
    }

    [Fact]
    public async Task LandedParquetColumnsAreRecordedInModelJson_AndReadOncePerFile()
    {
        var source = _lake.NewFolder();
        var entity = ParquetEntity(source, "Orders", [new("OrderID", "int32"), new("Freight", "decimal"), new("CustomerID", "guid"), new("Region", "string")], ParquetTestFiles.Orders(50), ParquetTestFiles.Orders(60));
        var log = new RecordingLog();

        var first = await _lake.Lander().LandAsync(_lake.Target, [entity], new OperationContext(CancellationToken.None, new RecordingProgress(), log));

        var landed = Assert.Single(first.Entities);
        Assert.Equal(LandingAction.Landed, landed.Action);
        Assert.Equal(["OrderID", "Freight", "CustomerID"], landed.ParquetColumns!.Select(c => c.Name));
        var entry = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!["entities"]![0]!;
        var annotation = entry["annotations"]!.AsArray().Single(a => (string?)a!["name"] == "cisynapse:parquetColumns");
        Assert.Equal(landed.ParquetColumns, ParquetTypeMap.Deserialize((string?)annotation!["value"]));
        Assert.Contains(log.Messages, m => m.Contains("read the footers of 2 Parquet files", StringComparison.Ordinal));

        _lake.Recorder.Clear();
        var second = await _lake.Lander().LandAsync(_lake.Target, [entity], new OperationContext(CancellationToken.None, new RecordingProgress(), new RecordingLog()));

        Assert.Equal(LandingAction.Unchanged, Assert.Single(second.Entities).Action);
        Assert.Equal(landed.ParquetColumns, second.Entities[0].ParquetColumns);
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Path.EndsWith(".parquet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnIncompatibleColumnFailsTheEntityBeforeTheCommit()
    {
        var source = _lake.NewFolder();
        var good = ParquetEntity(source, "Orders", [new("OrderID", "int64")], ParquetTestFiles.Orders(5));
        await _lake.Lander().LandAsync(_lake.Target, [good], new OperationContext(CancellationToken.None, new RecordingProgress(), new RecordingLog()));
        var modelBefore = _lake.Download("SalesDb/model.json");
        var binary = ParquetTestFiles.Write((new DataField<byte[]>("OrderID"), new[] { new ReadOnlyMemory<byte>([1]) }));
        var changed = ParquetEntity(_lake.NewFolder(), "Orders", [new("OrderID", "int64")], binary);

        var result = await _lake.Lander().LandAsync(_lake.Target, [changed], new OperationContext(CancellationToken.None, new RecordingProgress(), new RecordingLog()));

        var failed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.IncompatibleParquetColumn, failed.Error!.ErrorId);
        Assert.Contains("'OrderID'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'Orders'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("BYTE_ARRAY", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("int64 (bigint)", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("part-0000.parquet", failed.Error.Message, StringComparison.Ordinal);
        Assert.False(result.ModelCommitted);
        Assert.Equal(modelBefore, _lake.Download("SalesDb/model.json"));
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/Orders/" + result.SnapshotId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FilesThatDisagreeFailTheEntityNamingBothFiles()
    {
        var other = ParquetTestFiles.Write((new DataField<int>("OrderID"), new[] { 1 }));
        var entity = ParquetEntity(_lake.NewFolder(), "Orders", [new("OrderID", "int64")], ParquetTestFiles.Orders(5), other);

        var result = await _lake.Lander().LandAsync(_lake.Target, [entity], new OperationContext(CancellationToken.None, new RecordingProgress(), new RecordingLog()));

        var failed = Assert.Single(result.Entities);
        Assert.Equal(ErrorIds.ParquetSchemaMismatch, failed.Error!.ErrorId);
        Assert.Contains("part-0000.parquet", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("part-0001.parquet", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'OrderID' is INT64 (INT(64,true)) in the first and INT32 (INT(32,true)) in the second", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIfReadsTheSourceFootersOfLocalAndBlobPartitions()
    {
        var local = ParquetEntity(_lake.NewFolder(), "Orders", [new("OrderID", "int32")], ParquetTestFiles.Orders(10));
        var source = _lake.Other("cdm");
        await source.UploadBlobAsync("Orders/part.parquet", BinaryData.FromBytes(ParquetTestFiles.Orders(10)));
        var blob = new CdmPartition($"{_lake.Endpoint}/{source.Name}/Orders/part.parquet", PartitionFormat.Parquet);
        var etag = (await source.GetBlobClient("Orders/part.parquet").GetPropertiesAsync()).Value.ETag.ToString().Trim('"');
        var size = (await source.GetBlobClient("Orders/part.parquet").GetPropertiesAsync()).Value.ContentLength;
        var localPartition = local.Partitions[0];
        var warnings = new List<string>();

        var fromLocal = await ParquetFooter.PreviewColumnsAsync(_lake.Factory, Plan(local, new SourcePartition(localPartition, "part-0000.parquet", new FileInfo(localPartition.Location).Length, "v")), warnings, CancellationToken.None);
        var fromBlob = await ParquetFooter.PreviewColumnsAsync(_lake.Factory, Plan(local with { Partitions = [blob] }, new SourcePartition(blob, "part.parquet", size, etag)), warnings, CancellationToken.None);
        var refused = await ParquetFooter.PreviewColumnsAsync(_lake.Factory, Plan(local with { Attributes = [new("Freight", "int32")] }, new SourcePartition(localPartition, "part-0000.parquet", new FileInfo(localPartition.Location).Length, "v")), warnings, CancellationToken.None);

        Assert.Equal(["OrderID", "Freight", "CustomerID"], fromLocal!.Select(c => c.Name));
        Assert.Equal(fromLocal, fromBlob);
        Assert.Null(refused);
        Assert.Contains(warnings, w => w.StartsWith("Entity 'Orders' would not land: The column 'Freight'", StringComparison.Ordinal));
    }

    private static EntityPlan Plan(CdmEntity entity, SourcePartition partition) =>
        new(entity, PlannedAction.Land, [partition], "fingerprint", null);

    private static CdmEntity ParquetEntity(string folder, string name, CdmAttribute[] attributes, params byte[][] files)
    {
        var dir = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
        var partitions = files.Select((bytes, i) =>
        {
            var path = Path.Combine(dir, $"part-{i:D4}.parquet");
            File.WriteAllBytes(path, bytes);
            return new CdmPartition(path, PartitionFormat.Parquet) { LocalFolder = RealPaths.Resolve(folder) };
        }).ToList();
        return new CdmEntity(name, attributes, partitions);
    }
}
