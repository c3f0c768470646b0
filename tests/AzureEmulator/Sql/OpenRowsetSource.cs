using System.Text;
using System.Text.RegularExpressions;
using AzureEmulator.Tds;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Sql;

/// <summary>
/// One file OPENROWSET reads: where it is, the URL messages name it by, and what the rowset's filepath() gives (the path
/// relative to the DATA_SOURCE when there is one, else the URL; with an argument, the part each wildcard matched).
/// Each row of an OPENROWSET rowset carries its file after its column values.
/// </summary>
public sealed record SqlFile(string Account, string Container, string Name, string Url, IReadOnlyList<string>? Wildcards = null, string? FilePath = null);

/// <summary>
/// OPENROWSET(BULK …) over the landed files (develop-openrowset, "OPENROWSET function in serverless SQL pool"):
/// BULK relative to the DATA_SOURCE's LOCATION or an absolute https URL; "*" matches within one folder level and a
/// trailing "/**" reads subfolders recursively; files whose names start with "_" or "." are not returned.
/// The reader identity is the caller (no credential: Microsoft Entra pass-through) or the workspace managed identity
/// (a database scoped credential WITH IDENTITY = 'Managed Identity'; the caller then needs REFERENCES on it, which a
/// Synapse Administrator has). Either needs a storage data role on the container (Storage Blob Data Reader or above).
/// </summary>
internal sealed partial class OpenRowsetSource(SqlDatabase database, string login, SqlStorageContext? storage)
{
    private const string ReadBlobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";

    [GeneratedRegex(@"^https://([a-z0-9]+)\.(?:dfs|blob)\.core\.windows\.net/([^/]+)(?:/(.*))?$", RegexOptions.IgnoreCase)]
    private static partial Regex AzureUrl();

    [GeneratedRegex(@"^https://(?:127\.0\.0\.1|localhost):\d+/([a-z0-9]+)/([^/]+)(?:/(.*))?$", RegexOptions.IgnoreCase)]
    private static partial Regex LoopbackUrl();

    public static string ReadPermission => ReadBlobs;

    /// <summary>
    /// The account, container and (unescaped) path of a storage URL: https://account.dfs|blob.core.windows.net/container/…
    /// or the emulator's path-style Azurite URL https://127.0.0.1:port/account/container/….
    /// </summary>
    internal static bool TryParseUrl(string url, out string account, out string container, out string path)
    {
        var match = AzureUrl().Match(url);
        if (!match.Success)
        {
            match = LoopbackUrl().Match(url);
        }

        account = match.Success ? match.Groups[1].Value.ToLowerInvariant() : string.Empty;
        container = match.Success ? match.Groups[2].Value : string.Empty;
        path = match.Success ? Uri.UnescapeDataString(match.Groups[3].Value) : string.Empty;
        return match.Success;
    }

    /// <summary>The rights of the session's login (sysadmin reads through any credential); null outside a session.</summary>
    public SqlLoginRights? Rights { get; init; }

