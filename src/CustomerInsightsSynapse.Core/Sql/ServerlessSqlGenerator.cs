using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// Builds the deployment script for one serverless database: the database (only when missing, UTF-8
/// case-insensitive collation), for <see cref="QueryAccessMode.WorkspaceIdentity"/> a master key and a managed
/// identity credential, the external data source on the container, and one view per landed entity.
/// Every name and value from input goes through <see cref="SqlQuoting"/>; every batch is parsed by
/// <see cref="SqlScriptValidator"/> before the script is returned.
/// </summary>
public static class ServerlessSqlGenerator
{
    public const string DatabaseCollation = "Latin1_General_100_CI_AS_SC_UTF8";

    public const string DataSourceName = "CISynapseDataLake";

    public const string CredentialName = "CISynapseWorkspaceIdentity";

    public const string ViewSchema = "dbo";

    private static readonly HashSet<string> SystemDatabases = new(StringComparer.OrdinalIgnoreCase) { "master", "tempdb", "model", "msdb" };

    public static SqlScript Generate(SqlScriptRequest request)
    {
        var (batches, warnings) = BuildUnvalidated(request);
        SqlScriptValidator.Validate(batches);
        SqlScriptValidator.Validate(new SqlBatch("use database", SqlBatchKind.CreateDatabase, SqlBatchTarget.Master, UseDatabaseStatement(request.Database)));
        return new SqlScript(request.Database, request.AccessMode, batches, warnings);
    }

    /// <summary>
    /// The batches before ScriptDom has parsed them. Only <see cref="Generate"/> and the bench (which measures the
    /// parse's share of generation) call it; nothing may return, save or send these batches unparsed.
    /// </summary>
    internal static (List<SqlBatch> Batches, List<string> Warnings) BuildUnvalidated(SqlScriptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.DataLake);
        ArgumentNullException.ThrowIfNull(request.Entities);
        ValidateDatabaseName(request.Database);
        CheckUnique(request.Entities.Select(e => e.Entity.Name), "entity", "the database");

        var warnings = new List<string>();
        var batches = new List<SqlBatch>(request.Entities.Count + 4)
        {
            CreateDatabase(request.Database),
        };
        if (request.AccessMode == QueryAccessMode.WorkspaceIdentity)
        {
            batches.Add(MasterKey());
            batches.Add(Credential());
        }

        batches.Add(DataSource(request.DataLake, request.AccessMode));
        foreach (var landed in request.Entities)
        {
            batches.Add(View(landed, warnings));
        }

