using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export.Run;

/// <summary>The run's verify step: each changed view is probed; a failing one goes back to its previous snapshot.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class VerifyViewsStepTests(AzuriteFixture azurite) : IDisposable
{
    private readonly RunScenario _run = new(azurite);

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Each_changed_view_is_probed_and_an_unchanged_one_is_not()
    {
        await _run.Export.CreateAsync(_run.Export.Request());
        await _run.RunAsync();
        File.AppendAllText(Path.Combine(_run.Export.Source, "Customer", "part-1.csv"), "3,c\n");
        _run.Sql.Queries.Clear();

        await _run.RunAsync();

        var probes = _run.Sql.Queries.Where(q => q.Text.StartsWith("SELECT TOP (1)", StringComparison.Ordinal)).Select(q => q.Text).ToList();
        Assert.Equal(["SELECT TOP (1) * FROM [dbo].[Customer];"], probes);
    }

    [Fact]
    public async Task A_view_failing_its_probe_goes_back_to_its_previous_snapshot_and_model_json_agrees()
    {
        await _run.Export.CreateAsync(_run.Export.Request());
        var first = await _run.RunAsync();
        var previous = first.Entities.Single(e => e.Entity == "Customer").SnapshotId!;
        File.AppendAllText(Path.Combine(_run.Export.Source, "Customer", "part-1.csv"), "3,c\n");
        File.AppendAllText(Path.Combine(_run.Export.Source, "UnifiedActivity", "part-1.csv"), "3,c\n");
        _run.Sql.FailProbeOf.Add("Customer");
        _run.Sql.Scripts.Clear();

        var second = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.PartiallySucceeded, second.Status);
        var customer = second.Entities.Single(e => e.Entity == "Customer");
        Assert.Equal((EntityRunAction.Failed, ErrorIds.ViewVerificationFailed, previous), (customer.Action, customer.ErrorId, customer.SnapshotId));
        Assert.Contains(FakeSqlRunner.ProbeFailure, customer.Error);
        Assert.Contains("[dbo].[Customer]", customer.Error);
        Assert.Equal(EntityRunAction.Landed, second.Entities.Single(e => e.Entity == "UnifiedActivity").Action);
        var restore = _run.Sql.Scripts[^1];
        var view = Assert.Single(restore.Batches, b => b.Kind == SqlBatchKind.View);
        Assert.Contains($"Customer/{previous}/", view.Text);
        Assert.Equal(previous, SnapshotInModel("Customer"));
        Assert.Equal(second.Entities.Single(e => e.Entity == "UnifiedActivity").SnapshotId, SnapshotInModel("UnifiedActivity"));
        Assert.Contains(_run.BlobNames(), n => n.StartsWith($"CustomerInsights/Customer/{previous}/", StringComparison.Ordinal));

        _run.Sql.FailProbeOf.Clear();
        var third = await _run.RunAsync();

        Assert.Equal(EntityRunAction.Landed, third.Entities.Single(e => e.Entity == "Customer").Action);
        Assert.Equal(EntityRunAction.Unchanged, third.Entities.Single(e => e.Entity == "UnifiedActivity").Action);
    }

    [Fact]
    public async Task A_view_rolled_back_is_regenerated_from_the_definition_its_previous_snapshot_was_landed_with()
    {
        await _run.Export.CreateAsync(_run.Export.Request());
        var first = await _run.RunAsync();
        var previous = first.Entities.Single(e => e.Entity == "Customer").SnapshotId!;
        var modelPath = Path.Combine(_run.Export.Source, "model.json");
        var model = JsonNode.Parse(File.ReadAllText(modelPath))!;
        var customer = model["entities"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "Customer")!;
        customer["attributes"] = new JsonArray(
            new JsonObject { ["name"] = "Id", ["dataType"] = "int64" },
            new JsonObject { ["name"] = "Title", ["dataType"] = "string" },
            new JsonObject { ["name"] = "Note", ["dataType"] = "string" });
        File.WriteAllText(modelPath, model.ToJsonString());
        File.WriteAllText(Path.Combine(_run.Export.Source, "Customer", "part-1.csv"), "1,a,n\n2,b,n\n");
        _run.Sql.FailProbeOf.Add("Customer");
        _run.Sql.Scripts.Clear();

        var second = await _run.RunAsync();

        Assert.Equal(EntityRunAction.Failed, second.Entities.Single(e => e.Entity == "Customer").Action);
        Assert.Contains(_run.Sql.Scripts.SelectMany(s => s.Batches), b => b.Kind == SqlBatchKind.View && b.Text.Contains("[Title]", StringComparison.Ordinal));
        var restored = Assert.Single(_run.Sql.Scripts[^1].Batches, b => b.Kind == SqlBatchKind.View);
        Assert.Contains($"Customer/{previous}/", restored.Text);
        Assert.Contains("[Name]", restored.Text);
        Assert.DoesNotContain("[Title]", restored.Text);
        Assert.DoesNotContain("[Note]", restored.Text);
    }

    [Fact]
    public async Task A_new_view_failing_its_probe_is_dropped_and_leaves_model_json()
    {
        await _run.Export.CreateAsync(_run.Export.Request());
        _run.Sql.FailProbeOf.Add("Customer");

        var record = await _run.RunAsync();

        var customer = record.Entities.Single(e => e.Entity == "Customer");
        Assert.Equal((EntityRunAction.Failed, ErrorIds.ViewVerificationFailed, (string?)null), (customer.Action, customer.ErrorId, customer.SnapshotId));
        var restore = _run.Sql.Scripts[^1];
        Assert.Equal(["DROP VIEW IF EXISTS [dbo].[Customer];"], restore.Batches.Select(b => b.Text));
        Assert.Null(SnapshotInModel("Customer"));
        Assert.NotNull(SnapshotInModel("UnifiedActivity"));
    }

    [Fact]
    public async Task Values_that_do_not_convert_are_counted_per_column_in_the_record_and_its_warnings()
    {
        await _run.Export.CreateAsync(_run.Export.Request());
        _run.Sql.ConversionCounts["Customer"] = [3L];

        var record = await _run.RunAsync();

        Assert.Equal([new UnconvertedValues("Customer", "Id", 3)], record.UnconvertedValues);
        Assert.Contains(record.Warnings, w => w.Contains("'Customer'", StringComparison.Ordinal) && w.Contains("3 values of column 'Id'", StringComparison.Ordinal));
        Assert.Equal(record.UnconvertedValues, (await _run.LastStoredRecordAsync()).UnconvertedValues);
    }

    private string? SnapshotInModel(string entity)
    {
        var model = JsonNode.Parse(_run.Download("CustomerInsights/model.json"))!;
        var entry = model["entities"]!.AsArray().SingleOrDefault(e => e!["name"]!.GetValue<string>() == entity);
        return entry?["annotations"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "cisynapse:snapshotId")!["value"]!.GetValue<string>();
    }
}
