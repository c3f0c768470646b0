namespace CustomerInsightsSynapse.Completers;

/// <summary>The word being completed without its quotes, and completion text quoted so that it parses as typed.</summary>
internal static class CompletionText
{
    public static (string Text, char? Quote) Unquote(string word)
    {
        if (word.Length > 0 && word[0] is '\'' or '"')
        {
            var quote = word[0];
            var inner = word[1..];
            if (inner.Length > 0 && inner[^1] == quote)
            {
                inner = inner[..^1];
            }

            return (quote == '\'' ? inner.Replace("''", "'") : inner, quote);
        }

        return (word, null);
    }

    /// <summary>Single-quotes the text when the user started a quote or when a bare word would not parse as it.</summary>
    public static string Quote(string text, char? typedQuote)
    {
        var needsQuotes = typedQuote is not null || text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || "'\"$`(){}@#;,|&<>".Contains(c));
        return needsQuotes ? "'" + text.Replace("'", "''") + "'" : text;
    }
}
