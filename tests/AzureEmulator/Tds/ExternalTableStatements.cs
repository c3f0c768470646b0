using AzureEmulator.Sql;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Tds;

/// <summary>
/// CREATE/DROP EXTERNAL FILE FORMAT, CREATE EXTERNAL TABLE AS SELECT (CETAS) and DROP EXTERNAL TABLE in a user database
/// (Learn: "CETAS with Synapse SQL", "CREATE EXTERNAL TABLE AS SELECT", "CREATE EXTERNAL FILE FORMAT"). CETAS runs the
/// SELECT with the query executor and writes Parquet through the data source's storage with the identity its credential
/// names (the workspace identity for Managed Identity, else the caller), which needs a blob write role on the container.
/// </summary>
internal sealed class ExternalTableStatements(SqlCatalog.CatalogView catalog, SqlDatabase database, string login, SqlStorageContext? storage, SqlLoginRights? rights)
{
    /// <summary>The DATA_COMPRESSION values documented for FORMAT_TYPE = PARQUET.</summary>
    private static readonly Dictionary<string, string> ParquetCodecs = new(StringComparer.Ordinal)
    {
        ["org.apache.hadoop.io.compress.SnappyCodec"] = "SNAPPY",
        ["org.apache.hadoop.io.compress.GzipCodec"] = "GZIP",
    };

