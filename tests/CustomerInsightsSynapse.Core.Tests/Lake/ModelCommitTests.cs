using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>Lets a request reach the service, then loses its answer, for the first N requests that match.</summary>
public sealed class LostAnswerPolicy(Func<HttpMessage, bool> matches, int answersToLose) : HttpPipelinePolicy
{
    private int _remaining = answersToLose;
    private int _lost;

    public int Lost => Volatile.Read(ref _lost);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        LoseIfAimed(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        LoseIfAimed(message);
    }

    private void LoseIfAimed(HttpMessage message)
    {
        if (matches(message) && Interlocked.Decrement(ref _remaining) >= 0)
        {
            Interlocked.Increment(ref _lost);
            throw new IOException("The connection closed before the answer arrived (lost by the test).");
        }
    }

    /// <summary>A write of model.json's content (not of its metadata alone).</summary>
    public static bool IsModelWrite(HttpMessage message) =>
        message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.EndsWith("/model.json", StringComparison.Ordinal)
        && !message.Request.Uri.Query.Contains("comp=metadata", StringComparison.Ordinal);
}

[Collection(AzuriteCollection.Name)]
public sealed class ModelCommitTests(AzuriteFixture azurite) : IDisposable
{
    private readonly LakeScenario _lake = new(azurite);

    public void Dispose() => _lake.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public async Task LostAnswerToTheCommit_IsRecognisedAsThisRunsOwnWrite(int answersLost)
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 10);
        await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);
        File.WriteAllText(entity.Partitions[0].Location, LakeScenario.Csv("Contact", 0, 12, "v2"));
        var losing = new LostAnswerPolicy(LostAnswerPolicy.IsModelWrite, answersLost);
        var log = new RecordingLog();
        var viewsMovedTo = new List<string?>();

        var result = await new LakeLander(FactoryWith(losing)).LandSwitchingViewsAsync(
            _lake.Target,
            [entity],
            new OperationContext(CancellationToken.None, new RecordingProgress(), log),
            (landing, _, _) =>
            {
                viewsMovedTo.Add(landing.Entities.Single().SnapshotId);
                return Task.FromResult(true);
            });

        Assert.True(losing.Lost >= 1);
        Assert.True(result.ModelCommitted);
        var landed = Assert.Single(result.Entities);
        Assert.Equal(LandingAction.Landed, landed.Action);
        Assert.Equal(result.SnapshotId, landed.SnapshotId);
        Assert.Equal([result.SnapshotId], viewsMovedTo);
        Assert.Equal(result.SnapshotId, SnapshotInModel("Contact"));
        Assert.Contains(log.Messages, m => m.Contains("answer to the commit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherWriterCommittingFirst_IsModelCommitLost_AndItsModelIsKept()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 10);
        var otherModel = """{"name":"SalesDb","version":"1.0","entities":[]}""";
        var options = new LandingOptions
        {
            MaxParallelFiles = 1,
            AfterFileLanded = async (_, ct) => await _lake.Container.GetBlobClient("SalesDb/model.json").UploadAsync(BinaryData.FromString(otherModel), overwrite: true, ct),
        };
        var afterCommitRan = false;

        var error = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander(options).LandSwitchingViewsAsync(
            _lake.Target,
            [entity],
            OperationContext.None,
            (_, _, _) =>
            {
                afterCommitRan = true;
                return Task.FromResult(true);
            }));

        Assert.Equal(ErrorIds.ModelCommitLost, error.ErrorId);
        Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
        Assert.NotNull(error.RecommendedAction);
        Assert.Contains("SalesDb/model.json", error.Message, StringComparison.Ordinal);
        Assert.False(afterCommitRan);
        Assert.Equal(otherModel, System.Text.Encoding.UTF8.GetString(_lake.Download("SalesDb/model.json")));
    }

    private BlobClientFactory FactoryWith(HttpPipelinePolicy policy)
    {
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new BlobClientFactory(new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), options);
    }

    private string? SnapshotInModel(string entity)
    {
        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!.AsObject();
        var entry = model["entities"]!.AsArray().Single(e => (string?)e!["name"] == entity)!;
        return entry["annotations"]!.AsArray().Where(a => (string?)a!["name"] == LakeModel.SnapshotAnnotation).Select(a => (string?)a!["value"]).Single();
    }
}
