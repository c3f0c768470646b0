using System.Collections.Concurrent;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Export.Run;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export.Run;

/// <summary>Prerequisite results the test chooses; counts the passes.</summary>
public sealed class FakePrerequisites : IPrerequisiteCheck
{
    public List<PrerequisiteResult> Results { get; } = [];

    public int Calls { get; private set; }

    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first call.</summary>
    public Task Called => _called.Task;

    public Task<IReadOnlyList<PrerequisiteResult>> TestAsync(PrerequisiteTarget target, OperationContext context)
    {
        Calls++;
        _called.TrySetResult();
        return Task.FromResult<IReadOnlyList<PrerequisiteResult>>(Results.ToList());
    }

    public static PrerequisiteResult Result(string checkId, PrerequisiteStatus status) =>
        new(checkId, checkId, new PrerequisitePrincipal(PrincipalKind.User, "00000000-0000-0000-0000-0000000000a1", "Ada"), "/subscriptions/x", "a role", status, "because", "fix it", null);
}

/// <summary>
/// A serverless SQL endpoint that "runs" each batch after the guard's check, counting the views it moved; or
/// throws what the test gives it before the first batch of the deployment script.
/// </summary>
public sealed class FakeSqlRunner : ISqlScriptRunner
{
    public ConcurrentQueue<SqlBatch> Batches { get; } = new();

    public List<SqlScript> Scripts { get; } = [];

    public Exception? Throw { get; set; }

    public int ViewsMoved => Batches.Count(b => b.Kind == SqlBatchKind.View);

    public async Task ExecuteAsync(SqlEndpoint endpoint, SqlScript script, SqlExecutorOptions? options, OperationContext context, Func<CancellationToken, Task> beforeEachBatch)
    {
        Scripts.Add(script);
        // The claim step's database-only script is not the deployment the test makes fail.
        if (Throw is not null && script.Batches.Any(b => b.Target != SqlBatchTarget.Master))
        {
            throw Throw;
        }

        foreach (var batch in script.Batches)
        {
            await beforeEachBatch(context.CancellationToken);
            Batches.Enqueue(batch);
            if (batch.Kind == SqlBatchKind.View && batch.Name.StartsWith("create or alter view [dbo].[", StringComparison.Ordinal))
            {
                Views.Add(batch.Name["create or alter view [dbo].[".Length..^1]);
            }
        }
    }

    /// <summary>The dbo views the deployment scripts made, as <c>sys.views</c> lists them.</summary>
    public HashSet<string> Views { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The owner marker's row once a run made it (the text of its CREATE VIEW), as the database keeps it.</summary>
    public string? OwnerMarker { get; set; }

    /// <summary>Views whose verification probe fails as the engine would, with <see cref="ProbeFailure"/>.</summary>
    public HashSet<string> FailProbeOf { get; } = new(StringComparer.Ordinal);

    public const string ProbeFailure = "Max errors count reached.";

    /// <summary>Per entity, the row its conversion check selects (counts of values that do not convert, per column).</summary>
    public Dictionary<string, object?[]> ConversionCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The run's queries: a probe of a view in <see cref="FailProbeOf"/> fails; a conversion check selects the entity's
    /// <see cref="ConversionCounts"/>; any other (owner marker, probe) succeeds and selects nothing (a new database).
    /// </summary>
    public Task<IReadOnlyList<object?[]>?> QueryAsync(SqlEndpoint endpoint, string database, SqlBatch batch, int? expectedError, SqlExecutorOptions? options, CancellationToken cancellationToken)
    {
        Queries.Enqueue(batch);
        QueryAttempts.Enqueue((batch, (options ?? SqlExecutorOptions.Default).MaxAttempts));
        if (FailProbeOf.Any(view => batch.Text == $"SELECT TOP (1) * FROM [dbo].[{view}];"))
        {
            throw new CISynapseException(ErrorIds.SqlBatchFailed, ErrorKind.InvalidOperation, $"Batch '{batch.Name}' failed: {ProbeFailure}", database);
        }

        if (ConversionCounts.FirstOrDefault(c => batch.Name == "count values that do not convert in " + c.Key) is { Value: { } row })
        {
            return Task.FromResult<IReadOnlyList<object?[]>?>([row]);
        }

        if (batch == SqlDeployment.ListViews)
        {
            return Task.FromResult<IReadOnlyList<object?[]>?>(Views.Select(v => new object?[] { v }).ToList());
        }

        if (batch.Name is "create owner marker" or "replace owner marker")
        {
            OwnerMarker = batch.Text;
        }

        if (batch == DatabaseOwnerMarker.Read() && OwnerMarker is { } marker)
        {
            // The marker's literals, in column order: export id, name, store, container.
            var values = System.Text.RegularExpressions.Regex.Matches(marker, "N'((?:[^']|'')*)'").Select(m => (object?)m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)).ToArray();
            return Task.FromResult<IReadOnlyList<object?[]>?>([values]);
        }

        return Task.FromResult<IReadOnlyList<object?[]>?>([]);
    }