    public void CreateFileFormat(CreateExternalFileFormatStatement statement)
    {
        RefuseMaster("CREATE EXTERNAL FILE FORMAT");
        var name = statement.Name.Value;
        if (statement.FormatType != ExternalFileFormatType.Parquet)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"FORMAT_TYPE = {statement.FormatType.ToString().ToUpperInvariant()} (only PARQUET is modelled)"));
        }

        string? compression = null;
        foreach (var option in statement.ExternalFileFormatOptions)
        {
            if (option is ExternalFileFormatLiteralOption { OptionKind: ExternalFileFormatOptionKind.DataCompression, Value: StringLiteral codec })
            {
                compression = ParquetCodecs.ContainsKey(codec.Value) ? codec.Value
                    : throw new SqlStatementException(SqlQueryErrors.Undocumented($"DATA_COMPRESSION = '{codec.Value}' for PARQUET (documented: {string.Join(", ", ParquetCodecs.Keys)})"));
            }
            else
            {
                throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the external file format option {option.OptionKind}"));
            }
        }

        if (database.ExternalFileFormats.ContainsKey(name))
        {
            throw new SqlStatementException(SqlErrors.ObjectExists(name));
        }

        database.ExternalFileFormats[name] = new SqlExternalFileFormat(catalog.NextObjectId(), name, "PARQUET", compression);
    }

    public void DropFileFormat(DropExternalFileFormatStatement statement)
    {
        var name = statement.Name.Value;
        if (!database.ExternalFileFormats.ContainsKey(name))
        {
            if (statement.IsIfExists)
            {
                return;
            }

            throw new SqlStatementException(SqlErrors.CannotDrop("external file format", name));
        }

        if (database.ExternalTables.Values.FirstOrDefault(t => string.Equals(t.FileFormat, name, StringComparison.OrdinalIgnoreCase)) is { } user)
        {
            throw new SqlStatementException(CetasErrors.FileFormatInUse(name, user.Schema + "." + user.Name));
        }

        database.ExternalFileFormats.Remove(name);
    }

    /// <summary>Runs the CETAS: checks every rule before writing, then writes the rows; returns how many were written.</summary>
    public long CreateAsSelect(CreateExternalTableStatement statement)
    {
        RefuseMaster("CREATE EXTERNAL TABLE AS SELECT");
        if (statement.SelectStatement is not { } select)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("CREATE EXTERNAL TABLE without AS SELECT"));
        }

        var schema = statement.SchemaObjectName.SchemaIdentifier?.Value ?? "dbo";
        var name = statement.SchemaObjectName.BaseIdentifier.Value;
        var key = schema + "." + name;
        if (!database.Schemas.Contains(schema))
        {
            throw new SqlStatementException(SqlErrors.SchemaMissing(schema));
        }

        if (database.ExternalTables.ContainsKey(key) || database.Views.ContainsKey(key))
        {
            throw new SqlStatementException(SqlErrors.ObjectExists(key));
        }

        if (statement.ColumnDefinitions.Count > 0)
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented("a column list in CREATE EXTERNAL TABLE AS SELECT"));
        }

        var options = Options(statement);
        var location = options.GetValueOrDefault(ExternalTableOptionKind.Location)
            ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("CREATE EXTERNAL TABLE AS SELECT without LOCATION"));
        var formatName = options.GetValueOrDefault(ExternalTableOptionKind.FileFormat)
            ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("CREATE EXTERNAL TABLE AS SELECT without FILE_FORMAT"));
        var dataSourceName = statement.DataSource?.Value
            ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("CREATE EXTERNAL TABLE AS SELECT without DATA_SOURCE"));
        if (!database.ExternalFileFormats.ContainsKey(formatName))
        {
            throw new SqlStatementException(SqlErrors.CannotFind("external file format", formatName));
        }

        var writer = new OpenRowsetSource(database, login, storage) { Rights = rights }.ReaderIdentity(dataSourceName, out var dataSourceLocation);
        if (location.Contains("://", StringComparison.Ordinal) || location.Contains('*', StringComparison.Ordinal))
        {
            throw new SqlStatementException(SqlQueryErrors.NotImplemented($"LOCATION = '{location}' (the emulator writes to a folder relative to the data source)"));
        }

        var folderUrl = dataSourceLocation!.TrimEnd('/') + "/" + location.Trim('/') + "/";
        if (!OpenRowsetSource.TryParseUrl(folderUrl, out var account, out var container, out var folder))
        {
            throw new SqlStatementException(SqlQueryErrors.CannotOpen(folderUrl));
        }

        if (new Uri(dataSourceLocation).Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlStatementException(CetasErrors.BlobEndpoint(dataSourceLocation));
        }

        var context = storage ?? throw new SqlStatementException(SqlQueryErrors.NotImplemented("CETAS without Azurite (start the emulator with --azurite-blob)"));
        if (!context.CanWrite(writer, account, container))
        {
            throw new SqlStatementException(CetasErrors.WriteDenied(folderUrl, writer == login ? "the caller" : "the workspace managed identity"));
        }

        var existing = context.Files.List(account, container, folder) ?? throw new SqlStatementException(CetasErrors.ContainerMissing(folderUrl));
        if (existing.Count > 0)
        {
            throw new SqlStatementException(CetasErrors.LocationExists(folderUrl));
        }

        var result = new QueryExecutor(database, login, storage) { Rights = rights }.Execute(select);
        ParquetResultWriter.Validate(result.Columns, name);
        var rows = new ParquetResultWriter(context.Files, account, container, folder).Write(result);
        database.ExternalTables[key] = new SqlExternalTable(catalog.NextObjectId(), schema, name, location, dataSourceName, formatName);
        return rows;
    }

    /// <summary>DROP EXTERNAL TABLE removes the table from the catalog; its files stay.</summary>
    public void DropTable(DropExternalTableStatement statement)
    {
        foreach (var table in statement.Objects)
        {
            var key = (table.SchemaIdentifier?.Value ?? "dbo") + "." + table.BaseIdentifier.Value;
            if (!database.ExternalTables.Remove(key) && !statement.IsIfExists)
            {
                throw new SqlStatementException(SqlErrors.CannotDrop("table", key));
            }
        }
    }

    private void RefuseMaster(string statement)
    {
        if (string.Equals(database.Name, SqlCatalog.Master, StringComparison.OrdinalIgnoreCase))
        {
            throw new SqlStatementException(CetasErrors.InMaster(statement));
        }
    }

    private static Dictionary<ExternalTableOptionKind, string> Options(CreateExternalTableStatement statement)
    {
        var options = new Dictionary<ExternalTableOptionKind, string>();
        foreach (var option in statement.ExternalTableOptions)
        {
            options[option.OptionKind] = option switch
            {
                ExternalTableLiteralOrIdentifierOption { Value: var value } when (value.Identifier?.Value ?? (value.ValueExpression as StringLiteral)?.Value) is { } text => text,
                _ => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the external table option {option.OptionKind}")),
            };
        }

        return options;
    }
}
