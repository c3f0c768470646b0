using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// The one place that turns input into T-SQL text: identifiers become <c>[name]</c> with <c>]</c> doubled,
/// literals become <c>N'text'</c> with <c>'</c> doubled. Everything else in a generated script is fixed text.
/// </summary>
public static class SqlQuoting
{
    /// <summary>The longest identifier SQL accepts (sysname is nvarchar(128), counted in UTF-16 code units).</summary>
    public const int MaxIdentifierLength = 128;

    /// <summary>Returns <paramref name="name"/> as a bracket-quoted identifier, or throws when SQL cannot hold it.</summary>
    /// <param name="name">The identifier as the user or the CDM metadata wrote it.</param>
    /// <param name="what">What it names, for the error ("database name", "attribute name").</param>
    public static string Identifier(string? name, string what)
    {
        var builder = new StringBuilder((name?.Length ?? 0) + 4);
        AppendIdentifier(builder, name, what);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="name"/> as a bracket-quoted identifier (see <see cref="Identifier"/>).</summary>
    public static StringBuilder AppendIdentifier(StringBuilder builder, string? name, string what)
    {
        ValidateIdentifier(name, what);
        builder.Append('[');
        AppendDoubling(builder, name!, ']');
        return builder.Append(']');
    }

    /// <summary>Returns <paramref name="value"/> as a Unicode string literal <c>N'…'</c>, or throws when it holds a NUL.</summary>
    /// <param name="value">The text.</param>
    /// <param name="what">What it is, for the error ("storage location").</param>
    public static string Literal(string value, string what)
    {
        var builder = new StringBuilder(value.Length + 4);
        AppendLiteral(builder, value, what);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="value"/> as a Unicode string literal (see <see cref="Literal"/>).</summary>
    public static StringBuilder AppendLiteral(StringBuilder builder, string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
        {
            throw new CISynapseException(
                ErrorIds.InvalidSqlLiteral,
                ErrorKind.InvalidArgument,
                $"The {what} '{Printable(value)}' cannot be written as a SQL string: it contains a NUL character.",
                value);
        }

        builder.Append("N'");
        AppendDoubling(builder, value, '\'');
        return builder.Append('\'');
    }

    /// <summary>Throws <see cref="ErrorIds.InvalidSqlIdentifier"/> when SQL cannot hold <paramref name="name"/> as an identifier.</summary>
    public static void ValidateIdentifier(string? name, string what)
    {
        var problem = IdentifierProblem(name);
        if (problem is not null)
        {
            throw new CISynapseException(
                ErrorIds.InvalidSqlIdentifier,
                ErrorKind.InvalidArgument,
                $"The {what} '{Printable(name ?? string.Empty)}' cannot be used as a SQL name: it {problem}.",
                name)
            {
                RecommendedAction = $"Use a {what} of 1 to {MaxIdentifierLength} characters without control characters or broken Unicode characters.",
            };
        }
    }

    /// <summary>Why SQL cannot hold <paramref name="name"/> as an identifier, or null when it can.</summary>
    public static string? IdentifierProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > MaxIdentifierLength)
        {
            return $"is {name.Length} characters long (at most {MaxIdentifierLength})";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '\0')
            {
                return "contains a NUL character";
            }

            if (char.IsControl(c))
            {
                // SQL would accept these, but a line break in a name could split the saved script at a GO line,
                // and no one can type or see them.
                return "contains a control character";
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
                {
                    i++;
                    continue;
                }

                return "contains an unpaired surrogate";
            }

            if (char.IsLowSurrogate(c))
            {
                return "contains an unpaired surrogate";
            }
        }

        return null;
    }

    /// <summary>Shows text in an error message with control characters and lone surrogates as \uXXXX escapes.</summary>
    internal static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pairedSurrogate)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static void AppendDoubling(StringBuilder builder, string text, char quote)
    {
        var start = 0;
        int index;
        while ((index = text.IndexOf(quote, start)) >= 0)
        {
            builder.Append(text, start, index - start + 1).Append(quote);
            start = index + 1;
        }

        builder.Append(text, start, text.Length - start);
    }
}
