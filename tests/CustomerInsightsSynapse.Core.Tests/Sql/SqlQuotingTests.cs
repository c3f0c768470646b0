using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

public sealed class SqlQuotingTests
{
    [Theory]
    [InlineData("Orders", "[Orders]")]
    [InlineData("a]b", "[a]]b]")]
    [InlineData("]]", "[]]]]]")]
    [InlineData("[x", "[[x]")]
    [InlineData("it's; DROP --", "[it's; DROP --]")]
    [InlineData("😀", "[😀]")]
    public void IdentifierIsBracketQuotedWithClosingBracketDoubled(string name, string expected)
    {
        Assert.Equal(expected, SqlQuoting.Identifier(name, "entity name"));
    }

    [Fact]
    public void IdentifierOf128UnitsEndingInSurrogatePairIsAccepted()
    {
        var name = new string('a', 126) + "😀";

        Assert.Equal("[" + name + "]", SqlQuoting.Identifier(name, "entity name"));
    }

    // Kept out of the theory data: xunit serializes theory strings and would replace lone surrogates with U+FFFD.
    private static readonly (string? Name, string Reason)[] BadIdentifierValues =
    [
        (null, "is empty"),
        (string.Empty, "is empty"),
        (new string('a', 129), "129 characters"),
        (new string('a', 127) + "😀", "129 characters"),
        ("a\0b", "NUL"),
        ("a\nGO\nb", "control character"),
        ("tab\there", "control character"),
        ("a\uD83D", "unpaired surrogate"),
        ("\uDE00a", "unpaired surrogate"),
        ("\uDE00\uD83D", "unpaired surrogate"),
    ];

    public static TheoryData<int> BadIdentifiers => new(Enumerable.Range(0, BadIdentifierValues.Length));

    [Theory]
    [MemberData(nameof(BadIdentifiers))]
    public void IdentifierSqlCannotHoldIsRefused(int index)
    {
        var (name, reason) = BadIdentifierValues[index];

        var ex = Assert.Throws<CISynapseException>(() => SqlQuoting.Identifier(name, "attribute name"));

        Assert.Equal(ErrorIds.InvalidSqlIdentifier, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("attribute name", ex.Message);
        Assert.Contains(reason, ex.Message);
        Assert.False(ex.Message.Contains('\0'), "the message holds a raw NUL");
        if (reason == "unpaired surrogate")
        {
            Assert.False(ex.Message.Any(char.IsSurrogate), "the message holds a raw lone surrogate");
            Assert.Contains("\\u", ex.Message);
        }
    }

    [Theory]
    [InlineData("plain", "N'plain'")]
    [InlineData("O'Brien", "N'O''Brien'")]
    [InlineData("''", "N''''''")]
    [InlineData("", "N''")]
    [InlineData("line\nbreak", "N'line\nbreak'")]
    public void LiteralIsUnicodeWithQuoteDoubled(string value, string expected)
    {
        Assert.Equal(expected, SqlQuoting.Literal(value, "value"));
    }

    [Fact]
    public void LiteralWithNulIsRefused()
    {
        var ex = Assert.Throws<CISynapseException>(() => SqlQuoting.Literal("a\0b", "storage location"));

        Assert.Equal(ErrorIds.InvalidSqlLiteral, ex.ErrorId);
        Assert.Contains("storage location", ex.Message);
        Assert.Contains("\\u0000", ex.Message);
    }

    [Fact]
    public void QuotedIdentifierAndLiteralReadBackThroughScriptDom()
    {
        const string name = "x]; DROP DATABASE [y]; --'";
        var fragment = SqlScriptValidator.Parse(
            $"SELECT {SqlQuoting.Literal(name, "v")} AS {SqlQuoting.Identifier(name, "n")};",
            out var errors);

        Assert.Empty(errors);
        var select = (Microsoft.SqlServer.TransactSql.ScriptDom.SelectScalarExpression)
            ((Microsoft.SqlServer.TransactSql.ScriptDom.QuerySpecification)((Microsoft.SqlServer.TransactSql.ScriptDom.SelectStatement)
                ((Microsoft.SqlServer.TransactSql.ScriptDom.TSqlScript)fragment).Batches[0].Statements[0]).QueryExpression).SelectElements[0];
        Assert.Equal(name, ((Microsoft.SqlServer.TransactSql.ScriptDom.StringLiteral)select.Expression).Value);
        Assert.Equal(name, select.ColumnName.Value);
    }
}
