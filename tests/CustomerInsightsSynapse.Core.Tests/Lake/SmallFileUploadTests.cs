using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>A local file of at most one block lands in one Put Blob, as the plain SDK sends it (issue 22, requests per file).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SmallFileUploadTests : IDisposable
{
    private readonly LakeScenario _lake;

    public SmallFileUploadTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task A_local_file_of_at_most_one_block_is_sent_in_one_Put_Blob_and_a_larger_one_in_blocks()
    {
        var source = _lake.NewFolder();
        var small = LakeScenario.LocalEntity(source, "Small", partitions: 3, rowsPerPartition: 40);
        var large = LakeScenario.LocalEntity(source, "Large", partitions: 1, rowsPerPartition: 400);
        var blockSize = new FileInfo(large.Partitions[0].Location).Length - 1;
        Assert.All(small.Partitions, p => Assert.True(new FileInfo(p.Location).Length <= blockSize));

        var result = await _lake.Lander(new LandingOptions { BlockSize = blockSize }).LandAsync(_lake.Target, [small, large], OperationContext.None);

        Assert.All(result.Entities, e => Assert.Equal(LandingAction.Landed, e.Action));
        var writes = _lake.Recorder.Requests.Where(r => r.Method == "PUT" && r.Path.Contains($"/{result.SnapshotId}/", StringComparison.Ordinal)).ToList();
        foreach (var partition in small.Partitions)
        {
            var name = $"SalesDb/Small/{result.SnapshotId}/{Path.GetFileName(partition.Location)}";
            var puts = writes.Where(r => r.Path.EndsWith(name, StringComparison.Ordinal)).ToList();
            Assert.Equal([string.Empty], puts.Select(r => r.Query));
            Assert.Equal(await File.ReadAllBytesAsync(partition.Location), _lake.Download(name));
        }

        var largeName = $"SalesDb/Large/{result.SnapshotId}/{Path.GetFileName(large.Partitions[0].Location)}";
        var largePuts = writes.Where(r => r.Path.EndsWith(largeName, StringComparison.Ordinal)).ToList();
        var blockLists = largePuts.Count(r => r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
        Assert.Equal(1, blockLists);
        Assert.Equal(2, largePuts.Count(r => r.Query.Contains("comp=block", StringComparison.Ordinal)) - blockLists);
        Assert.Equal(await File.ReadAllBytesAsync(large.Partitions[0].Location), _lake.Download(largeName));
    }
}