        return (batches, warnings);
    }

    /// <summary>The <c>USE</c> statement the saved text puts between the master and the database batches.</summary>
    internal static string UseDatabaseStatement(string database) => "USE " + SqlQuoting.Identifier(database, "database name") + ";";

    private static void ValidateDatabaseName(string database)
    {
        SqlQuoting.ValidateIdentifier(database, "database name");
        if (SystemDatabases.Contains(database))
        {
            throw new CISynapseException(
                ErrorIds.InvalidDatabaseName,
                ErrorKind.InvalidArgument,
                $"'{database}' is a system database; choose another database name for the export.",
                database);
        }
    }

    private static SqlBatch CreateDatabase(string database)
    {
        var text = new StringBuilder(160)
            .Append("IF DB_ID(").Append(SqlQuoting.Literal(database, "database name")).Append(") IS NULL\n")
            .Append("    CREATE DATABASE ").Append(SqlQuoting.Identifier(database, "database name"))
            .Append(" COLLATE ").Append(DatabaseCollation).Append(';')
            .ToString();
        return new SqlBatch("create database " + SqlQuoting.Identifier(database, "database name"), SqlBatchKind.CreateDatabase, SqlBatchTarget.Master, text);
    }

    private static SqlBatch MasterKey()
    {
        var text = "IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')\n"
            + "    CREATE MASTER KEY ENCRYPTION BY PASSWORD = " + SqlQuoting.Literal(SqlScript.MasterKeyPasswordPlaceholder, "master key password") + ";";
        return new SqlBatch("create master key", SqlBatchKind.MasterKey, SqlBatchTarget.Database, text);
    }

    private static SqlBatch Credential()
    {
        var name = SqlQuoting.Identifier(CredentialName, "credential name");
        var text = "IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = " + SqlQuoting.Literal(CredentialName, "credential name") + ")\n"
            + "    CREATE DATABASE SCOPED CREDENTIAL " + name + " WITH IDENTITY = " + SqlQuoting.Literal("Managed Identity", "credential identity") + ";";
        return new SqlBatch("create database scoped credential " + name, SqlBatchKind.Credential, SqlBatchTarget.Database, text);
    }

    /// <summary>
    /// Creates the data source when missing, and drops and recreates it when its location or credential differs
    /// from what this run wants (ALTER EXTERNAL DATA SOURCE is not available in serverless SQL pools).
    /// </summary>
    private static SqlBatch DataSource(DataLakeContainer dataLake, QueryAccessMode accessMode)
    {
        var name = SqlQuoting.Identifier(DataSourceName, "data source name");
        var nameLiteral = SqlQuoting.Literal(DataSourceName, "data source name");
        var location = SqlQuoting.Literal(dataLake.Location, "data lake location");
        var wantedCredential = accessMode == QueryAccessMode.WorkspaceIdentity
            ? "ISNULL((SELECT c.credential_id FROM sys.database_scoped_credentials AS c WHERE c.name = " + SqlQuoting.Literal(CredentialName, "credential name") + "), 0)"
            : "0";
        var text = new StringBuilder(640)
            .Append("IF EXISTS (SELECT 1 FROM sys.external_data_sources AS ds\n")
            .Append("           WHERE ds.name = ").Append(nameLiteral).Append('\n')
            .Append("             AND (ds.location <> ").Append(location)
            .Append("\n                  OR ISNULL(ds.credential_id, 0) <> ").Append(wantedCredential).Append("))\n")
            .Append("    DROP EXTERNAL DATA SOURCE ").Append(name).Append(";\n")
            .Append("IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = ").Append(nameLiteral).Append(")\n")
            .Append("    CREATE EXTERNAL DATA SOURCE ").Append(name).Append(" WITH (LOCATION = ").Append(location);
        if (accessMode == QueryAccessMode.WorkspaceIdentity)
        {
            text.Append(", CREDENTIAL = ").Append(SqlQuoting.Identifier(CredentialName, "credential name"));
        }

        text.Append(");");
        return new SqlBatch("create external data source " + name, SqlBatchKind.DataSource, SqlBatchTarget.Database, text.ToString());
    }

    /// <summary>Characters an OPENROWSET BULK path cannot hold literally (wildcards, a query string, URL syntax).</summary>
    public static readonly char[] BulkPathWildcards = ['*', '?', '#', '%'];

    private static SqlBatch View(LandedEntity landed, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(landed);
        var entity = landed.Entity ?? throw new ArgumentException("A landed entity has no entity.", nameof(landed));
        var viewName = SqlQuoting.Identifier(ViewSchema, "schema name") + "." + SqlQuoting.Identifier(entity.Name, "entity name");
        if (entity.Attributes.Count == 0)
        {
            throw new CISynapseException(
                ErrorIds.EntityHasNoAttributes,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(entity.Name)}' has no attributes, so no view can describe its files.",
                entity.Name);
        }

        CheckUnique(entity.Attributes.Select(a => a.Name), "attribute", $"the entity '{SqlQuoting.Printable(entity.Name)}'");
        var folder = BulkFolder(landed);
        var format = PartitionFormatOf(entity);

        var text = new StringBuilder(256 + (entity.Attributes.Count * 40));
        text.Append("CREATE OR ALTER VIEW ").Append(viewName).Append('\n')
            .Append("AS\n")
            .Append("SELECT *\n")
            .Append("FROM OPENROWSET(\n")
            .Append("    BULK ");
        SqlQuoting.AppendLiteral(text, folder + "/*", "snapshot folder");
        text.Append(",\n    DATA_SOURCE = ");
        SqlQuoting.AppendLiteral(text, DataSourceName, "data source name");
        if (format == PartitionFormat.Parquet)
        {
            text.Append(",\n    FORMAT = 'PARQUET'");
        }
        else
        {
            CsvOptions.Append(text, CsvFormatOf(entity), entity.Name, warnings);
        }

        text.Append("\n) WITH (\n");
        for (var i = 0; i < entity.Attributes.Count; i++)
        {
            var attribute = entity.Attributes[i];
            var type = SqlTypeMap.Map(attribute);
            if (type.Warning is not null)
            {
                warnings.Add($"Entity '{SqlQuoting.Printable(entity.Name)}': {type.Warning}");
            }

            text.Append("    ");
            SqlQuoting.AppendIdentifier(text, attribute.Name, "attribute name");
            text.Append(' ').Append(type.TypeName).Append(i + 1 < entity.Attributes.Count ? ",\n" : "\n");
        }

        text.Append(") AS [r];");
        return new SqlBatch("create or alter view " + viewName, SqlBatchKind.View, SqlBatchTarget.Database, text.ToString());
    }

    /// <summary>
    /// The snapshot folder as a BULK path. '*' and '?' would act as wildcards or a query string, and '#' and '%'
    /// would be read as URL syntax, so folders holding them are refused rather than read wrongly.
    /// </summary>
    private static string BulkFolder(LandedEntity landed)
    {
        var folder = BlobPaths.ValidateRelativePath(landed.SnapshotFolder, "snapshot folder");
        if (folder.IndexOfAny(BulkPathWildcards) >= 0)
        {
            throw new CISynapseException(
                ErrorIds.InvalidDataLakeLocation,
                ErrorKind.InvalidArgument,
                $"The snapshot folder '{SqlQuoting.Printable(folder)}' of entity '{SqlQuoting.Printable(landed.Entity.Name)}' contains '*', '?', '#' or '%', which an OPENROWSET path cannot hold literally.",
                folder)
            {
                RecommendedAction = "Rename the entity or database so that its storage folder has none of these characters.",
            };
        }

        return folder;
    }

    private static PartitionFormat PartitionFormatOf(CdmEntity entity)
    {
        var format = entity.Format;
        if (entity.Partitions.Any(p => p.Format != format))
        {
            throw Unsupported(entity.Name, "has both CSV and Parquet partitions; one view can read only one format");
        }

        return format;
    }

    private static CsvFormat CsvFormatOf(CdmEntity entity)
    {
        var formats = entity.Partitions.Select(p => p.Csv ?? CsvFormat.Default).Distinct().ToList();
        if (formats.Count > 1)
        {
            throw Unsupported(entity.Name, "has CSV partitions with different settings (header, delimiter, quote, escape, encoding or line end); one view reads all files the same way");
        }

        return formats.Count == 1 ? formats[0] : CsvFormat.Default;
    }

    private static void CheckUnique(IEnumerable<string> names, string what, string where)
    {
        var seen = new HashSet<string>(SqlNameComparer.Instance);
        foreach (var name in names)
        {
            if (!seen.Add(name ?? string.Empty))
            {
                throw new CISynapseException(
                    ErrorIds.DuplicateSqlName,
                    ErrorKind.InvalidData,
                    $"The {what} name '{SqlQuoting.Printable(name ?? string.Empty)}' appears more than once in {where} (SQL names are compared as the database collation does: without regard to case or width, 'ß' as 'ss').",
                    name);
            }
        }
    }

    internal static CISynapseException Unsupported(string entityName, string problem) =>
        new(
            ErrorIds.UnsupportedPartitionFormat,
            ErrorKind.InvalidData,
            $"The entity '{SqlQuoting.Printable(entityName)}' {problem}.",
            entityName);

    /// <summary>OPENROWSET options for a CSV partition format (parser 2.0).</summary>
    private static class CsvOptions
    {
        /// <summary>Vertical tab: stands for "no quote character" (QuoteStyle.None), as other CDM readers do.</summary>
        private const string NoQuote = "0x0b";

        public static void Append(StringBuilder text, CsvFormat csv, string entityName, List<string> warnings)
        {
            var delimiter = csv.Delimiter;
            if (string.IsNullOrEmpty(delimiter))
            {
                throw Unsupported(entityName, "has an empty CSV delimiter");
            }

            var quote = csv.Quote ?? string.Empty;
            if (quote.Length > 1)
            {
                throw Unsupported(entityName, $"uses the quote '{SqlQuoting.Printable(quote)}'; serverless SQL accepts a single quote character");
            }

            if (quote.Length == 1 && delimiter == quote)
            {
                throw Unsupported(entityName, "uses the same character as delimiter and quote");
            }

            if (quote.Length == 0 && delimiter == "\v")
            {
                throw Unsupported(entityName, "uses a vertical tab delimiter without quoting, which cannot be expressed");
            }

            // HEADER_ROW (parser 2.0 only) skips the header and binds the WITH columns by name; without a header
            // the columns bind by position, so the WITH clause follows the attribute order.
            text.Append(",\n    FORMAT = 'CSV',\n    PARSER_VERSION = '2.0',\n    HEADER_ROW = ").Append(csv.HasHeader ? "TRUE" : "FALSE");
            text.Append(",\n    FIELDTERMINATOR = ");
            AppendCharacters(text, delimiter, "CSV delimiter");
            text.Append(",\n    FIELDQUOTE = ");
            AppendCharacters(text, quote.Length == 0 ? NoQuote : quote, "CSV quote");

            var escape = csv.Escape;
            if (!string.IsNullOrEmpty(escape) && escape != quote)
            {
                if (escape.Length > 1)
                {
                    throw Unsupported(entityName, $"uses the escape '{SqlQuoting.Printable(escape)}'; serverless SQL accepts a single escape character");
                }

                text.Append(",\n    ESCAPECHAR = ");
                AppendCharacters(text, escape, "CSV escape character");
            }

            var newLine = csv.NewLine;
            if (!string.IsNullOrEmpty(newLine) && newLine != "\n" && newLine != "\r\n")
            {
                // Parser 2.0 recognises \n and \r\n by default; anything else has to be named.
                text.Append(",\n    ROWTERMINATOR = ");
                AppendCharacters(text, newLine, "CSV line end");
            }

            var encoding = EncodingOption(csv.Encoding);
            if (encoding.Option is not null)
            {
                text.Append(",\n    ").Append(encoding.Option);
            }

            if (encoding.Warning is not null)
            {
                warnings.Add($"Entity '{SqlQuoting.Printable(entityName)}': {encoding.Warning}");
            }
        }

        /// <summary>A single control character is written in the hexadecimal form OPENROWSET accepts ('0x09'); other text as a literal.</summary>
        private static void AppendCharacters(StringBuilder text, string value, string what)
        {
            if (value.Length == 1 && char.IsControl(value[0]))
            {
                SqlQuoting.AppendLiteral(text, "0x" + ((int)value[0]).ToString("x2", CultureInfo.InvariantCulture), what);
            }
            else
            {
                SqlQuoting.AppendLiteral(text, value, what);
            }
        }

        /// <summary>
        /// UTF-8 (and its subset ASCII) is the default; UTF-16 becomes DATAFILETYPE = 'widechar'; Latin-1 and
        /// Windows-1252 become CODEPAGE; anything else is read as UTF-8 with a warning.
        /// </summary>
        private static (string? Option, string? Warning) EncodingOption(string? encoding)
        {
            var key = (encoding ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
            return key switch
            {
                "" or "UTF8" or "65001" or "ASCII" or "USASCII" or "20127" => (null, null),
                "UTF16" or "UTF16LE" or "UNICODE" or "1200" => ("DATAFILETYPE = 'widechar'", null),
                "ISO88591" or "LATIN1" or "28591" => ("CODEPAGE = '28591'", null),
                "WINDOWS1252" or "CP1252" or "1252" => ("CODEPAGE = '1252'", null),
                _ => (null, $"the CSV encoding '{SqlQuoting.Printable(encoding ?? string.Empty)}' is not supported by serverless SQL; the files are read as UTF-8."),
            };
        }
    }
}
