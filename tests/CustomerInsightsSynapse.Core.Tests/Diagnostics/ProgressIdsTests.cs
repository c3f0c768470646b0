using System.Reflection;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Tests.Diagnostics;

public sealed class ProgressIdsTests
{
    [Fact]
    public void Every_progress_activity_has_its_own_id()
    {
        var ids = typeof(ProgressIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (Name: f.Name, Id: (int)f.GetValue(null)!)).ToArray();

        Assert.NotEmpty(ids);
        Assert.Empty(ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => string.Join(", ", g.Select(i => i.Name))));
    }
}
