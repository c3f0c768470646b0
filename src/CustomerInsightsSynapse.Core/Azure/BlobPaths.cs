using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// The one place that decides whether a name may be a blob path segment, and that joins segments.
/// Every path the module writes to or reads from a container goes through it.
/// </summary>
public static class BlobPaths
{
    /// <summary>The longest segment accepted (Azure allows 255 per segment of a blob name on HNS accounts).</summary>
    public const int MaxSegmentLength = 255;

    /// <summary>
    /// Checks that <paramref name="segment"/> is safe as one path segment: not empty, no '/' or '\', not '.' or '..',
    /// no control characters, no trailing dot or space, at most <see cref="MaxSegmentLength"/> characters.
    /// </summary>
    /// <param name="segment">The candidate segment.</param>
    /// <param name="what">What the segment names, for the error ("entity name", "database name").</param>
    /// <returns>The segment, unchanged.</returns>
    public static string ValidateSegment(string? segment, string what)
    {
        var problem = SegmentProblem(segment);
        if (problem is not null)
        {
            throw new CISynapseException(
                ErrorIds.InvalidBlobPath,
                ErrorKind.InvalidArgument,
                $"The {what} '{Printable(segment)}' cannot be used in a storage path: it {problem}.",
                segment);
        }

        return segment!;
    }

    /// <summary>Why <paramref name="segment"/> cannot be one path segment (see <see cref="ValidateSegment"/>), or null when it can.</summary>
    public static string? SegmentProblem(string? segment) =>
        segment switch
        {
            null or "" => "is empty",
            "." or ".." => "is '.' or '..'",
            _ when segment.Length > MaxSegmentLength => $"is longer than {MaxSegmentLength} characters",
            _ when segment.IndexOfAny(['/', '\\']) >= 0 => "contains '/' or '\\'",
            _ when segment.Any(char.IsControl) => "contains a control character",
            _ when segment.EndsWith('.') || segment.EndsWith(' ') => "ends with a dot or a space",
            _ when segment.Any(c => char.IsSurrogate(c)) && !IsWellFormed(segment) => "contains an unpaired surrogate",
            _ => null,
        };

    /// <summary>
    /// Checks a relative path of '/'-separated segments (each as <see cref="ValidateSegment"/>) and returns it
    /// with no leading or trailing '/'.
    /// </summary>
    public static string ValidateRelativePath(string? path, string what)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new CISynapseException(ErrorIds.InvalidBlobPath, ErrorKind.InvalidArgument, $"The {what} is empty.", path);
        }

        var trimmed = path.Trim('/');
        foreach (var segment in trimmed.Split('/'))
        {
            ValidateSegment(segment, what);
        }

        return trimmed;
    }

    /// <summary>Joins validated segments with '/'.</summary>
    public static string Combine(params string[] segments) =>
        string.Join('/', segments.Select(s => s.Trim('/')).Where(s => s.Length > 0));

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string? s) =>
        s is null ? string.Empty : new string(s.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (s.Length > 80 ? "…" : string.Empty);
}