    public ConcurrentQueue<SqlBatch> Queries { get; } = new();

    /// <summary>Each query with the number of attempts its options allow.</summary>
    public ConcurrentQueue<(SqlBatch Batch, int MaxAttempts)> QueryAttempts { get; } = new();
}

/// <summary>An export scenario whose runs land into an Azurite container, with fake prerequisites and SQL.</summary>
public sealed class RunScenario : IDisposable
{
    private readonly LakeScenario _lake;

    public RunScenario(AzuriteFixture azurite, global::Azure.Core.Pipeline.HttpPipelinePolicy? blobPolicy = null)
    {
        _lake = new LakeScenario(azurite, blobPolicy);
        Export = new ExportScenario(container: _lake.ContainerName);
        Container = BlobLocation.Parse($"{_lake.Endpoint}/{_lake.ContainerName}");
    }

    public ExportScenario Export { get; }

    public BlobLocation Container { get; }

    public FakePrerequisites Prerequisites { get; } = new();

    public FakeSqlRunner Sql { get; } = new();

    public List<string> StepsStarted { get; } = [];

    public Action<string>? BeforeStep { get; set; }

    public IExportTargets? Targets { get; set; }

    public ExportRunner Runner() => new(Export.Store, new ExportRunEnvironment
    {
        Targets = Targets ?? new FixedTargets(Container, SqlEndpoint.Parse("ciws-ondemand.sql.azuresynapse.net")),
        Blobs = _lake.Factory,
        Reader = new CdmFolderReader(),
        Prerequisites = Prerequisites,
        Sql = Sql,
        Clock = Export.Clock,
        BeforeStep = name =>
        {
            StepsStarted.Add(name);
            BeforeStep?.Invoke(name);
        },
    });

    public Task<ExportRunRecord> RunAsync(CancellationToken cancellationToken = default, ExportRunOptions? options = null)
    {
        Export.Clock.Advance(TimeSpan.FromSeconds(1));
        return Runner().RunAsync("Sales", ExportScenario.Admin, options ?? new ExportRunOptions(), OperationContext.For(cancellationToken));
    }

    public async Task<ExportRunRecord> LastStoredRecordAsync() => (await StoredRecordsAsync())[^1];

    public async Task<IReadOnlyList<ExportRunRecord>> StoredRecordsAsync() =>
        (await Export.Store.ListAsync(ExportRunRecord.Kind, default)).Documents.Select(d => d.Content).OrderBy(r => r.StartedOn).ToList();

    public List<string> BlobNames() => _lake.BlobNames();

    public byte[] Download(string name) => _lake.Download(name);

    public void Upload(string name, byte[] content) => _lake.Container.GetBlobClient(name).Upload(BinaryData.FromBytes(content), overwrite: true);

    public void Dispose()
    {
        _lake.Dispose();
        Export.Dispose();
    }
}
