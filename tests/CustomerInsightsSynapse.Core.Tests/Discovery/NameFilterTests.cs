using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Core.Tests.Discovery;

public sealed class NameFilterTests
{
    private static readonly string[] Names = ["Sales [EU]", "Sales E", "Sales U", "Marketing", "sales-eu"];

    [Fact]
    public void A_name_with_brackets_finds_itself_and_what_its_wildcard_matches()
    {
        var found = new NameFilter(["Sales [EU]"]).Apply(Names, n => n);

        Assert.Equal(["Sales [EU]", "Sales E", "Sales U"], found.Selected);
        Assert.Empty(found.Missing);
    }

    [Fact]
    public void An_escaped_bracket_finds_only_the_name()
    {
        Assert.Equal(["Sales [EU]"], new NameFilter(["sales `[eu`]"]).Apply(Names, n => n).Selected);
    }

    [Fact]
    public void No_names_selects_everything_and_plain_names_that_match_nothing_are_missing()
    {
        Assert.Equal(Names, new NameFilter(null).Apply(Names, n => n).Selected);

        var found = new NameFilter(["Nope", "Mark*", "Zz*", "marketing"]).Apply(Names, n => n);
        Assert.Equal(["Marketing"], found.Selected);
        Assert.Equal(["Nope"], found.Missing);
    }

    [Fact]
    public void Only_exact_names_is_true_when_no_name_has_a_wildcard()
    {
        Assert.True(new NameFilter(["Sales", "Sales [EU"]).OnlyExactNames);
        Assert.False(new NameFilter(["Sales*"]).OnlyExactNames);
        Assert.False(new NameFilter([]).OnlyExactNames);
    }
}
