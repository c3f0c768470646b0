using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// Document names: what is accepted, and the file (or blob) name each is kept under. Names are unique without
/// regard to case, so the file name is derived from the lower-case name; names that are not plain
/// (other characters, device names, very long) get a hashed file name instead.
/// </summary>
public static partial class DocumentNames
{
    public const int MaxLength = 128;

    private static readonly HashSet<string> WindowsDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    };

    /// <summary>Checks a document name and returns it unchanged.</summary>
    /// <param name="name">The name.</param>
    /// <param name="what">What the name names, for the error ("connection name").</param>
    public static string Validate(string? name, string what)
    {
        BlobPaths.ValidateSegment(name, what);
        if (char.IsWhiteSpace(name![0]))
        {
            throw new CISynapseException(ErrorIds.InvalidDocumentName, ErrorKind.InvalidArgument, $"The {what} '{name}' starts with a space.", name);
        }

        if (name.Length > MaxLength)
        {
            throw new CISynapseException(ErrorIds.InvalidDocumentName, ErrorKind.InvalidArgument, $"The {what} is longer than {MaxLength} characters.", name);
        }

        return name;
    }

    /// <summary>The file name a document is kept under; the same for names that differ only in case.</summary>
    public static string FileName(string name)
    {
        var key = name.ToLowerInvariant();
        var stem = key.Split('.')[0];
        if (PlainName().IsMatch(key) && !WindowsDeviceNames.Contains(stem) && !key.EndsWith('.'))
        {
            return key + ".json";
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var readable = new string(key.Where(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_').Take(40).ToArray());
        return readable + "~" + hash + ".json";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();
}
