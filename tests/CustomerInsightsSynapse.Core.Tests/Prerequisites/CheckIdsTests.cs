using System.Reflection;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class CheckIdsTests
{
    [Fact]
    public void Every_check_id_constant_is_listed_once()
    {
        var constants = typeof(CheckIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

        Assert.Equal(constants.Order(), CheckIds.All.Order());
        Assert.Equal(constants.Length, constants.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
