using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Core.Tests.Discovery;

public sealed class CompletionMatcherTests
{
    private static readonly string[] Names = ["ws-ci-export", "WS-CI-Marketing", "ws-fab-lake", "analytics"];

    private static IReadOnlyList<string> Select(string? word, Func<string, bool>? preferred = null) =>
        CompletionMatcher.Select(Names, word, n => [n], n => n, preferred);

    [Fact]
    public void An_empty_word_offers_everything_sorted_by_name_without_regard_to_case() =>
        Assert.Equal(["analytics", "ws-ci-export", "WS-CI-Marketing", "ws-fab-lake"], Select(""));

    [Fact]
    public void A_prefix_matches_without_regard_to_case() =>
        Assert.Equal(["ws-ci-export", "WS-CI-Marketing"], Select("WS-CI"));

    [Fact]
    public void A_partial_word_matches_inside_a_name_after_the_prefix_matches()
    {
        Assert.Equal(["WS-CI-Marketing"], Select("market"));
        Assert.Equal(["analytics", "WS-CI-Marketing", "ws-fab-lake"], Select("a"));
    }

    [Theory]
    [InlineData("ws-*-export", new[] { "ws-ci-export" })]
    [InlineData("*lake", new[] { "ws-fab-lake" })]
    [InlineData("ws-?i-*", new[] { "ws-ci-export", "WS-CI-Marketing" })]
    [InlineData("ws-[cf]*", new[] { "ws-ci-export", "WS-CI-Marketing", "ws-fab-lake" })]
    [InlineData("ws-[!c]*", new[] { "ws-fab-lake" })]
    public void Wildcards_match_as_like_word_star(string word, string[] expected) =>
        Assert.Equal(expected, Select(word));

    [Fact]
    public void A_wildcard_word_does_not_also_match_inside_names() =>
        Assert.Empty(Select("fab*"));

    [Fact]
    public void An_unclosed_bracket_and_escaped_characters_match_as_plain_text()
    {
        string[] names = ["rg[1", "rg*x", "rgax"];
        Assert.Equal(["rg[1"], CompletionMatcher.Select(names, "rg[", n => [n], n => n));
        Assert.Equal(["rg*x"], CompletionMatcher.Select(names, "rg`*", n => [n], n => n));
    }

    [Fact]
    public void The_preferred_item_comes_first_when_it_matches()
    {
        Assert.Equal(["ws-fab-lake", "analytics", "ws-ci-export", "WS-CI-Marketing"], Select(null, n => n == "ws-fab-lake"));
        Assert.Equal(["ws-ci-export", "WS-CI-Marketing"], Select("ws-ci", n => n == "ws-fab-lake"));
    }

    [Fact]
    public void Any_key_may_match_so_a_subscription_completes_by_name_or_id()
    {
        (string Id, string Name)[] subscriptions = [("5f1c3a7e-0000", "Contoso Analytics"), ("7c2e4b1a-0000", "Fabrikam Data")];
        Assert.Equal(["7c2e4b1a-0000"], CompletionMatcher.Select(subscriptions, "fab", s => [s.Id, s.Name], s => s.Name).Select(s => s.Id));
        Assert.Equal(["5f1c3a7e-0000"], CompletionMatcher.Select(subscriptions, "5f1c", s => [s.Id, s.Name], s => s.Name).Select(s => s.Id));
    }
}
