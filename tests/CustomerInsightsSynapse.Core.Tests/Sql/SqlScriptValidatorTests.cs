using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class SqlScriptValidatorTests
{
    [Fact]
    public void BatchThatDoesNotParseIsReportedWithItsTextAndTheParserError()
    {
        var batch = new SqlBatch("create or alter view [dbo].[Broken]", SqlBatchKind.View, SqlBatchTarget.Database, "CREATE OR ALTER VIEW [dbo].[Broken] AS SELEC * FROM x;");

        var ex = Assert.Throws<CISynapseException>(() => SqlScriptValidator.Validate(batch));

        Assert.Equal(ErrorIds.GeneratedSqlInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidResult, ex.Kind);
        Assert.Contains("[dbo].[Broken]", ex.Message);
        Assert.Contains("Line 1, column", ex.Message);
        Assert.Contains("SELEC * FROM x;", ex.Message);
        Assert.Contains("bug", ex.Message);
    }

    [Fact]
    public void BatchThatSplitsIntoSeveralBatchesIsRefused()
    {
        var batch = new SqlBatch("two", SqlBatchKind.View, SqlBatchTarget.Database, "SELECT 1;\nGO\nSELECT 2;");

        var ex = Assert.Throws<CISynapseException>(() => SqlScriptValidator.Validate(batch));

        Assert.Equal(ErrorIds.GeneratedSqlInvalid, ex.ErrorId);
        Assert.Contains("2 batches", ex.Message);
    }

    [Fact]
    public void ParallelValidationReportsTheBrokenBatchAmongMany()
    {
        var batches = Enumerable.Range(0, 200)
            .Select(i => new SqlBatch("b" + i, SqlBatchKind.View, SqlBatchTarget.Database, i == 137 ? "SELECT FROM WHERE;" : $"SELECT {i};"))
            .ToList();

        var ex = Assert.Throws<CISynapseException>(() => SqlScriptValidator.Validate(batches));

        Assert.Equal(ErrorIds.GeneratedSqlInvalid, ex.ErrorId);
        Assert.Contains("'b137'", ex.Message);
    }

    [Fact]
    public void ValidBatchesPass()
    {
        SqlScriptValidator.Validate(Enumerable.Range(0, 100).Select(i => new SqlBatch("b" + i, SqlBatchKind.View, SqlBatchTarget.Database, $"SELECT {i};")).ToList());
    }
}
