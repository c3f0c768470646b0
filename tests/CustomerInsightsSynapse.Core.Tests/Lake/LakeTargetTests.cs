using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

public sealed class LakeTargetTests
{
    private static LakeTarget Target(string database, string container = "https://acct.blob.core.windows.net/lake") => new(BlobLocation.Parse(container), database);

    [Fact]
    public void ScriptIsKeptUnderTheDatabaseFolder()
    {
        Assert.Equal("Sales/_sql/20261129T064600Z-1a2b.sql", Target("Sales").SqlScriptPath("20261129T064600Z-1a2b"));
    }

    [Theory]
    [InlineData("Sales/x", "r1")]
    [InlineData("..", "r1")]
    [InlineData("Sales", "a/b")]
    public void UnsafeSegmentsAreRefused(string database, string runId)
    {
        var ex = Assert.Throws<CISynapseException>(() => Target(database).SqlScriptPath(runId));

        Assert.Equal(ErrorIds.InvalidBlobPath, ex.ErrorId);
    }

    [Fact]
    public void EveryPathOfADatabase_IsUnderTheContainerFolderAndTheDatabase()
    {
        var target = Target("Sales", "https://acct.blob.core.windows.net/lake/exports");

        Assert.Equal("exports/Sales/model.json", target.ModelPath);
        Assert.Equal("exports/Sales/_lock", target.LockPath);
        Assert.Equal("exports/Sales/_sql/r1.sql", target.SqlScriptPath("r1"));
        Assert.Equal("exports/Sales/_runs/r1.json", target.RunRecordPath("r1"));
        Assert.Equal("exports/Sales/Contact/s1", target.SnapshotFolder("Contact", "s1"));
    }
}
