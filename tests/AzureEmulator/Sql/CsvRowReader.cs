using System.Text;
using AzureEmulator.Tds;

namespace AzureEmulator.Sql;

/// <summary>The CSV options of one OPENROWSET, with terminators already unescaped.</summary>
public sealed record CsvOptions(
    string ParserVersion,
    string FieldTerminator,
    string? RowTerminator,
    char? FieldQuote,
    char? EscapeChar,
    int FirstRow,
    bool HeaderRow)
{
    public bool IsParser2 => ParserVersion == "2.0";
}

/// <summary>
/// A streaming CSV reader following develop-openrowset ("OPENROWSET function in serverless SQL pool"):
/// FIELDTERMINATOR (default ','), ROWTERMINATOR (default \r\n, \n or \r; parser 1.0 reads a given \n as \r\n),
/// FIELDQUOTE (default ") where "the quoting character must be escaped with another quoting character",
/// ESCAPECHAR "used to escape itself and all delimiter values … the escape character is dropped when reading the
/// value … it won't be used to escape the quoting character", and a quoted empty value is an empty string while an
/// unquoted empty value is NULL. One row's fields at a time; nothing else is held in memory.
/// </summary>
public sealed class CsvRowReader
{
    private readonly TextReader _reader;
    private readonly CsvOptions _options;
    private readonly string _file;
    private readonly char[] _buffer = new char[64 * 1024];
    private int _position;
    private int _length;

    public CsvRowReader(TextReader reader, CsvOptions options, string file)
    {
        _reader = reader;
        _options = options;
        _file = file;
    }

    /// <summary>The physical row number (1-based) of the row last returned.</summary>
    public long RowNumber { get; private set; }

    /// <summary>The fields of the next row, or null at the end of the file.</summary>
    public List<string?>? Next()
    {
        if (Peek() < 0)
        {
            return null;
        }

        RowNumber++;
        var fields = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var afterQuote = false;
        while (true)
        {
            var c = Peek();
            if (c < 0)
            {
                fields.Add(FieldValue(field, quoted));
                return fields;
            }

            if (quoted && !afterQuote)
            {
                Advance();
                if (c == _options.FieldQuote)
                {
                    if (Peek() == _options.FieldQuote)
                    {
                        Advance();
                        field.Append((char)c);
                    }
                    else
                    {
                        afterQuote = true;
                    }
                }
                else if (c == _options.EscapeChar && Peek() >= 0 && Peek() != _options.FieldQuote)
                {
                    field.Append((char)Read());
                }
                else
                {
                    field.Append((char)c);
                }

                continue;
            }

            if (TryConsume(_options.FieldTerminator))
            {
                fields.Add(FieldValue(field, quoted));
                field.Clear();
                quoted = afterQuote = false;
                continue;
            }

            if (TryConsumeRowTerminator())
            {
                fields.Add(FieldValue(field, quoted));
                return fields;
            }

            if (afterQuote)
            {
                throw new SqlStatementException(SqlQueryErrors.Undocumented(
                    $"text after the closing quote of a quoted field in row {RowNumber} of {_file}"));
            }

            Advance();
            if (c == _options.FieldQuote && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == _options.EscapeChar && Peek() >= 0)
            {
                field.Append((char)Read());
            }
            else
            {
                field.Append((char)c);
            }
        }
    }

    private static string? FieldValue(StringBuilder field, bool quoted) => field.Length == 0 && !quoted ? null : field.ToString();

    private bool TryConsumeRowTerminator()
    {
        if (_options.RowTerminator is { } terminator)
        {
            return TryConsume(!_options.IsParser2 && terminator == "\n" ? "\r\n" : terminator);
        }

        if (TryConsume("\r\n") || TryConsume("\n"))
        {
            return true;
        }

        return TryConsume("\r");
    }

    private bool TryConsume(string text)
    {
        if (!Fill(text.Length))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (_buffer[_position + i] != text[i])
            {
                return false;
            }
        }

        _position += text.Length;
        return true;
    }

    private int Peek() => Fill(1) ? _buffer[_position] : -1;

    private int Read()
    {
        var c = Peek();
        Advance();
        return c;
    }

    private void Advance() => _position++;

    /// <summary>Makes at least <paramref name="count"/> characters available; false at the end of the file.</summary>
    private bool Fill(int count)
    {
        if (_length - _position >= count)
        {
            return true;
        }

        Array.Copy(_buffer, _position, _buffer, 0, _length - _position);
        _length -= _position;
        _position = 0;
        try
        {
            while (_length < count)
            {
                var read = _reader.Read(_buffer, _length, _buffer.Length - _length);
                if (read == 0)
                {
                    return false;
                }

                _length += read;
            }
        }
        catch (DecoderFallbackException)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"text that is not UTF-8 (file {_file}; the emulator reads UTF-8 only)"));
        }

        return true;
    }
}
