using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Export;

public sealed class ExportDropScriptTests
{
    [Fact]
    public void Views_are_dropped_one_batch_each_with_quoted_names()
    {
        var script = ExportDropScript.Generate("CI", QueryAccessMode.CallerIdentity, ["Customer", "Odd]Name", "It's"], dropSharedObjects: false, dropDatabase: false);

        Assert.Equal(
            ["DROP VIEW IF EXISTS [dbo].[Customer];", "DROP VIEW IF EXISTS [dbo].[Odd]]Name];", "DROP VIEW IF EXISTS [dbo].[It's];"],
            script.Batches.Select(b => b.Text));
        Assert.All(script.Batches, b => Assert.Equal(SqlBatchTarget.Database, b.Target));
        foreach (var batch in script.Batches)
        {
            SqlScriptValidator.Parse(batch.Text, out var errors);
            Assert.Empty(errors);
        }

        Assert.Contains("USE [CI];", script.Text);
    }

    [Fact]
    public void A_database_no_other_export_uses_also_loses_its_data_source_credential_and_owner_marker_in_that_order()
    {
        var script = ExportDropScript.Generate("CI", QueryAccessMode.WorkspaceIdentity, ["Customer"], dropSharedObjects: true, dropDatabase: false);

        var texts = script.Batches.Select(b => b.Text).ToArray();
        Assert.Equal(5, texts.Length);
        Assert.StartsWith("DROP VIEW", texts[0]);
        Assert.Contains("DROP EXTERNAL DATA SOURCE [CISynapseDataLake];", texts[1]);
        Assert.Contains("FROM sys.external_data_sources WHERE name LIKE N'CISynapseDataLake[_]%'", texts[2]);
        Assert.Contains("EXEC (@drop);", texts[2]);
        Assert.Contains("DROP DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity];", texts[3]);
        Assert.Equal("DROP VIEW IF EXISTS [cisynapse].[ExportOwner];", texts[4]);
        Assert.DoesNotContain(texts, t => t.Contains("DROP DATABASE [", StringComparison.Ordinal));
    }

    [Fact]
    public void The_database_is_dropped_only_when_asked_in_master()
    {
        var script = ExportDropScript.Generate("Sales]DB", QueryAccessMode.CallerIdentity, ["Customer"], dropSharedObjects: true, dropDatabase: true);

        var batch = Assert.Single(script.Batches);
        Assert.Equal(SqlBatchTarget.Master, batch.Target);
        Assert.Equal(SqlBatchKind.DropDatabase, batch.Kind);
        Assert.Equal("IF DB_ID(N'Sales]DB') IS NOT NULL\n    DROP DATABASE [Sales]]DB];", batch.Text);
    }
}
