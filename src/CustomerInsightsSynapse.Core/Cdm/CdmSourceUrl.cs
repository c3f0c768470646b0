using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The rule for a CDM source given as a URL: no query string or fragment, so no SAS is ever stored, logged or
/// shown; the source is read with the signed-in identity's Azure RBAC on its container.
/// </summary>
public static class CdmSourceUrl
{
    /// <summary>Returns <paramref name="source"/> unchanged, or refuses a URL with a query string or fragment (SourceUrlHasQuery).</summary>
    public static string Validate(string source)
    {
        if (BlobLocation.IsUrl(source) && source.IndexOfAny(['?', '#']) >= 0)
        {
            var shown = WithoutQuery(source);
            throw new CISynapseException(
                ErrorIds.SourceUrlHasQuery,
                ErrorKind.InvalidArgument,
                $"The CDM source URL '{shown}' has a query string (such as a SAS token), which would be stored and shown with the export. Give the URL without it.",
                shown)
            {
                RecommendedAction = $"Use '{shown}' as the source, sign in with Connect-CISynapseAccount, and give that identity Storage Blob Data Reader on the source container instead of a SAS.",
            };
        }

        return source;
    }

    /// <summary>A source as it may be shown: a URL without its query string and fragment; a local path as it is.</summary>
    public static string WithoutQuery(string source)
    {
        if (!BlobLocation.IsUrl(source))
        {
            return source;
        }

        var cut = source.IndexOfAny(['?', '#']);
        return cut < 0 ? source : source[..cut];
    }
}
