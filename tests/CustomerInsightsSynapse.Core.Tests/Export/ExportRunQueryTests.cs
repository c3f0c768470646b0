using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Core.Tests.Export;

public sealed class ExportRunQueryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ExportRunRecord Run(string export, int minute, ExportRunStatus status, string? id = null) => new()
    {
        RunId = id ?? $"{export}-{minute}",
        ExportName = export,
        ConnectionName = "c",
        DatabaseName = "db",
        StartedBy = "u",
        StartedOn = T0.AddMinutes(minute),
        Status = status,
    };

    private static readonly ExportRunRecord[] Runs =
    [
        Run("Sales [EU]", 1, ExportRunStatus.Succeeded),
        Run("Sales E", 2, ExportRunStatus.Failed),
        Run("Sales [EU]", 3, ExportRunStatus.Failed),
        Run("Marketing", 4, ExportRunStatus.Succeeded),
        Run("Sales [EU]", 3, ExportRunStatus.Canceled, "Sales [EU]-3b"),
    ];

    [Fact]
    public void Runs_come_newest_first_with_the_run_id_breaking_ties()
    {
        Assert.Equal(["Marketing-4", "Sales [EU]-3b", "Sales [EU]-3", "Sales E-2", "Sales [EU]-1"], new ExportRunQuery().Apply(Runs).Select(r => r.RunId));
    }

    [Fact]
    public void Names_match_as_every_Get_cmdlet_matches_them()
    {
        var query = new ExportRunQuery { ExportNames = new NameFilter(["sales `[eu`]"]) };
        Assert.Equal(["Sales [EU]-3b", "Sales [EU]-3", "Sales [EU]-1"], query.Apply(Runs).Select(r => r.RunId));
    }

    [Fact]
    public void Status_start_time_run_id_and_last_narrow_the_list()
    {
        Assert.Equal(["Sales [EU]-3", "Sales E-2"], new ExportRunQuery { Statuses = [ExportRunStatus.Failed] }.Apply(Runs).Select(r => r.RunId));
        Assert.Equal(["Marketing-4", "Sales [EU]-3b", "Sales [EU]-3"], new ExportRunQuery { After = T0.AddMinutes(3) }.Apply(Runs).Select(r => r.RunId));
        Assert.Equal(["Sales E-2"], new ExportRunQuery { RunId = "sales e-2" }.Apply(Runs).Select(r => r.RunId));
        Assert.Equal(["Marketing-4", "Sales [EU]-3b"], new ExportRunQuery { Last = 2 }.Apply(Runs).Select(r => r.RunId));
    }
}
