using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// The order files start in (issue 22): the largest first across every entity, so that a large file never starts last
/// and moves alone while the other slots stay idle.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LandingOrderTests(AzuriteFixture azurite) : IDisposable
{
    private readonly LakeScenario _lake = new(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Files_start_largest_first_across_entities_and_files_of_one_size_keep_their_order()
    {
        var source = _lake.NewFolder();
        var small = LakeScenario.LocalEntity(source, "Small", partitions: 3, rowsPerPartition: 20);
        var large = LakeScenario.LocalEntity(source, "Large", partitions: 2, rowsPerPartition: 200);

        var result = await _lake.Lander(new LandingOptions { MaxParallelFiles = 1 }).LandAsync(_lake.Target, [small, large], OperationContext.None);

        Assert.All(result.Entities, e => Assert.Equal(LandingAction.Landed, e.Action));
        var uploads = _lake.Recorder.Requests
            .Where(r => r.Method == "PUT" && r.Path.Contains($"/{result.SnapshotId}/", StringComparison.Ordinal))
            .Select(r => string.Join('/', r.Path.Split('/')[^3], r.Path.Split('/')[^1]))
            .ToList();
        Assert.Equal(["Large/part-0000.csv", "Large/part-0001.csv", "Small/part-0000.csv", "Small/part-0001.csv", "Small/part-0002.csv"], uploads);
    }
}
