using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Core.Tests.Export;

public sealed class EntityPatternTests
{
    [Theory]
    [InlineData("Customer", "customer", true)]
    [InlineData("Customer", "Customers", false)]
    [InlineData("Cust*", "CUSTOMER", true)]
    [InlineData("*Activity", "UnifiedActivity", true)]
    [InlineData("C?stomer", "Customer", true)]
    [InlineData("C?stomer", "Cstomer", false)]
    [InlineData("[a-c]*", "Contact", true)]
    [InlineData("[a-c]*", "Segment", false)]
    [InlineData("[xs]egment", "Segment", true)]
    [InlineData("Sales`[EU`]", "Sales[EU]", true)]
    [InlineData("Sales`[EU`]", "SalesE", false)]
    [InlineData("Sales`*", "Sales*", true)]
    [InlineData("Sales`*", "SalesX", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("(x)+", "(x)+", true)]
    [InlineData("*", "", true)]
    public void Matches_like_PowerShell_wildcards(string pattern, string name, bool expected) =>
        Assert.Equal(expected, new EntityPattern(pattern).IsMatch(name));

    [Theory]
    [InlineData("Customer", "Customer")]
    [InlineData("Sales`[EU`]", "Sales[EU]")]
    [InlineData("a[", "a[")]
    public void A_pattern_without_wildcards_is_a_literal_name(string pattern, string literal)
    {
        var compiled = new EntityPattern(pattern);

        Assert.False(compiled.IsWildcard);
        Assert.Equal(literal, compiled.Literal);
    }
}
