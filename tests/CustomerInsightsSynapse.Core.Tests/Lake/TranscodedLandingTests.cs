using System.Text;
using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[Collection(AzuriteCollection.Name)]
public sealed class TranscodedLandingTests : IDisposable
{
    private const string Text = "Id,Name\n1,Zoë Ångström – €5\n2,\"Köln, Straße\"\n";

    private readonly AzuriteFixture _azurite;
    private readonly LakeScenario _lake;

    public TranscodedLandingTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _lake = new LakeScenario(azurite);
    }

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LocalAndBlobPartitionsInOtherEncodings_LandAsUtf8_AndModelJsonAndTheResultSaySo()
    {
        var folder = _lake.NewFolder();
        var local = Path.Combine(folder, "part-1252.csv");
        await File.WriteAllBytesAsync(local, CsvEncodings.Find("windows-1252")!.GetBytes(Text));
        var source = _lake.Other("cdm");
        await source.UploadBlobAsync("Contact/part-utf16.csv", BinaryData.FromBytes([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Text)]));
        await source.UploadBlobAsync("Contact/part-utf8.csv", BinaryData.FromString(Text));
        var latin = new CdmEntity("Latin", LakeScenario.Attributes("Id", "Name"),
            [new CdmPartition(local, PartitionFormat.Csv, new CsvFormat(HasHeader: true, Encoding: "windows-1252")) { LocalFolder = RealPaths.Resolve(folder) }]);
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name"),
        [
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part-utf16.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true, Encoding: "UTF-16")),
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part-utf8.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
        ]);
        var log = new RecordingLog();

        var result = await _lake.Lander().LandAsync(_lake.Target, [latin, contact], new OperationContext(CancellationToken.None, new RecordingProgress(), log));

        var byName = result.Entities.ToDictionary(e => e.Entity);
        Assert.All(result.Entities, e => Assert.True(e.Action == LandingAction.Landed, e.Error?.Message));
        Assert.Equal(1, byName["Latin"].TranscodedFiles);
        Assert.Equal(["windows-1252"], byName["Latin"].TranscodedFrom);
        Assert.Equal(1, byName["Contact"].TranscodedFiles);
        Assert.Equal(["UTF-16"], byName["Contact"].TranscodedFrom);
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Latin/{result.SnapshotId}/part-1252.csv"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Contact/{result.SnapshotId}/part-utf16.csv"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Contact/{result.SnapshotId}/part-utf8.csv"));

        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!.AsObject();
        var partitions = model["entities"]!.AsArray().SelectMany(e => e!["partitions"]!.AsArray()).ToList();
        Assert.Equal(3, partitions.Count);
        Assert.All(partitions, p => Assert.Equal("UTF-8", (string?)p!["fileFormatSettings"]!["encoding"]));
        Assert.Contains(log.Messages, m => m.Contains("part-utf16.csv", StringComparison.Ordinal) && m.Contains("transcoded from UTF-16 to UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Utf8FilesWithAByteOrderMark_LandWithoutIt_AndOthersAreCopiedAsTheyAre()
    {
        var folder = _lake.NewFolder();
        var local = Path.Combine(folder, "bom.csv");
        byte[] withMark = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Text)];
        await File.WriteAllBytesAsync(local, withMark);
        var source = _lake.Other("cdm");
        await source.UploadBlobAsync("Contact/bom.csv", BinaryData.FromBytes(withMark));
        await source.UploadBlobAsync("Contact/plain.csv", BinaryData.FromString(Text));
        var latin = new CdmEntity("Local", LakeScenario.Attributes("Id", "Name"),
            [new CdmPartition(local, PartitionFormat.Csv, new CsvFormat(HasHeader: true)) { LocalFolder = RealPaths.Resolve(folder) }]);
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name"),
        [
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/bom.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/plain.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
        ]);
        _lake.Recorder.Clear();
        var log = new RecordingLog();

        var result = await _lake.Lander().LandAsync(_lake.Target, [latin, contact], new OperationContext(CancellationToken.None, new RecordingProgress(), log));

        Assert.All(result.Entities, e => Assert.True(e.Action == LandingAction.Landed, e.Error?.Message));
        Assert.All(result.Entities, e => Assert.Equal(0, e.TranscodedFiles));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Local/{result.SnapshotId}/bom.csv"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Contact/{result.SnapshotId}/bom.csv"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _lake.Download($"SalesDb/Contact/{result.SnapshotId}/plain.csv"));
        var copies = _lake.Recorder.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/plain.csv", StringComparison.Ordinal) && r.RequestLength == 0 && !r.Query.Contains("comp=block", StringComparison.Ordinal));
        Assert.Equal(1, copies);
        // Whether a blob starts with a mark is asked of the service: no byte of either blob comes to the client.
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Method == "GET" && r.Path.Contains($"/{source.Name}/", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.Contains("Contact/", StringComparison.Ordinal) && m.Contains("bom.csv", StringComparison.Ordinal) && m.Contains("server-side copy without its UTF-8 byte order mark", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.Contains("plain.csv", StringComparison.Ordinal) && m.EndsWith("server-side copy).", StringComparison.Ordinal));
        Assert.Empty(await UncommittedBlocksAsync($"SalesDb/Contact/{result.SnapshotId}/bom.csv"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1_000)]
    [InlineData(700_000)]
    public async Task BlobsWithAByteOrderMark_AreCopiedByTheServiceFromPastIt_InRangesWhenLarge(int length)
    {
        var text = new byte[length - 3];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = (byte)(i % 80 == 79 ? '\n' : 'a' + (i % 26));
        }

        var source = _lake.Other("cdm");
        await source.UploadBlobAsync("Contact/bom.csv", BinaryData.FromBytes([0xEF, 0xBB, 0xBF, .. text]));
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id"),
            [new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/bom.csv", PartitionFormat.Csv, CsvFormat.Default)]);
        _lake.Recorder.Clear();

        var options = new LandingOptions { SingleCopyLimit = 64 * 1024, CopyBlockSize = 256 * 1024 };
        var result = await _lake.Lander(options).LandAsync(_lake.Target, [contact], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(result.Entities).Action);
        Assert.Equal(text, _lake.Download($"SalesDb/Contact/{result.SnapshotId}/bom.csv"));
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Method == "GET" && r.Path.Contains($"/{source.Name}/", StringComparison.Ordinal));
        var staged = _lake.Recorder.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/bom.csv", StringComparison.Ordinal) && r.Query.Split('&', '?').Contains("comp=block"));
        Assert.Equal(1 + ((text.Length + (256 * 1024) - 1) / (256 * 1024)), staged); // the probe, then the ranges past the mark
        Assert.Empty(await UncommittedBlocksAsync($"SalesDb/Contact/{result.SnapshotId}/bom.csv"));
    }

    [Fact]
    public async Task ABlobChangedSincePlanned_FailsAsChanged_WhenAskedForAByteOrderMark()
    {
        var source = _lake.Other("cdm");
        await source.UploadBlobAsync("Contact/part.csv", BinaryData.FromString(Text));
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name"),
            [new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true))]);
        var lander = _lake.Lander();
        await using var database = await lander.LockAsync(_lake.Target, OperationContext.None);
        var plan = await lander.PlanAsync(database, [contact]);
        await source.GetBlobClient("Contact/part.csv").UploadAsync(BinaryData.FromString(Text + "3,Eve\n"), overwrite: true);

        var result = await lander.LandAsync(database, plan);

        var failed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.PartitionLandingFailed, failed.Error!.ErrorId);
        Assert.Contains("changed while it was being landed", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheServiceRefusesTheProbeOtherwise_TheFirst3BytesAreRead()
    {
        using var lake = new LakeScenario(_azurite, new SourceHashSpoiler());
        var source = lake.Other("cdm");
        await source.UploadBlobAsync("Contact/bom.csv", BinaryData.FromBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Text)]));
        await source.UploadBlobAsync("Contact/plain.csv", BinaryData.FromString(Text));
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name"),
        [
            new CdmPartition($"{lake.Endpoint}/{source.Name}/Contact/bom.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
            new CdmPartition($"{lake.Endpoint}/{source.Name}/Contact/plain.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true)),
        ]);
        lake.Recorder.Clear();

        var result = await lake.Lander().LandAsync(lake.Target, [contact], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(result.Entities).Action);
        Assert.Equal(Encoding.UTF8.GetBytes(Text), lake.Download($"SalesDb/Contact/{result.SnapshotId}/bom.csv"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), lake.Download($"SalesDb/Contact/{result.SnapshotId}/plain.csv"));
        var reads = lake.Recorder.Requests.Where(r => r.Method == "GET" && r.Path.Contains($"/{source.Name}/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal(3, r.ResponseLength));
    }

    /// <summary>Makes the service refuse the byte order mark probe with another 400 than Md5Mismatch (InvalidMd5).</summary>
    private sealed class SourceHashSpoiler : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Spoil(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Spoil(message);
            return ProcessNextAsync(message, pipeline);
        }

        private static void Spoil(HttpMessage message)
        {
            if (message.Request.Headers.Contains("x-ms-source-content-md5"))
            {
                message.Request.Headers.SetValue("x-ms-source-content-md5", Convert.ToBase64String(new byte[8]));
            }
        }
    }

    private async Task<IReadOnlyList<string>> UncommittedBlocksAsync(string path)
    {
        var blocks = await _lake.Container.GetBlockBlobClient(path).GetBlockListAsync(global::Azure.Storage.Blobs.Models.BlockListTypes.Uncommitted);
        return blocks.Value.UncommittedBlocks.Select(b => b.Name).ToList();
    }

    [Fact]
    public async Task TheSameSourceLandedBeforeWithoutTranscoding_IsNotUnchanged()
    {
        var folder = _lake.NewFolder();
        var local = Path.Combine(folder, "part.csv");
        await File.WriteAllBytesAsync(local, CsvEncodings.Find("windows-1252")!.GetBytes(Text));
        CdmEntity Entity(string encoding) => new("Contact", LakeScenario.Attributes("Id", "Name"),
            [new CdmPartition(local, PartitionFormat.Csv, new CsvFormat(HasHeader: true, Encoding: encoding)) { LocalFolder = RealPaths.Resolve(folder) }]);
        var planner = new LandingPlanner(_lake.Factory);
        var plain = await planner.PlanAsync(_lake.Target, [Entity("UTF-8")], OperationContext.None);
        var transcoded = await planner.PlanAsync(_lake.Target, [Entity("windows-1252")], OperationContext.None);

        // Same file, size and time: only the landed bytes differ, and the fingerprint must see it.
        Assert.NotEqual(plain.Entities[0].Fingerprint, transcoded.Entities[0].Fingerprint);
        await _lake.Lander().LandAsync(_lake.Target, [Entity("windows-1252")], OperationContext.None);
        var again = await planner.PlanAsync(_lake.Target, [Entity("windows-1252")], OperationContext.None);
        Assert.Equal(PlannedAction.Unchanged, again.Entities[0].Action);
        await File.WriteAllBytesAsync(local, CsvEncodings.Find("windows-1252")!.GetBytes(Text + "3,Ärger\n"));
        var changed = await planner.PlanAsync(_lake.Target, [Entity("windows-1252")], OperationContext.None);
        Assert.Equal(PlannedAction.Land, changed.Entities[0].Action);
    }

    [Fact]
    public async Task UndecodableBytesInABlobSource_FailTheEntityNamingFileAndOffset_AndLandNothingOfIt()
    {
        var source = _lake.Other("cdm");
        var good = Encoding.Unicode.GetBytes("Id,Name\n1,ok\n");
        await source.UploadBlobAsync("Contact/part-0.csv", BinaryData.FromBytes(Encoding.Unicode.GetBytes(Text)));
        await source.UploadBlobAsync("Contact/part-1.csv", BinaryData.FromBytes([.. good, 0x00, 0xDC, 0x41, 0x00]));
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name"),
        [
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part-0.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true, Encoding: "UTF-16LE")),
            new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part-1.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true, Encoding: "UTF-16LE")),
        ]);
        var orders = LakeScenario.LocalEntity(_lake.NewFolder(), "Orders", 1, 5);

        var result = await _lake.Lander(new LandingOptions { MaxParallelFiles = 1 }).LandAsync(_lake.Target, [contact, orders], OperationContext.None);

        var byName = result.Entities.ToDictionary(e => e.Entity);
        Assert.Equal(LandingAction.Failed, byName["Contact"].Action);
        var error = byName["Contact"].Error!;
        Assert.Equal(ErrorIds.CsvTextNotDecodable, error.ErrorId);
        Assert.Contains("'Contact'", error.Message, StringComparison.Ordinal);
        Assert.Contains("part-1.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {good.Length}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal));
        Assert.Equal(LandingAction.Landed, byName["Orders"].Action);
    }
}
