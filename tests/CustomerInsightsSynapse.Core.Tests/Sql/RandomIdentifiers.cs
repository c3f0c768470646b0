using System.Text;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// Seeded generator of hostile but legal SQL identifiers: brackets, quotes, semicolons, comment openers,
/// GO, spaces, accented and CJK letters, combining marks, right-to-left text and surrogate pairs, 1..128 UTF-16 units.
/// </summary>
internal sealed class RandomIdentifiers(int seed)
{
    private static readonly string[] Pieces =
    [
        "[", "]", "]]", "[]", "'", "''", "\"", ";", "--", "/*", "*/", "GO", " ", "N'", "$(", ")", "\\", "%", "*", "?", ",",
        "a", "Z", "_", "0", "9", "é", "ß", "İ", "中", "文", "ا", "ل", "\u0301", "\u200D", "\u200F", "\u00A0",
        "😀", "𝔘", "🏳️‍🌈", "\U00010348", "DROP DATABASE x", "SELECT", "END", "'); --",
    ];

    private readonly Random _random = new(seed);

    public string Next()
    {
        var target = _random.Next(10) == 0 ? 128 : _random.Next(1, 129);
        var builder = new StringBuilder(target + 16);
        while (builder.Length < target)
        {
            var piece = Pieces[_random.Next(Pieces.Length)];
            if (builder.Length + piece.Length > target)
            {
                piece = FitPrefix(piece, target - builder.Length);
                if (piece.Length == 0)
                {
                    piece = "x";
                }
            }

            builder.Append(piece);
        }

        return builder.ToString();
    }

    /// <summary>The longest prefix of <paramref name="piece"/> within <paramref name="room"/> units that does not split a surrogate pair.</summary>
    private static string FitPrefix(string piece, int room)
    {
        var length = Math.Min(room, piece.Length);
        if (length > 0 && char.IsHighSurrogate(piece[length - 1]))
        {
            length--;
        }

        return piece[..length];
    }
}
