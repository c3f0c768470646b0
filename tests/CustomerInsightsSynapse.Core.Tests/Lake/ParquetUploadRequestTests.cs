using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using Parquet;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>The requests a converted partition is uploaded with: blocks of the block size, one block list, or one Put Blob.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ParquetUploadRequestTests : IDisposable
{
    private readonly LakeScenario _lake;

    public ParquetUploadRequestTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task A_converted_partition_of_several_row_groups_is_sent_in_full_blocks_and_one_block_list()
    {
        var source = _lake.NewFolder();
        var entity = Generated(source, "Contact", rows: 60_000);
        var blockSize = 64 * 1024;
        var options = new LandingOptions { LandAs = LandingFormat.Parquet, BlockSize = blockSize, ParquetRowGroupChars = 256 * 1024 };

        var result = await _lake.Lander(options).LandAsync(_lake.Target, [entity], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(result.Entities).Action);
        var name = $"SalesDb/Contact/{result.SnapshotId}/part.parquet";
        var landed = _lake.Download(name);
        var puts = _lake.Recorder.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith(name, StringComparison.Ordinal)).ToList();
        var blocks = puts.Where(r => r.Query.Contains("comp=block&", StringComparison.Ordinal)).Select(r => r.RequestLength).ToList();
        await using var parquet = await ParquetReader.CreateAsync(new MemoryStream(landed));
        Assert.True(parquet.RowGroupCount > 2, $"{parquet.RowGroupCount} row groups");
        var fullBlocks = landed.Length / blockSize;
        Assert.Equal(Enumerable.Repeat((long)blockSize, fullBlocks).Append(landed.Length % blockSize), blocks.Order().Reverse());
        Assert.Single(puts, r => r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_that_does_not_convert_after_blocks_were_staged_leaves_no_blob()
    {
        var source = _lake.NewFolder();
        var entity = Generated(source, "Contact", rows: 60_000, lastLine: "not-a-number,\"Ann\",2020-01-01T00:00:00Z\n");
        var options = new LandingOptions { LandAs = LandingFormat.Parquet, BlockSize = 64 * 1024, ParquetRowGroupChars = 256 * 1024 };

        var result = await _lake.Lander(options).LandAsync(_lake.Target, [entity], OperationContext.None);

        var failed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.ParquetValueNotConverted, failed.Error?.ErrorId);
        var name = $"SalesDb/Contact/{result.SnapshotId}/part.parquet";
        Assert.Contains(_lake.Recorder.Requests, r => r.Path.EndsWith(name, StringComparison.Ordinal) && r.Query.Contains("comp=block&", StringComparison.Ordinal));
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Path.EndsWith(name, StringComparison.Ordinal) && r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
        Assert.DoesNotContain(name, _lake.BlobNames());
    }

    internal static CdmEntity Generated(string folder, string name, int rows, string lastLine = "")
    {
        var text = new StringBuilder();
        var random = new Random(23);
        for (var r = 0; r < rows; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r},\"{Guid.NewGuid():N} {random.Next()}\",2020-01-{1 + (r % 28):D2}T{r % 24:D2}:00:00Z\n");
        }

        text.Append(lastLine);
        var path = Path.Combine(folder, name, "part.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        return new CdmEntity(name, [new("Id", "int64"), new("Name", "string", MaxLength: 100), new("Created", "dateTime")], [new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = RealPaths.Resolve(folder) }]);
    }
}
