using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[Collection(AzuriteCollection.Name)]
public sealed class LakeLanderTests : IDisposable
{
    private readonly LakeScenario _lake;

    public LakeLanderTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LocalFolder_LandsByteIdenticalFiles_AndModelJsonDescribesTheSnapshots()
    {
        var source = _lake.NewFolder();
        var contacts = LakeScenario.LocalEntity(source, "Contact", partitions: 3, rowsPerPartition: 200);
        var orders = LakeScenario.LocalEntity(source, "Orders", partitions: 1, rowsPerPartition: 50);
        var progress = new RecordingProgress();
        var log = new RecordingLog();

        var result = await _lake.Lander().LandAsync(_lake.Target, [contacts, orders], new OperationContext(CancellationToken.None, progress, log));

        Assert.True(result.ModelCommitted);
        Assert.All(result.Entities, e => Assert.Equal(LandingAction.Landed, e.Action));
        Assert.Equal(4, result.Files);
        var expectedBytes = contacts.Partitions.Concat(orders.Partitions).Sum(p => new FileInfo(p.Location).Length);
        Assert.Equal(expectedBytes, result.Bytes);
        foreach (var entity in new[] { contacts, orders })
        {
            foreach (var partition in entity.Partitions)
            {
                var blob = $"SalesDb/{entity.Name}/{result.SnapshotId}/{Path.GetFileName(partition.Location)}";
                Assert.Equal(await File.ReadAllBytesAsync(partition.Location), _lake.Download(blob));
            }
        }

        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!.AsObject();
        Assert.Equal("SalesDb", (string?)model["name"]);
        Assert.Equal("1.0", (string?)model["version"]);
        var entities = model["entities"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["Contact", "Orders"], entities.Select(e => (string?)e["name"]));
        var contact = entities[0];
        Assert.Equal("LocalEntity", (string?)contact["$type"]);
        Assert.Equal(["Id", "Name", "City"], contact["attributes"]!.AsArray().Select(a => (string?)a!["name"]));
        Assert.All(contact["attributes"]!.AsArray(), a => Assert.Equal("string", (string?)a!["dataType"]));
        var locations = contact["partitions"]!.AsArray().Select(p => (string)p!["location"]!).ToList();
        Assert.Equal(3, locations.Count);
        Assert.All(locations, l => Assert.StartsWith($"{_lake.Endpoint}/{_lake.ContainerName}/SalesDb/Contact/{result.SnapshotId}/part-", l, StringComparison.Ordinal));
        Assert.All(contact["partitions"]!.AsArray(), p => Assert.Equal("CsvFormatSettings", (string?)p!["fileFormatSettings"]!["$type"]));
        Assert.Equal(false, (bool?)contact["partitions"]![0]!["fileFormatSettings"]!["columnHeaders"]);

        var last = progress.Reports[^1];
        Assert.True(last.Completed);
        Assert.Contains("4 of 4 files", last.Status, StringComparison.Ordinal);
        Assert.Contains(log.Messages, m => m.StartsWith("V Landed SalesDb/Contact/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondRunWithNoChange_WritesNothing()
    {
        var source = _lake.NewFolder();
        var entities = new[] { LakeScenario.LocalEntity(source, "Contact", 2, 100), LakeScenario.LocalEntity(source, "Orders", 1, 10) };
        var first = await _lake.Lander().LandAsync(_lake.Target, entities, OperationContext.None);
        // The lock blob is the run's own bookkeeping: each run leases it and records its holder in its metadata.
        var before = _lake.Container.GetBlobs().Where(b => b.Name != "SalesDb/_lock").ToDictionary(b => b.Name, b => b.Properties.ETag);
        _lake.Recorder.Clear();

        var plan = await new LandingPlanner(_lake.Factory).PlanAsync(_lake.Target, entities, OperationContext.None);
        var second = await _lake.Lander().LandAsync(_lake.Target, entities, OperationContext.None);

        Assert.All(plan.Entities, e => Assert.Equal(PlannedAction.Unchanged, e.Action));
        Assert.Equal(0, plan.Files);
        Assert.False(second.ModelCommitted);
        Assert.All(second.Entities, e => Assert.Equal(LandingAction.Unchanged, e.Action));
        Assert.All(second.Entities, e => Assert.Equal(first.SnapshotId, e.SnapshotId));
        Assert.Equal(before, _lake.Container.GetBlobs().Where(b => b.Name != "SalesDb/_lock").ToDictionary(b => b.Name, b => b.Properties.ETag));
        var writes = _lake.Recorder.Requests.Where(r => r.IsWrite && !r.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal)).ToList();
        Assert.Empty(writes);
        Assert.Contains(_lake.Recorder.Requests, r => r.Query.Contains("comp=lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangedEntity_LandsAgain_AndEntitiesOutsideTheRunKeepTheirEntries()
    {
        var source = _lake.NewFolder();
        var contact = LakeScenario.LocalEntity(source, "Contact", 1, 10);
        var orders = LakeScenario.LocalEntity(source, "Orders", 1, 10);
        var first = await _lake.Lander().LandAsync(_lake.Target, [contact, orders], OperationContext.None);
        var ordersEntryBefore = Entry("Orders").ToJsonString();

        File.AppendAllText(contact.Partitions[0].Location, "new-row,\"x\",y\n");
        var second = await _lake.Lander().LandAsync(_lake.Target, [contact], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(second.Entities).Action);
        Assert.Equal(ordersEntryBefore, Entry("Orders").ToJsonString());
        Assert.Contains(second.SnapshotId, (string)Entry("Contact")["partitions"]![0]!["location"]!, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(contact.Partitions[0].Location), _lake.Download($"SalesDb/Contact/{second.SnapshotId}/part-0000.csv"));
        Assert.Contains($"SalesDb/Orders/{first.SnapshotId}/part-0000.csv", _lake.BlobNames());
    }

    [Fact]
    public async Task BlobSource_IsCopiedServerSide_WithoutReadingSourceBytes()
    {
        var sourceContainer = _lake.Other("cdm");
        var small = new byte[300_000];
        var large = new byte[1_300_000];
        new Random(108).NextBytes(small);
        new Random(109).NextBytes(large);
        (small[0], large[0]) = ((byte)'x', (byte)'x'); // no byte order mark, whatever the bytes after
        await sourceContainer.UploadBlobAsync("Contact/part-0000.csv", BinaryData.FromBytes(small));
        await sourceContainer.UploadBlobAsync("Contact/part-0001.csv", BinaryData.FromBytes(large));
        var parquet = ParquetTestFiles.Orders(rows: 5_000);
        await sourceContainer.UploadBlobAsync("Orders/data.parquet", BinaryData.FromBytes(parquet));
        string Url(string path) => $"{_lake.Endpoint}/{sourceContainer.Name}/{path}";
        var contact = new CdmEntity("Contact", LakeScenario.Attributes("Id"), [
            new CdmPartition(Url("Contact/part-0000.csv"), PartitionFormat.Csv, CsvFormat.Default),
            new CdmPartition(Url("Contact/part-0001.csv"), PartitionFormat.Csv, CsvFormat.Default)]);
        var orders = new CdmEntity("Orders", LakeScenario.Attributes("Id"), [new CdmPartition(Url("Orders/data.parquet"), PartitionFormat.Parquet)]);
        _lake.Recorder.Clear();

        // Blobs above 1 MiB go through Put Block From URL in 256 KiB ranges.
        var options = new LandingOptions { SingleCopyLimit = LandingOptions.MiB, CopyBlockSize = 256 * 1024, MaxParallelBlocks = 3 };
        var result = await _lake.Lander(options).LandAsync(_lake.Target, [contact, orders], OperationContext.None);

        Assert.All(result.Entities, e => Assert.Equal(LandingAction.Landed, e.Action));
        Assert.Equal(small, _lake.Download($"SalesDb/Contact/{result.SnapshotId}/part-0000.csv"));
        Assert.Equal(large, _lake.Download($"SalesDb/Contact/{result.SnapshotId}/part-0001.csv"));
        Assert.Equal(parquet, _lake.Download($"SalesDb/Orders/{result.SnapshotId}/data.parquet"));
        var sourceRequests = _lake.Recorder.Requests.Where(r => r.Path.Contains($"/{sourceContainer.Name}/", StringComparison.Ordinal)).ToList();
        // No byte of a source blob is read by the client; whether a CSV blob starts with a UTF-8 byte order mark is
        // asked of the service (a 3-byte Put Block From URL with the mark's MD5, refused here: random bytes).
        Assert.DoesNotContain(sourceRequests, r => r.Method == "GET");
        var stagedBlocks = _lake.Recorder.Requests.Count(r => r.Method == "PUT" && r.Query.Split('&', '?').Contains("comp=block"));
        Assert.Equal(2 + ((large.Length + (256 * 1024) - 1) / (256 * 1024)), stagedBlocks);
        var partitionWrites = _lake.Recorder.Requests.Where(r => r.IsWrite && r.Path.Contains($"/SalesDb/", StringComparison.Ordinal) && !r.Path.EndsWith("/model.json", StringComparison.Ordinal) && !r.Path.EndsWith("/_lock", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 + 2 + 5 + 1, partitionWrites.Count); // 2 probes, 2 Copy Blob From URL, 5 Put Block From URL, 1 Put Block List
        Assert.Equal(0, partitionWrites.Where(r => !r.Query.Contains("comp=blocklist", StringComparison.Ordinal)).Sum(r => r.RequestLength));
    }

    [Fact]
    public async Task RunCancelledInTheMiddle_LeavesPreviousSnapshotAndModelIntact_AndNextRunCompletes()
    {
        var source = _lake.NewFolder();
        var entities = new[] { LakeScenario.LocalEntity(source, "Contact", 3, 50), LakeScenario.LocalEntity(source, "Orders", 3, 50) };
        var first = await _lake.Lander().LandAsync(_lake.Target, entities, OperationContext.None);
        var modelBefore = _lake.Download("SalesDb/model.json");
        var firstContent = entities.SelectMany(e => e.Partitions).ToDictionary(p => p.Location, p => File.ReadAllBytes(p.Location));
        entities = [LakeScenario.LocalEntity(source, "Contact", 3, 60, "v2"), LakeScenario.LocalEntity(source, "Orders", 3, 60, "v2")];

        using var cts = new CancellationTokenSource();
        var landed = 0;
        var options = new LandingOptions
        {
            MaxParallelFiles = 1,
            AfterFileLanded = (_, _) =>
            {
                if (Interlocked.Increment(ref landed) == 4)
                {
                    cts.Cancel();
                }

                return Task.CompletedTask;
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _lake.Lander(options).LandAsync(_lake.Target, entities, OperationContext.For(cts.Token)));

        Assert.Equal(4, landed);
        Assert.Equal(modelBefore, _lake.Download("SalesDb/model.json"));
        foreach (var entity in entities)
        {
            foreach (var p in entity.Partitions)
            {
                Assert.Equal(firstContent[p.Location], _lake.Download($"SalesDb/{entity.Name}/{first.SnapshotId}/{Path.GetFileName(p.Location)}"));
            }
        }

        // The interrupted run's folder is garbage once it is older than the longest lease.
        var later = new LandingOptions { Clock = new Export.ManualClock(DateTimeOffset.UtcNow + SnapshotGarbage.LongestLease + TimeSpan.FromMinutes(1)) };
        var next = await _lake.Lander(later).LandAsync(_lake.Target, entities, OperationContext.None);
        Assert.All(next.Entities, e => Assert.Equal(LandingAction.Landed, e.Action));
        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!;
        Assert.All(model["entities"]!.AsArray(), e => Assert.Contains(next.SnapshotId, (string)e!["partitions"]![0]!["location"]!, StringComparison.Ordinal));
        Assert.Equal(await File.ReadAllBytesAsync(entities[1].Partitions[2].Location), _lake.Download($"SalesDb/Orders/{next.SnapshotId}/part-0002.csv"));

        // The interrupted run's partial folder is cleaned up; the previous snapshot stays.
        var contactFolders = _lake.BlobNames().Where(n => n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal)).Select(n => n.Split('/')[2]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { first.SnapshotId, next.SnapshotId }, contactFolders);
    }

    [Fact]
    public async Task EntityThatFails_KeepsItsPreviousSnapshot_AndDoesNotStopTheOthers()
    {
        var source = _lake.NewFolder();
        var contact = LakeScenario.LocalEntity(source, "Contact", 2, 20);
        var orders = LakeScenario.LocalEntity(source, "Orders", 2, 20);
        var first = await _lake.Lander().LandAsync(_lake.Target, [contact, orders], OperationContext.None);
        var ordersEntry = Entry("Orders").ToJsonString();
        contact = LakeScenario.LocalEntity(source, "Contact", 2, 30, "v2");
        orders = LakeScenario.LocalEntity(source, "Orders", 2, 30, "v2");
        var missing = contact with { Name = "Account", Partitions = [new CdmPartition(Path.Combine(source, "nope.csv"), PartitionFormat.Csv)] };

        var options = new LandingOptions
        {
            AfterFileLanded = (f, _) => f.Entity == "Orders" ? throw new IOException("disk went away") : Task.CompletedTask,
        };
        var result = await _lake.Lander(options).LandAsync(_lake.Target, [contact, orders, missing], OperationContext.None);

        var byName = result.Entities.ToDictionary(e => e.Entity);
        Assert.Equal(LandingAction.Landed, byName["Contact"].Action);
        Assert.Equal(LandingAction.Failed, byName["Orders"].Action);
        Assert.Equal(ErrorIds.PartitionLandingFailed, byName["Orders"].Error!.ErrorId);
        Assert.Contains("disk went away", byName["Orders"].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(first.SnapshotId, byName["Orders"].SnapshotId);
        Assert.Equal(LandingAction.Failed, byName["Account"].Action);
        Assert.Equal(ErrorIds.PartitionNotFound, byName["Account"].Error!.ErrorId);
        Assert.Equal(ordersEntry, Entry("Orders").ToJsonString());
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith($"SalesDb/Orders/{result.SnapshotId}/", StringComparison.Ordinal));
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/Account/", StringComparison.Ordinal));
        Assert.Contains(result.SnapshotId, (string)Entry("Contact")["partitions"]![0]!["location"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalCsvValueWiderThanItsColumn_FailsThatEntityWithTextValueTooLong_AndTheOthersLand()
    {
        var source = _lake.NewFolder();
        var contact = LakeScenario.LocalEntity(source, "Contact", 2, 20);
        var orders = LakeScenario.LocalEntity(source, "Orders", 1, 20);
        var first = await _lake.Lander().LandAsync(_lake.Target, [contact, orders], OperationContext.None);
        var contactEntry = Entry("Contact").ToJsonString();
        contact = LakeScenario.LocalEntity(source, "Contact", 2, 20, "v2");
        orders = LakeScenario.LocalEntity(source, "Orders", 1, 20, "v2");
        // City is 100 characters at most: 300 bytes in UTF-8. 100 × 'é' (200 bytes) fits; 101 × '€' (303 bytes) does not.
        File.AppendAllText(contact.Partitions[1].Location, $"fits,name,{new string('é', 100)}\ntoo-long,name,\"{new string('€', 101)}\"\nlast,name,city\n");

        var result = await _lake.Lander().LandAsync(_lake.Target, [contact, orders], OperationContext.None);

        var byName = result.Entities.ToDictionary(e => e.Entity);
        Assert.Equal(LandingAction.Failed, byName["Contact"].Action);
        Assert.Equal(ErrorIds.TextValueTooLong, byName["Contact"].Error!.ErrorId);
        Assert.Contains("'City'", byName["Contact"].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("row 22", byName["Contact"].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("303 bytes", byName["Contact"].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(first.SnapshotId, byName["Contact"].SnapshotId);
        Assert.Equal(contactEntry, Entry("Contact").ToJsonString());
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith($"SalesDb/Contact/{result.SnapshotId}/", StringComparison.Ordinal));
        Assert.Equal(LandingAction.Landed, byName["Orders"].Action);
    }

    [Fact]
    public async Task TheLandersClock_NamesTheSnapshot_AndDatesModelJson()
    {
        var source = _lake.NewFolder();
        var clock = new Export.ManualClock(new DateTimeOffset(2026, 2, 3, 4, 5, 6, 789, TimeSpan.Zero));

        var result = await new LakeLander(_lake.Factory, clock: clock).LandAsync(_lake.Target, [LakeScenario.LocalEntity(source, "Contact", 1, 5)], OperationContext.None);

        Assert.StartsWith("20260203T040506789Z-", result.SnapshotId, StringComparison.Ordinal);
        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!;
        Assert.Equal(clock.Now, DateTimeOffset.Parse((string)model["modifiedTime"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SnapshotsOlderThanThePreviousOne_AreDeleted()
    {
        var source = _lake.NewFolder();
        var snapshots = new List<string>();
        var clock = new Export.ManualClock(DateTimeOffset.UtcNow);
        for (var run = 0; run < 3; run++)
        {
            var entity = LakeScenario.LocalEntity(source, "Contact", 2, 10 + run, "run" + run);
            clock.Advance(SnapshotGarbage.LongestLease * 2);
            var result = await _lake.Lander(new LandingOptions { Clock = clock }).LandAsync(_lake.Target, [entity], OperationContext.None);
            snapshots.Add(result.SnapshotId);
            if (run == 2)
            {
                Assert.Equal([$"SalesDb/Contact/{snapshots[0]}"], result.DeletedSnapshots);
            }
            else
            {
                Assert.Empty(result.DeletedSnapshots);
            }
        }

        var folders = _lake.BlobNames().Where(n => n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal)).Select(n => n.Split('/')[2]).Distinct().ToList();
        Assert.Equal(snapshots.Skip(1).Order(StringComparer.Ordinal), folders.Order(StringComparer.Ordinal));
        Assert.True(string.CompareOrdinal(snapshots[0], snapshots[1]) < 0 && string.CompareOrdinal(snapshots[1], snapshots[2]) < 0);
    }

    [Fact]
    public async Task CleanupDeletesOnlySnapshotFolders()
    {
        var source = _lake.NewFolder();
        await _lake.Container.UploadBlobAsync("SalesDb/Contact/notes/readme.txt", BinaryData.FromString("keep me"));
        await _lake.Container.UploadBlobAsync("SalesDb/Contact/20200101T000000000Z-abcdef/part-0000.csv", BinaryData.FromString("orphan"));
        await _lake.Lander().LandAsync(_lake.Target, [LakeScenario.LocalEntity(source, "Contact", 1, 5)], OperationContext.None);

        Assert.Contains("SalesDb/Contact/notes/readme.txt", _lake.BlobNames());
        Assert.DoesNotContain("SalesDb/Contact/20200101T000000000Z-abcdef/part-0000.csv", _lake.BlobNames());
    }

    [Theory]
    [InlineData("Sales/Db", "Contact")]
    [InlineData("..", "Contact")]
    [InlineData("SalesDb", "Con/tact")]
    [InlineData("SalesDb", "..")]
    [InlineData("SalesDb", "Contact.")]
    [InlineData("SalesDb", "Con\ttact")]
    public async Task UnsafeNames_AreRefusedBeforeAnythingIsWritten(string database, string entityName)
    {
        var source = _lake.NewFolder();
        var good = LakeScenario.LocalEntity(source, "Orders", 1, 5);
        var bad = LakeScenario.LocalEntity(source, "Contact", 1, 5) with { Name = entityName };
        _lake.Recorder.Clear();

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(_lake.Target with { Database = database }, [good, bad], OperationContext.None));

        Assert.Equal(ErrorIds.InvalidBlobPath, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Empty(_lake.BlobNames());
        Assert.Empty(_lake.Recorder.Requests);
    }

    [Fact]
    public async Task UnreadableModelJson_StopsTheLandingWithoutOverwritingIt()
    {
        await _lake.Container.UploadBlobAsync("SalesDb/model.json", BinaryData.FromString("{ not json"));
        var source = _lake.NewFolder();

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(_lake.Target, [LakeScenario.LocalEntity(source, "Contact", 1, 5)], OperationContext.None));

        Assert.Equal(ErrorIds.LakeModelInvalid, ex.ErrorId);
        Assert.Equal("{ not json", System.Text.Encoding.UTF8.GetString(_lake.Download("SalesDb/model.json")));
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingContainer_IsReportedAsNotFound()
    {
        var source = _lake.NewFolder();
        var target = _lake.Target with { Container = _lake.Target.Container with { Container = "no-such-container" } };

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(target, [LakeScenario.LocalEntity(source, "Contact", 1, 5)], OperationContext.None));

        Assert.Equal(ErrorIds.AzureResourceNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("no-such-container", ex.Message, StringComparison.Ordinal);
    }

    private JsonObject Entry(string name) =>
        JsonNode.Parse(_lake.Download("SalesDb/model.json"))!["entities"]!.AsArray().Single(e => (string?)e!["name"] == name)!.AsObject();
}
