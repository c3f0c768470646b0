using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export.Run;

/// <summary>A run regenerates only the SQL objects whose inputs changed since the database's saved deployment state.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SqlDeploymentTests(AzuriteFixture azurite) : IDisposable
{
    private const string StatePath = "CustomerInsights/_sql/deployed.json";

    private readonly RunScenario _run = new(azurite);

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task A_rerun_with_nothing_changed_generates_saves_and_sends_no_TSQL()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        var scripts = _run.Sql.Scripts.Count;
        _run.Sql.Batches.Clear();

        var second = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, second.Status);
        Assert.Empty(_run.Sql.Batches);
        Assert.Equal(scripts, _run.Sql.Scripts.Count);
        Assert.True(second.SqlApplied);
        Assert.Null(second.SqlScriptPath);
        Assert.DoesNotContain($"CustomerInsights/_sql/{second.RunId}.sql", _run.BlobNames());
        Assert.Equal(0, second.Steps.Single(s => s.Step == "sql generate").Seconds);
    }

    [Fact]
    public async Task A_rerun_lists_the_views_once_it_holds_the_lock_before_it_plans_and_only_once()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        var before = _run.Sql.Queries.Count(q => q == SqlDeployment.ListViews);
        int? atPlan = null;
        _run.BeforeStep = name => atPlan = name == "plan" ? _run.Sql.Queries.Count(q => q == SqlDeployment.ListViews) - before : atPlan;

        var second = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, second.Status);
        Assert.Equal(1, atPlan);
        Assert.Equal(before + 1, _run.Sql.Queries.Count(q => q == SqlDeployment.ListViews));
    }

    [Fact]
    public async Task The_owner_marker_probe_is_tried_once_and_the_claim_that_follows_keeps_its_retries()
    {
        await CreateSalesAsync();
        await _run.RunAsync();

        var probes = _run.Sql.QueryAttempts.Where(q => q.Batch == DatabaseOwnerMarker.Read()).ToList();
        Assert.Equal(1, probes[0].MaxAttempts);
        Assert.Contains(_run.Sql.QueryAttempts, q => q.Batch.Name == "create owner marker" && q.MaxAttempts == SqlExecutorOptions.Default.MaxAttempts);
    }

    [Fact]
    public async Task One_changed_entity_sends_only_its_view()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        _run.Sql.Batches.Clear();
        File.AppendAllText(Path.Combine(_run.Export.Source, "Customer", "part-1.csv"), "3,c\n");

        var second = await _run.RunAsync();

        Assert.Equal(["create or alter view [dbo].[Customer]"], _run.Sql.Batches.Select(b => b.Name));
        Assert.NotNull(second.SqlScriptPath);
        Assert.Contains("[dbo].[Customer]", Encoding.UTF8.GetString(_run.Download(second.SqlScriptPath!)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_written_by_another_generator_regenerates_everything()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        var state = SqlDeployment.Deserialize(BinaryData.FromBytes(_run.Download(StatePath)))!;
        _run.Upload(StatePath, SqlDeployment.Serialize(state with { Generator = "an older module" }).ToArray());
        _run.Sql.Batches.Clear();

        await _run.RunAsync();

        Assert.Equal(
            ["create database [CustomerInsights]", "create or alter view [dbo].[Customer]", "create or alter view [dbo].[UnifiedActivity]"],
            _run.Sql.Batches.Where(b => b.Kind is SqlBatchKind.CreateDatabase or SqlBatchKind.View).Select(b => b.Name));
        Assert.Contains(_run.Sql.Batches, b => b.Kind == SqlBatchKind.DataSource);
        Assert.Equal(SqlDeployment.Generator, SqlDeployment.Deserialize(BinaryData.FromBytes(_run.Download(StatePath)))!.Generator);
    }

    [Fact]
    public async Task A_view_dropped_by_hand_is_made_again()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        _run.Sql.Views.Remove("UnifiedActivity");
        _run.Sql.Batches.Clear();

        await _run.RunAsync();

        Assert.Equal(["create or alter view [dbo].[UnifiedActivity]"], _run.Sql.Batches.Select(b => b.Name));
    }

    [Fact]
    public async Task A_database_without_this_exports_marker_is_regenerated_in_full()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        _run.Sql.OwnerMarker = null;
        _run.Sql.Batches.Clear();

        await _run.RunAsync();

        Assert.Equal(2, _run.Sql.ViewsMoved);
        Assert.Contains(_run.Sql.Batches, b => b.Kind == SqlBatchKind.DataSource);
    }

    [Fact]
    public async Task A_lost_state_file_regenerates_everything()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        _run.Upload(StatePath, Encoding.UTF8.GetBytes("not json"));
        _run.Sql.Batches.Clear();

        await _run.RunAsync();

        Assert.Equal(2, _run.Sql.ViewsMoved);
    }

    [Fact]
    public async Task ScriptOnly_reruns_save_the_whole_script_every_time()
    {
        await _run.Export.CreateAsync(_run.Export.Request() with { Deployment = DeploymentMode.ScriptOnly });
        await _run.RunAsync();

        var second = await _run.RunAsync();

        var text = Encoding.UTF8.GetString(_run.Download(second.SqlScriptPath!));
        Assert.Contains("CREATE DATABASE", text, StringComparison.Ordinal);
        Assert.Contains("[dbo].[Customer]", text, StringComparison.Ordinal);
        Assert.Contains("[dbo].[UnifiedActivity]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(StatePath, _run.BlobNames());
    }

    [Fact]
    public async Task The_record_times_every_step()
    {
        await CreateSalesAsync();

        var record = await _run.RunAsync();

        Assert.Equal(
            ["resolve", "prerequisites", "claim", "read", "lock", "plan", "land", "convert", "commit", "sql generate", "sql", "verify", "prune", "record"],
            record.Steps.Select(s => s.Step));
        Assert.All(record.Steps, s => Assert.True(s.Seconds >= 0));
    }

    [Fact]
    public void The_constant_batches_sent_without_a_parse_at_run_time_parse_as_one_batch()
    {
        SqlScriptValidator.Validate([SqlDeployment.ListViews, DatabaseOwnerMarker.Read()]);
        Assert.Equal("SELECT [ExportId], [ExportName], [Store], [Container] FROM " + DatabaseOwnerMarker.QualifiedName + ";", DatabaseOwnerMarker.Read().Text);
    }

    [Fact]
    public void A_view_key_follows_what_the_view_is_generated_from_and_not_where_the_source_files_are()
    {
        var entity = new CdmEntity("Customer", [new CdmAttribute("Id", "int64")], [new CdmPartition("/source/Customer/part-1.csv", PartitionFormat.Csv, Size: 10)]);
        var key = Key(entity, "db/Customer/s1");

        Assert.Equal(key, Key(entity with { Partitions = [new CdmPartition("/elsewhere/part-9.csv", PartitionFormat.Csv, Size: 99)] }, "db/Customer/s1"));
        Assert.NotEqual(key, Key(entity, "db/Customer/s2"));
        Assert.NotEqual(key, Key(entity with { Attributes = [new CdmAttribute("Id", "string")] }, "db/Customer/s1"));
        Assert.NotEqual(key, Key(entity with { Partitions = [new CdmPartition("/source/Customer/part-1.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true))] }, "db/Customer/s1"));
        Assert.NotEqual(key, Key(entity with { Partitions = [] }, "db/Customer/s1"));
    }

    private static string Key(CdmEntity entity, string folder) =>
        SqlDeployment.StateOf(new SqlScriptRequest("db", QueryAccessMode.CallerIdentity, DataLakeContainer.From(Core.Azure.BlobLocation.Parse("https://acct.blob.core.windows.net/lake")), [new LandedEntity(entity, folder)])).Views["Customer"];

    private Task CreateSalesAsync() => _run.Export.CreateAsync(_run.Export.Request());
}
