using System.Collections.Concurrent;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Specialized;
using CustomerInsightsSynapse.Core.FileSystem;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>Every request a factory's pipeline sent: method, path, status and response length.</summary>
public sealed class RequestRecorder : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Record(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Record(message);
    }

    private void Record(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        long sent = message.Request.Content is { } content && content.TryComputeLength(out var l) ? l : 0;
        long received = message.Response.Headers.ContentLength ?? 0;
        _requests.Enqueue(new RecordedRequest(message.Request.Method.Method, Uri.UnescapeDataString(uri.AbsolutePath), uri.Query, message.Response.Status, sent, received));
    }
}

public sealed record RecordedRequest(string Method, string Path, string Query, int Status, long RequestLength, long ResponseLength)
{
    public bool IsWrite => Method is "PUT" or "DELETE" or "POST";
}

/// <summary>A container in Azurite, a factory that records its requests, and temp folders for sources.</summary>
public sealed class LakeScenario : IDisposable
{
    private readonly List<string> _folders = [];

    /// <param name="azurite">The Azurite instance.</param>
    /// <param name="policy">A further policy on every request of <see cref="Factory"/>, before the shared key signs it.</param>
    public LakeScenario(AzuriteFixture azurite, HttpPipelinePolicy? policy = null)
    {
        var parts = azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        Endpoint = parts["BlobEndpoint"].TrimEnd('/');
        var options = BlobClientFactory.DefaultOptions();
        options.Retry.MaxRetries = 1;
        options.AddPolicy(Recorder, HttpPipelinePosition.PerRetry);
        if (policy is not null)
        {
            // Before the shared key signs the request, so that the policy may change its headers.
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        Factory = new BlobClientFactory(new StorageSharedKeyCredential(parts["AccountName"], parts["AccountKey"]), options);
        ContainerName = "lake-" + Guid.NewGuid().ToString("N")[..12];
        Container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(ContainerName);
        Container.Create();
        Target = new LakeTarget(BlobLocation.Parse($"{Endpoint}/{ContainerName}"), "SalesDb");
    }

    public string Endpoint { get; }

    public RequestRecorder Recorder { get; } = new();

    public BlobClientFactory Factory { get; }

    public string ContainerName { get; }

    public BlobContainerClient Container { get; }

    public LakeTarget Target { get; }

    public BlobContainerClient Other(string name)
    {
        var c = Container.GetParentBlobServiceClient().GetBlobContainerClient(name + "-" + Guid.NewGuid().ToString("N")[..8]);
        c.Create();
        return c;
    }

    public string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("cisynapse-lake-").FullName;
        _folders.Add(folder);
        return folder;
    }

    public LakeLander Lander(LandingOptions? options = null) => new(Factory, options);

    public List<string> BlobNames() => Container.GetBlobs().Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

    public byte[] Download(string name) => Container.GetBlobClient(name).DownloadContent().Value.Content.ToArray();

    public void Dispose()
    {
        foreach (var f in _folders)
        {
            try
            {
                Directory.Delete(f, true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static CdmAttribute[] Attributes(params string[] names) => names.Select(n => new CdmAttribute(n, "string", MaxLength: 100)).ToArray();

    /// <summary>Writes CSV partitions for an entity under folder/{entity}/ and returns the entity.</summary>
    public static CdmEntity LocalEntity(string folder, string name, int partitions, int rowsPerPartition, string seed = "v1")
    {
        var dir = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
        var list = new List<CdmPartition>();
        for (var p = 0; p < partitions; p++)
        {
            var path = Path.Combine(dir, $"part-{p:D4}.csv");
            File.WriteAllText(path, Csv(name, p, rowsPerPartition, seed));
            list.Add(new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default) { LocalFolder = RealPaths.Resolve(folder) });
        }

        return new CdmEntity(name, Attributes("Id", "Name", "City"), list);
    }

    public static string Csv(string entity, int partition, int rows, string seed)
    {
        var sb = new StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{entity}-{partition}-{r},\"{seed} name {r}\",City {r % 7}\n");
        }

        return sb.ToString();
    }
}

/// <summary>A progress sink that records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
public sealed class RecordingProgress : IProgress<OperationProgress>
{
    private readonly ConcurrentQueue<OperationProgress> _reports = new();

    public IReadOnlyList<OperationProgress> Reports => _reports.ToArray();

    public void Report(OperationProgress value) => _reports.Enqueue(value);
}

public sealed class RecordingLog : IOperationLog
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    public void Verbose(string message) => _messages.Enqueue("V " + message);

    public void Debug(string message) => _messages.Enqueue("D " + message);

    public void Warning(string message) => _messages.Enqueue("W " + message);
}

public static class LakeLanderSteps
{
    /// <summary>
    /// The lake steps in the export runner's order, with <paramref name="switchViews"/> where the runner moves the
    /// views (between the commit and the clean-up); returning false keeps the old snapshots, as a failed SQL step does.
    /// </summary>
    public static async Task<LandingResult> LandSwitchingViewsAsync(this LakeLander lander, LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context, Func<LandingResult, LakeCommitGuard, OperationContext, Task<bool>> switchViews)
    {
        await using var database = await lander.LockAsync(target, context);
        try
        {
            var plan = await lander.PlanAsync(database, entities);
            var commit = await lander.CommitAsync(database, await lander.LandAsync(database, plan));
            if (!await switchViews(commit.Result, commit.Guard, database.Context))
            {
                return commit.Result;
            }

            return commit.Result with { DeletedSnapshots = await lander.PruneAsync(database, commit) };
        }
        catch (OperationCanceledException ex) when (database.LostLockError(ex) is { } lost)
        {
            throw lost;
        }
    }
}