    public Rowset Open(BulkOpenRowset rowset)
    {
        var options = Options(rowset);
        var format = options.GetValueOrDefault("FORMAT")?.ToUpperInvariant();
        if (format is not ("CSV" or "PARQUET"))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented(format is null ? "OPENROWSET without FORMAT" : $"FORMAT = '{format}'"));
        }

        var reader = ReaderIdentity(options.GetValueOrDefault("DATA_SOURCE"), out var location);
        var files = rowset.DataFiles.OfType<StringLiteral>().SelectMany(bulk => Files(Combine(location, bulk.Value), reader))
            .Select(f => f with { FilePath = location is not null && f.Url.StartsWith(location.TrimEnd('/') + "/", StringComparison.Ordinal) ? f.Url[(location.TrimEnd('/').Length + 1)..] : f.Url })
            .ToList();
        var columns = rowset.WithColumns.Select(c => new WithColumn(
            c.ColumnIdentifier.Value,
            SqlType.From(c.DataType, c.Collation),
            c.ColumnOrdinal is IntegerLiteral ordinal ? int.Parse(ordinal.Value, System.Globalization.CultureInfo.InvariantCulture) : null)).ToList();
        var alias = rowset.Alias?.Value;
        if (format == "PARQUET")
        {
            var parquet = new ParquetRowReader(storage!.Files);
            var parquetColumns = columns.Count > 0 ? columns : parquet.Infer(files);
            return new Rowset(parquetColumns.Select(c => new SqlColumn(c.Name, c.Type)).ToList(), parquet.Read(files, parquetColumns), alias);
        }

        if (columns.Count == 0)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("schema inference for CSV (declare the columns in WITH)"));
        }

        var csv = Csv(options);
        return new Rowset(columns.Select(c => new SqlColumn(c.Name, c.Type)).ToList(), CsvRows(files, csv, columns), alias);
    }

    /// <summary>A WITH column: name, type and, for CSV, the 1-based field it reads (else its position, or the header name).</summary>
    internal sealed record WithColumn(string Name, SqlType Type, int? Ordinal);

    private static Dictionary<string, string> Options(BulkOpenRowset rowset)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in rowset.Options)
        {
            var name = option.OptionKind switch
            {
                BulkInsertOptionKind.DataFileFormat => "FORMAT",
                BulkInsertOptionKind.DataSource => "DATA_SOURCE",
                BulkInsertOptionKind.ParserVersion => "PARSER_VERSION",
                BulkInsertOptionKind.HeaderRow => "HEADER_ROW",
                BulkInsertOptionKind.FieldTerminator => "FIELDTERMINATOR",
                BulkInsertOptionKind.RowTerminator => "ROWTERMINATOR",
                BulkInsertOptionKind.FieldQuote => "FIELDQUOTE",
                BulkInsertOptionKind.EscapeChar => "ESCAPECHAR",
                BulkInsertOptionKind.FirstRow => "FIRSTROW",
                BulkInsertOptionKind.CodePage => "CODEPAGE",
                BulkInsertOptionKind.DataFileType => "DATAFILETYPE",
                BulkInsertOptionKind.RowsetOptions => "ROWSET_OPTIONS",
                _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the OPENROWSET option {option.OptionKind}")),
            };
            options[name] = option switch
            {
                LiteralBulkInsertOption { Value: Literal literal } => literal.Value,
                _ => OptionText(option),
            };
        }

        return options;
    }

    /// <summary>Options ScriptDom keeps as their own node types (HEADER_ROW = TRUE): the value after '='.</summary>
    private static string OptionText(BulkInsertOption option)
    {
        var tokens = option.ScriptTokenStream.Skip(option.FirstTokenIndex).Take(option.LastTokenIndex - option.FirstTokenIndex + 1)
            .Where(t => t.TokenType != TSqlTokenType.WhiteSpace).Select(t => t.Text).ToList();
        var equals = tokens.IndexOf("=");
        return string.Concat(tokens.Skip(equals + 1)).Trim('\'');
    }

    private static CsvOptions Csv(Dictionary<string, string> options)
    {
        var version = options.GetValueOrDefault("PARSER_VERSION") ?? "1.0";
        if (version is not ("1.0" or "2.0"))
        {
            throw new SqlStatementException(SqlQueryErrors.Undocumented($"PARSER_VERSION = '{version}' (documented: '1.0' and '2.0')"));
        }

        if (options.TryGetValue("DATAFILETYPE", out var fileType) && !fileType.Equals("char", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"DATAFILETYPE = '{fileType}' (the emulator reads UTF-8 text only)"));
        }

        if (options.TryGetValue("CODEPAGE", out var codePage) && codePage is not ("65001" or "UTF8" or "utf8"))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"CODEPAGE = '{codePage}' (the emulator reads UTF-8 text only)"));
        }

        if (options.ContainsKey("ROWSET_OPTIONS"))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("ROWSET_OPTIONS"));
        }

        var header = options.TryGetValue("HEADER_ROW", out var headerText) && headerText.Equals("TRUE", StringComparison.OrdinalIgnoreCase);
        if (header && version != "2.0")
        {
            throw new SqlStatementException(SqlQueryErrors.Undocumented("HEADER_ROW with PARSER_VERSION '1.0' (HEADER_ROW is documented for parser 2.0 only)"));
        }

        var firstRow = options.TryGetValue("FIRSTROW", out var first) ? int.Parse(first, System.Globalization.CultureInfo.InvariantCulture) : 1;
        return new CsvOptions(
            version,
            Unescape(options.GetValueOrDefault("FIELDTERMINATOR") ?? ","),
            options.TryGetValue("ROWTERMINATOR", out var row) ? Unescape(row) : null,
            options.TryGetValue("FIELDQUOTE", out var quote) ? Single(Unescape(quote), "FIELDQUOTE") : '"',
            options.TryGetValue("ESCAPECHAR", out var escape) ? Single(Unescape(escape), "ESCAPECHAR") : null,
            Math.Max(firstRow, 1),
            header);
    }

    /// <summary>Terminators as BULK options write them: \t, \n, \r escapes or 0x-prefixed hexadecimal.</summary>
    private static string Unescape(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
        {
            return ((char)Convert.ToInt32(text[2..], 16)).ToString();
        }

        return text.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal);
    }

    private static char Single(string text, string option) =>
        text.Length == 1 ? text[0] : throw new SqlStatementException(SqlQueryErrors.Undocumented($"{option} of {text.Length} characters (documented as one character)"));

    /// <summary>The identity storage sees, after the credential rules; the data source's LOCATION if there is one.</summary>
    internal string ReaderIdentity(string? dataSourceName, out string? location)
    {
        location = null;
        if (dataSourceName is null)
        {
            return login;
        }

        if (!database.DataSources.TryGetValue(dataSourceName, out var dataSource))
        {
            throw new SqlStatementException(new SqlError(16202, 1, 16, $"Keyword or statement option 'DATA_SOURCE' refers to the external data source '{dataSourceName}' that does not exist."));
        }

        location = dataSource.Location;
        if (dataSource.Credential is not { } credentialName)
        {
            return login;
        }

        var credential = database.Credentials[credentialName];
        if (!credential.Identity.Equals("Managed Identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"a credential WITH IDENTITY = '{credential.Identity}'"));
        }

        var context = storage ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("OPENROWSET without Azurite (start the emulator with --azurite-blob)"));
        if (!MayReference(context, credentialName))
        {
            throw new SqlStatementException(SqlQueryErrors.CredentialDenied(credentialName));
        }

        return context.WorkspaceIdentity() ?? throw new SqlStatementException(SqlQueryErrors.Undocumented("a Managed Identity credential when the scenario has no single workspace with a managed identity"));
    }

    /// <summary>
    /// REFERENCES on the credential: a Synapse Administrator or sysadmin, the database's owner (CONTROL), or a login
    /// whose database user, or a role that user is a member of, was granted REFERENCES on it (Learn, serverless
    /// "Control storage account access": GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL for low-privileged users).
    /// </summary>
    private bool MayReference(SqlStorageContext context, string credentialName) =>
        context.IsSynapseAdministrator(login)
        || Rights is { SysAdmin: true }
        || (database.Owner is { } owner && string.Equals(owner, login, StringComparison.OrdinalIgnoreCase))
        || database.Holds(context.Identities(login), "REFERENCES ON DATABASE SCOPED CREDENTIAL::" + credentialName);

    private static string Combine(string? location, string bulk)
    {
        if (bulk.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || bulk.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return bulk;
        }

        if (location is null)
        {
            throw new SqlStatementException(SqlQueryErrors.Undocumented($"a relative BULK path '{bulk}' without DATA_SOURCE"));
        }

        return location.TrimEnd('/') + "/" + bulk.TrimStart('/');
    }

    private IEnumerable<SqlFile> Files(string url, string reader)
    {
        if (!TryParseUrl(url, out var account, out var container, out var path))
        {
            throw new SqlStatementException(SqlQueryErrors.CannotOpen(url));
        }

        var context = storage ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("OPENROWSET without Azurite (start the emulator with --azurite-blob)"));
        var wildcard = path.Contains('*', StringComparison.Ordinal) || path.EndsWith('/') || path.Length == 0;
        if (!context.CanRead(reader, account, container))
        {
            throw new SqlStatementException(wildcard ? SqlQueryErrors.CannotList(url) : SqlQueryErrors.CannotOpen(url));
        }

        var pattern = path.Length == 0 || path.EndsWith('/') ? path + "*" : path;
        var recursive = pattern.EndsWith("/**", StringComparison.Ordinal) || pattern == "**";
        var body = recursive ? pattern[..^2] : pattern;
        if (body.Contains("**", StringComparison.Ordinal))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("'**' anywhere but at the end of a BULK path"));
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return [new SqlFile(account, container, pattern, url)];
        }

        var star = body.IndexOf('*', StringComparison.Ordinal);
        var prefix = star < 0 ? body : body[..star];
        var names = context.Files.List(account, container, prefix[..(prefix.LastIndexOf('/') + 1)])
            ?? throw new SqlStatementException(SqlQueryErrors.CannotList(url));
        var regex = new Regex("^" + string.Concat(body.Select(c => c == '*' ? "([^/]*)" : Regex.Escape(c.ToString()))) + (recursive ? "(.*)" : string.Empty) + "$");
        var selected = names.Where(n => regex.IsMatch(n) && !Path.GetFileName(n).StartsWith('_') && !Path.GetFileName(n).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(n => new SqlFile(account, container, n, UrlOf(url, path, n), regex.Match(n).Groups.Values.Skip(1).Select(g => g.Value).ToList()))
            .ToList();
        if (selected.Count == 0)
        {
            throw new SqlStatementException(SqlQueryErrors.CannotOpen(url));
        }

        return selected;
    }

    private static string UrlOf(string url, string path, string name) => url[..^path.Length] + name;

    private IEnumerable<object?[]> CsvRows(IReadOnlyList<SqlFile> files, CsvOptions options, IReadOnlyList<WithColumn> columns)
    {
        foreach (var file in files)
        {
            using var stream = storage!.Files.Open(file.Account, file.Container, file.Name) ?? throw new SqlStatementException(SqlQueryErrors.CannotOpen(file.Url));
            using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
            var reader = new CsvRowReader(text, options, file.Url);
            int[]? fieldOf = options.HeaderRow ? null : columns.Select((c, i) => (c.Ordinal ?? (i + 1)) - 1).ToArray();
            while (reader.Next() is { } fields)
            {
                if (reader.RowNumber < options.FirstRow)
                {
                    continue;
                }

                if (fieldOf is null)
                {
                    fieldOf = columns.Select(c => HeaderIndex(fields, c, file)).ToArray();
                    continue;
                }

                yield return ConvertRow(fields, fieldOf, columns, reader.RowNumber, file, options);
            }
        }
    }

    private static int HeaderIndex(List<string?> header, WithColumn column, SqlFile file)
    {
        var index = header.IndexOf(column.Name);
        return index >= 0 ? index : throw new SqlStatementException(SqlQueryErrors.Undocumented(
            $"HEADER_ROW = TRUE with WITH column '{column.Name}' that is not in the header row of {file.Url}"));
    }

    private static object?[] ConvertRow(List<string?> fields, int[] fieldOf, IReadOnlyList<WithColumn> columns, long row, SqlFile file, CsvOptions options)
    {
        var values = new object?[columns.Count + 1];
        values[^1] = file;
        for (var i = 0; i < columns.Count; i++)
        {
            if (fieldOf[i] >= fields.Count)
            {
                throw new SqlStatementException(SqlQueryErrors.Undocumented($"row {row} of {file.Url} has {fields.Count} fields, fewer than the WITH clause reads"));
            }

            if (fields[fieldOf[i]] is { } text)
            {
                values[i] = new PendingCsvValue(text, columns[i].Type, row, i + 1, columns[i].Name, file.Url, options.IsParser2);
            }
        }

        return values;
    }
}

