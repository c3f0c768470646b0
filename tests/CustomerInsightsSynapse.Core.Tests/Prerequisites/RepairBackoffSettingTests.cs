using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class RepairBackoffSettingTests
{
    [Fact]
    public void Unset_gives_the_documented_default()
    {
        var waits = PrerequisiteRepairer.BackoffFromSetting(null);
        Assert.Equal([5.0, 10.0, 20.0, 40.0], waits.Select(w => w.TotalSeconds));
    }

    [Theory]
    [InlineData("0.2,0.2,0.2", new[] { 0.2, 0.2, 0.2 })]
    [InlineData(" 1 , 2.5 ", new[] { 1.0, 2.5 })]
    [InlineData("0", new[] { 0.0 })]
    [InlineData("", new double[0])]
    public void A_list_of_seconds_gives_one_wait_per_retry(string setting, double[] expected)
    {
        Assert.Equal(expected, PrerequisiteRepairer.BackoffFromSetting(setting).Select(w => w.TotalSeconds));
    }

    [Theory]
    [InlineData("5,soon")]
    [InlineData("-1")]
    [InlineData("601")]
    [InlineData("NaN")]
    [InlineData("1;2")]
    public void Anything_else_is_InvalidPrincipalRetrySetting(string setting)
    {
        var ex = Assert.Throws<CISynapseException>(() => PrerequisiteRepairer.BackoffFromSetting(setting));
        Assert.Equal(ErrorIds.InvalidPrincipalRetrySetting, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(PrerequisiteRepairer.PrincipalRetryVariable, ex.Message);
    }
}
