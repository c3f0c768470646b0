namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// Azure RBAC action matching: case-insensitive, '*' matches any run of characters, '/' included
/// ("Microsoft.Storage/*/blobs/*" matches "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read").
/// </summary>
public static class ActionPattern
{
    public static bool Matches(string pattern, string action) => Matches(pattern.AsSpan(), action.AsSpan());

    public static bool MatchesAny(IEnumerable<string> patterns, string action) => patterns.Any(p => Matches(p, action));

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative wildcard match with single-star backtracking: linear in practice, no recursion.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
