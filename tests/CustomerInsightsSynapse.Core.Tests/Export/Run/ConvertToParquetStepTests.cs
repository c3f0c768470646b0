using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Export.Run;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using Parquet.Data;
using Parquet.Schema;

namespace CustomerInsightsSynapse.Core.Tests.Export.Run;

/// <summary>
/// The convert step against Azurite and a serverless endpoint that answers the counts the test gives and "runs" a
/// CETAS by writing a Parquet file where its LOCATION says: staging, counting, failing, nulling and clean-up.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConvertToParquetStepTests : IDisposable
{
    private static readonly LandingOptions AsParquet = new() { LandAs = LandingFormat.Parquet };

    private readonly LakeScenario _lake;
    private readonly CetasEndpoint _sql;

    public ConvertToParquetStepTests(AzuriteFixture azurite)
    {
        _lake = new LakeScenario(azurite);
        _sql = new CetasEndpoint(_lake);
    }

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LakeCsv_IsStaged_ConvertedByOneCetas_AndCommittedAsParquet_WithoutTheStagingFiles()
    {
        var entity = await SourceAsync("1,Ann\n2,Bo\n");
        _lake.Recorder.Clear();
        var lander = _lake.Lander(AsParquet);
        await using var database = await lander.LockAsync(_lake.Target, OperationContext.None);
        var plan = await lander.PlanAsync(database, [entity]);
        var staged = await lander.LandAsync(database, plan);
        var stagingFolder = $"SalesDb/cisynapse-staging/{staged.SnapshotId}/Contact";

        Assert.True(plan.Entities[0].Partitions[0].ConvertOnServer);
        Assert.Equal(stagingFolder, staged.Staged["Contact"]);
        Assert.Contains($"{stagingFolder}/part.csv", _lake.BlobNames());
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith($"SalesDb/Contact/{staged.SnapshotId}/", StringComparison.Ordinal));

        var converted = await Step().RunAsync(Input(InvalidValueAction.Fail), staged, database, database.Context);
        var commit = await lander.CommitAsync(database, converted);

        Assert.Equal(LandingAction.Landed, Assert.Single(commit.Result.Entities).Action);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/cisynapse-staging/", StringComparison.Ordinal));
        Assert.Contains($"SalesDb/Contact/{staged.SnapshotId}/written.parquet", _lake.BlobNames());
        Assert.Equal(["create database [SalesDb]", "create role [CISynapseReaders]"], _sql.Executed.Take(2).Select(b => b.Name));
        Assert.Single(_sql.Executed, b => b.Text.Contains("CREATE EXTERNAL FILE FORMAT", StringComparison.Ordinal));
        Assert.Single(_sql.Executed, b => b.Text.StartsWith("CREATE EXTERNAL TABLE", StringComparison.Ordinal));
        // The run leaves nothing it made for itself: the table, then the file format, are dropped.
        Assert.Equal(["DROP EXTERNAL TABLE", "DROP EXTERNAL FILE FORMAT"], _sql.Executed.TakeLast(2).Select(b => b.Text.Contains("DROP EXTERNAL FILE FORMAT", StringComparison.Ordinal) ? "DROP EXTERNAL FILE FORMAT" : b.Text[.."DROP EXTERNAL TABLE".Length]));
        var partition = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!["entities"]![0]!["partitions"]!.AsArray().Single()!;
        Assert.Equal("ParquetFormatSettings", (string?)partition["fileFormatSettings"]!["$type"]);
        Assert.EndsWith($"/SalesDb/Contact/{staged.SnapshotId}/written.parquet", (string)partition["location"]!, StringComparison.Ordinal);
        Assert.Null(Assert.Single(commit.Result.Entities).ParquetColumns);
        // No data byte of the source or of the staged copy passes through the client: the listing and deletion of the
        // staging folder only (whether the source starts with a UTF-8 byte order mark is asked of the service).
        var dataReads = _lake.Recorder.Requests.Where(r => r.Method == "GET" && !r.Query.Contains("comp=list", StringComparison.Ordinal) && !r.Path.EndsWith(".parquet", StringComparison.Ordinal) && !r.Path.EndsWith("model.json", StringComparison.Ordinal) && !r.Path.EndsWith("_lock", StringComparison.Ordinal)).ToList();
        Assert.All(dataReads, r => Assert.True(r.ResponseLength == 0, $"{r.Method} {r.Path} read {r.ResponseLength} bytes"));
    }

    [Fact]
    public async Task ValuesThatDoNotConvert_FailTheEntityWithSamples_AndNothingIsWritten()
    {
        var entity = await SourceAsync("1,Ann\nx,Bo\n");
        _sql.Counts = [1L];
        _sql.Samples = [["Id", "https://lake/SalesDb/cisynapse-staging/s/Contact/part.csv", "x"]];
        var lander = _lake.Lander(AsParquet);
        await using var database = await lander.LockAsync(_lake.Target, OperationContext.None);
        var staged = await lander.LandAsync(database, await lander.PlanAsync(database, [entity]));

        var converted = await Step().RunAsync(Input(InvalidValueAction.Fail), staged, database, database.Context);

        var failed = Assert.Single(converted.Entities);
        Assert.Equal(LandingAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.ParquetValueNotConverted, failed.Error!.ErrorId);
        Assert.Contains("column 'Id' (bigint): 1 value(s) in 'https://lake/SalesDb/cisynapse-staging/s/Contact/part.csv', first 'x'", failed.Error.Message, StringComparison.Ordinal);
        Assert.Empty(converted.Landed);
        Assert.DoesNotContain(_sql.Executed, b => b.Kind == SqlBatchKind.ExternalTable);
        Assert.Contains(_sql.Queries, q => q.Text.Contains(".filepath()", StringComparison.Ordinal));
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/cisynapse-staging/", StringComparison.Ordinal) || n.StartsWith("SalesDb/Contact/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValuesThatDoNotConvert_WithInvalidValueNull_AreWrittenAsNull_AndCounted()
    {
        var entity = await SourceAsync("1,Ann\nx,Bo\n");
        _sql.Counts = [1L];
        var lander = _lake.Lander(AsParquet with { InvalidValue = InvalidValueAction.Null });
        await using var database = await lander.LockAsync(_lake.Target, OperationContext.None);
        var staged = await lander.LandAsync(database, await lander.PlanAsync(database, [entity]));

        var converted = await Step().RunAsync(Input(InvalidValueAction.Null), staged, database, database.Context);

        var landed = Assert.Single(converted.Entities);
        Assert.Equal(LandingAction.Landed, landed.Action);
        var nulled = Assert.Single(landed.NulledValues);
        Assert.Equal(("Id", "bigint", 1L), (nulled.Column, nulled.ViewType, nulled.Count));
        Assert.Single(_sql.Executed, b => b.Text.StartsWith("CREATE EXTERNAL TABLE", StringComparison.Ordinal));
        Assert.DoesNotContain(_sql.Queries, q => q.Name.StartsWith("sample", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedWrite_FailsTheEntityWithTheRoleToAssign()
    {
        var entity = await SourceAsync("1,Ann\n");
        _sql.RefuseCetas = "External table 'x' is not accessible because content of directory cannot be listed. This request is not authorized to perform this operation using this permission. (403)";
        var lander = _lake.Lander(AsParquet);
        await using var database = await lander.LockAsync(_lake.Target, OperationContext.None);
        var staged = await lander.LandAsync(database, await lander.PlanAsync(database, [entity]));

        var converted = await Step().RunAsync(Input(InvalidValueAction.Fail), staged, database, database.Context);

        var failed = Assert.Single(converted.Entities);
        Assert.Equal(ErrorIds.ParquetConversionAccessDenied, failed.Error!.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, failed.Error.Kind);
        Assert.Contains("Storage Blob Data Contributor", failed.Error.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/cisynapse-staging/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DeploymentMode.ScriptOnly, true)]
    [InlineData(DeploymentMode.Apply, false)]
    public async Task WithoutAppliedSql_ALakeCsvEntityFailsBeforeAnythingIsStaged(DeploymentMode deployment, bool hasEndpoint)
    {
        var entity = await SourceAsync("1,Ann\n");
        var plan = await new LandingPlanner(_lake.Factory, AsParquet).PlanAsync(_lake.Target, [entity], OperationContext.None);

        var refused = ConvertToParquetStep.RefuseWithoutSql(plan, deployment, hasEndpoint ? SqlEndpoint.Parse("ws-ondemand.sql.azuresynapse.net") : null);

        var failed = Assert.Single(refused.Entities);
        Assert.Equal(PlannedAction.Failed, failed.Action);
        Assert.Equal(ErrorIds.ParquetConversionNeedsApply, failed.Error!.ErrorId);
        Assert.Contains("DeploymentMode Apply", failed.Error.RecommendedAction, StringComparison.Ordinal);
        Assert.Same(plan, ConvertToParquetStep.RefuseWithoutSql(plan, DeploymentMode.Apply, SqlEndpoint.Parse("ws-ondemand.sql.azuresynapse.net")));
    }

    [Fact]
    public async Task AStagingFolderLeftByAKilledRun_IsDeletedByTheNextRunsPrune()
    {
        var old = SnapshotId.New(DateTimeOffset.UtcNow.AddMinutes(-5));
        await _lake.Container.UploadBlobAsync($"SalesDb/cisynapse-staging/{old}/Contact/part.csv", BinaryData.FromString("1,Ann\n"));
        var entity = LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, 1);

        var result = await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);

        Assert.Contains($"SalesDb/cisynapse-staging/{old}", result.DeletedSnapshots);
        Assert.DoesNotContain(_lake.BlobNames(), n => n.StartsWith("SalesDb/cisynapse-staging/", StringComparison.Ordinal));
    }

    private ConvertToParquetStep Step() => new(_sql);

    private ConversionInput Input(InvalidValueAction invalidValue)
    {
        var export = new ExportDefinition
        {
            Name = "Sales",
            DisplayName = "Sales",
            ConnectionName = "lake",
            Source = _lake.Endpoint + "/source",
            DatabaseName = "SalesDb",
            Entities = ["*"],
            LandAs = LandingFormat.Parquet,
            InvalidValue = invalidValue,
            CreatedBy = "test",
            CreatedOn = DateTimeOffset.UtcNow,
            ModifiedOn = DateTimeOffset.UtcNow,
        };
        var container = BlobLocation.Parse($"{_lake.Endpoint}/{_lake.ContainerName}");
        return new ConversionInput(export, new ResolvedLake(container, DataLakeContainer.From(container), SqlEndpoint.Parse("ws-ondemand.sql.azuresynapse.net")), invalidValue, null);
    }

    private async Task<CdmEntity> SourceAsync(string csv)
    {
        var source = _lake.Other("source");
        await source.UploadBlobAsync("Contact/part.csv", BinaryData.FromString(csv));
        return new CdmEntity("Contact", [new("Id", "int64"), new("Name", "string", MaxLength: 10)], [new CdmPartition($"{_lake.Endpoint}/{source.Name}/Contact/part.csv", PartitionFormat.Csv, CsvFormat.Default)]);
    }

    /// <summary>Serverless SQL as the step sees it: the counts and samples the test gives; a CETAS writes one Parquet file into its LOCATION.</summary>
    private sealed class CetasEndpoint(LakeScenario lake) : ISqlScriptRunner
    {
        public ConcurrentQueue<SqlBatch> Executed { get; } = new();

        public ConcurrentQueue<SqlBatch> Queries { get; } = new();

        public object?[] Counts { get; set; } = [0L];

        public List<object?[]> Samples { get; set; } = [];

        public string? RefuseCetas { get; set; }

        public async Task ExecuteAsync(SqlEndpoint endpoint, SqlScript script, SqlExecutorOptions? options, OperationContext context, Func<CancellationToken, Task> beforeEachBatch)
        {
            foreach (var batch in script.Batches)
            {
                await beforeEachBatch(context.CancellationToken);
                if (batch.Text.StartsWith("CREATE EXTERNAL TABLE", StringComparison.Ordinal))
                {
                    if (RefuseCetas is not null)
                    {
                        throw new CISynapseException(ErrorIds.SqlBatchFailed, ErrorKind.InvalidOperation, $"The SQL batch '{batch.Name}' failed: {RefuseCetas}", batch.Name);
                    }

                    var location = System.Text.RegularExpressions.Regex.Match(batch.Text, "LOCATION = N'([^']*)'").Groups[1].Value;
                    await lake.Container.UploadBlobAsync($"SalesDb/{location}written.parquet", BinaryData.FromBytes(ParquetTestFiles.Write(
                        (new DataField<long?>("Id"), new long?[] { 1, 2 }),
                        (new DataField<string>("Name"), new[] { "Ann", "Bo" }))));
                }

                Executed.Enqueue(batch);
            }
        }

        public Task<IReadOnlyList<object?[]>?> QueryAsync(SqlEndpoint endpoint, string database, SqlBatch batch, int? expectedError, SqlExecutorOptions? options, CancellationToken cancellationToken)
        {
            Queries.Enqueue(batch);
            IReadOnlyList<object?[]> rows = batch.Name.StartsWith("count values", StringComparison.Ordinal) ? [Counts] : Samples;
            return Task.FromResult<IReadOnlyList<object?[]>?>(rows);
        }
    }
}