/// <summary>
/// A CSV field not yet converted to its WITH type: serverless reads only the columns a query uses, so a value is
/// converted (and can fail) only when the query reads it; COUNT(*) converts nothing.
/// </summary>
internal sealed record PendingCsvValue(string Text, SqlType Type, long Row, int Column, string Name, string File, bool Parser2)
{
    public static object? Resolve(object? value) => value is PendingCsvValue pending ? pending.Convert() : value;

    public object? Convert()
    {
        // "Maximum character column length is 8000" under parser 2.0: a longer value fails the query.
        if (Parser2 && Text.Length > 2000 && Encoding.UTF8.GetByteCount(Text) > 8000)
        {
            throw new SqlStatementException(SqlQueryErrors.MaxErrors(File));
        }

        return SqlConversions.FromCsv(Text, Type, out var value, out var reason) switch
        {
            SqlConversions.Outcome.Converted => value,
            SqlConversions.Outcome.TooLong => throw new SqlStatementException(SqlQueryErrors.MaxErrors(File)),
            SqlConversions.Outcome.ConversionError => throw new SqlStatementException(SqlQueryErrors.BulkConversion(Row, Column, Name, File)),
            _ => throw new SqlStatementException(SqlQueryErrors.Undocumented(reason!)),
        };
    }
}

/// <summary>A source of rows: its columns and the rows (streamed), with the alias queries qualify it by.</summary>
internal sealed record Rowset(IReadOnlyList<SqlColumn> Columns, IEnumerable<object?[]> Rows, string? Alias);
