using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Names of snapshot folders: UTC time to the millisecond plus 6 random hex digits
/// (<c>20260129T064512345Z-3fa9c1</c>), so that ordinal order is landing order and two runs never collide.
/// </summary>
public static partial class SnapshotId
{
    public static string New(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" +
        Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    /// <summary>Whether a folder name was made by <see cref="New"/>; cleanup deletes nothing else.</summary>
    public static bool IsSnapshotId(string name) => Pattern().IsMatch(name);

    /// <summary>When the snapshot was started, read from its name; false for a name not made by <see cref="New"/>.</summary>
    public static bool TryGetTime(string name, out DateTimeOffset time)
    {
        time = default;
        return IsSnapshotId(name)
            && DateTimeOffset.TryParseExact(name[..19], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    [GeneratedRegex("^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
