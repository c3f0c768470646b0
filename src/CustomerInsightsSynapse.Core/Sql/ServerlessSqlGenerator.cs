using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// Builds the deployment script for one serverless database: the database (only when missing, UTF-8
/// case-insensitive collation), for <see cref="QueryAccessMode.WorkspaceIdentity"/> a master key and a managed
/// identity credential, the reader role (in both modes), the external data source on the export's folder, and one view per
/// landed entity. The view reads CSV columns as UTF-8 text and converts typed columns in its SELECT list (see
/// <see cref="SqlTypeMap"/>); over Parquet it declares the types the files' footers give and converts those
/// (<see cref="ParquetViewColumns"/>). Every landed file of the snapshot, at any depth, is read.
/// Every name and value from input goes through <see cref="SqlQuoting"/>; every batch is parsed by
/// <see cref="SqlScriptValidator"/> before the script is returned.
/// </summary>
public static partial class ServerlessSqlGenerator
{
    public const string DatabaseCollation = "Latin1_General_100_CI_AS_SC_UTF8";

    /// <summary>The prefix of the export's external data sources; the suffix names the location and credential.</summary>
    public const string DataSourceName = "CISynapseDataLake";

    public const string CredentialName = "CISynapseWorkspaceIdentity";

    /// <summary>The database role query users join: SELECT on the schema, and in WorkspaceIdentity mode REFERENCES on the credential.</summary>
    public const string ReaderRoleName = "CISynapseReaders";

    public const string ViewSchema = "dbo";

    private const string ViewRowsetAlias = "r";

    private static readonly HashSet<string> SystemDatabases = new(StringComparer.OrdinalIgnoreCase) { "master", "tempdb", "model", "msdb" };

    public static SqlScript Generate(SqlScriptRequest request)
    {
        var (batches, warnings, checks) = BuildUnvalidated(request);
        SqlScriptValidator.Validate(batches);
        SqlScriptValidator.Validate(new SqlBatch("use database", SqlBatchKind.CreateDatabase, SqlBatchTarget.Master, UseDatabaseStatement(request.Database)));

        // The checks are larger than the views and are sent only for the views that answer after applying, so each
        // is parsed when its text is first read (SqlConversionCheck.Query), not here.
        return new SqlScript(request.Database, request.AccessMode, batches, warnings) { ConversionChecks = checks };
    }

    /// <summary>
    /// The batches before ScriptDom has parsed them. Only <see cref="Generate"/> and the bench (which measures the
    /// parse's share of generation) call it; nothing may return, save or send these batches unparsed.
    /// </summary>
    internal static (List<SqlBatch> Batches, List<string> Warnings, List<SqlConversionCheck> Checks) BuildUnvalidated(SqlScriptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.DataLake);
        ArgumentNullException.ThrowIfNull(request.Entities);
        ValidateDatabaseName(request.Database);
        CheckUnique(request.Entities.Select(e => e.Entity.Name), "entity", "the database");

        var warnings = new List<string>();
        var checks = new List<SqlConversionCheck>();
        var folders = request.Entities.Select(SnapshotPath.Of).ToList();
        var dataSource = new DataSourceTarget(request.DataLake, DataSourceFolder(request.Database, folders), request.AccessMode);
        var batches = new List<SqlBatch>(request.Entities.Count + 5);
        if (request.IncludeSharedObjects)
        {
            batches.AddRange(SharedBatches(request.Database, dataSource));
        }

        for (var i = 0; i < request.Entities.Count; i++)
        {
            var (view, check) = View(request.Entities[i], folders[i], dataSource.Name, warnings);
            batches.Add(view);
            if (check is not null)
            {
                checks.Add(check);
            }
        }

        return (batches, warnings, checks);
    }

    /// <summary>The objects every view of the database needs: the database, in WorkspaceIdentity mode the master key and credential, the reader role and the data source.</summary>
    private static IEnumerable<SqlBatch> SharedBatches(string database, DataSourceTarget dataSource)
    {
        yield return CreateDatabase(database);
        if (dataSource.AccessMode == QueryAccessMode.WorkspaceIdentity)
        {
            yield return MasterKey();
            yield return Credential();
        }

        yield return ReaderRole(dataSource.AccessMode);
        yield return DataSource(dataSource);
    }

    /// <summary>The <c>USE</c> statement the saved text puts between the master and the database batches.</summary>
    internal static string UseDatabaseStatement(string database) => "USE " + SqlQuoting.Identifier(database, "database name") + ";";

    /// <summary>
    /// The name of the data source for <paramref name="location"/> read with <paramref name="accessMode"/>:
    /// <see cref="DataSourceName"/> and a hash of both, so that a new location or credential gets a new data source
    /// while views still using the old one keep working (serverless has no ALTER EXTERNAL DATA SOURCE, and a
    /// DROP then CREATE would break queries in between).
    /// </summary>
    public static string DataSourceNameFor(string location, QueryAccessMode accessMode)
    {
        ArgumentNullException.ThrowIfNull(location);
        var identity = location + "\n" + (accessMode == QueryAccessMode.WorkspaceIdentity ? CredentialName : string.Empty);
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        return DataSourceName + "_" + Convert.ToHexString(hash, 0, 6).ToLowerInvariant();
    }

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
    /// The role query users join: a caller who is not a Synapse administrator needs SELECT on the views' schema and,
    /// in WorkspaceIdentity mode, REFERENCES on the credential to read through it (in CallerIdentity mode there is no
    /// credential: the user reads storage with a storage role of its own). GRANT is idempotent.
    /// </summary>
    private static SqlBatch ReaderRole(QueryAccessMode accessMode)
    {
        var role = SqlQuoting.Identifier(ReaderRoleName, "role name");
        var text = new StringBuilder(400)
            .Append("IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = ").Append(SqlQuoting.Literal(ReaderRoleName, "role name")).Append(" AND type = 'R')\n")
            .Append("    CREATE ROLE ").Append(role).Append(";\n")
            .Append("GRANT SELECT ON SCHEMA::").Append(SqlQuoting.Identifier(ViewSchema, "schema name")).Append(" TO ").Append(role).Append(';');
        if (accessMode == QueryAccessMode.WorkspaceIdentity)
        {
            text.Append("\nEXEC (").Append(SqlQuoting.Literal(GrantReferencesOnCredential(role), "grant statement")).Append(");");
        }

        return new SqlBatch("create role " + role, SqlBatchKind.ReaderRole, SqlBatchTarget.Database, text.ToString());
    }

    /// <summary>
    /// <c>GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::…</c>, the statement the serverless access-control page
    /// documents. ScriptDom (TSql160Parser) does not know that securable class, so the statement is sent through
    /// <c>EXEC</c>; it is built only from quoted constant names.
    /// </summary>
    private static string GrantReferencesOnCredential(string role) =>
        "GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::" + SqlQuoting.Identifier(CredentialName, "credential name") + " TO " + role + ";";

    /// <summary>The external data source of this run: scoped to the export's folder, named by location and credential.</summary>
    private sealed record DataSourceTarget
    {
        public DataSourceTarget(DataLakeContainer dataLake, string folder, QueryAccessMode accessMode)
        {
            Location = dataLake.Location + "/" + folder;
            AccessMode = accessMode;
            Name = DataSourceNameFor(Location, accessMode);
        }

        public string Location { get; }

        public QueryAccessMode AccessMode { get; }

        public string Name { get; }
    }

    /// <summary>Creates the data source when missing. It is never dropped here: views of earlier runs may still use it.</summary>
    private static SqlBatch DataSource(DataSourceTarget target)
    {
        var name = SqlQuoting.Identifier(target.Name, "data source name");
        var text = new StringBuilder(400)
            .Append("IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = ").Append(SqlQuoting.Literal(target.Name, "data source name")).Append(")\n")
            .Append("    CREATE EXTERNAL DATA SOURCE ").Append(name).Append(" WITH (LOCATION = ").Append(SqlQuoting.Literal(target.Location, "data lake location"));
        if (target.AccessMode == QueryAccessMode.WorkspaceIdentity)
        {
            text.Append(", CREDENTIAL = ").Append(SqlQuoting.Identifier(CredentialName, "credential name"));
        }

        text.Append(");");
        return new SqlBatch("create external data source " + name, SqlBatchKind.DataSource, SqlBatchTarget.Database, text.ToString());
    }

    /// <summary>An entity's view, schema-qualified and bracket-quoted: <c>[dbo].[Entity]</c>.</summary>
    public static string QualifiedViewName(string entity) =>
        SqlQuoting.Identifier(ViewSchema, "schema name") + "." + SqlQuoting.Identifier(entity, "entity name");

    /// <summary>Characters an OPENROWSET BULK path cannot hold literally (wildcards, a query string, URL syntax).</summary>
    public static readonly char[] BulkPathWildcards = ['*', '?', '#', '%'];

    private static (SqlBatch View, SqlConversionCheck? Check) View(LandedEntity landed, SnapshotPath folder, string dataSource, List<string> warnings)
    {
        var entity = landed.Entity;
        var viewName = QualifiedViewName(entity.Name);
        if (entity.Attributes.Count == 0)
        {
            throw new CISynapseException(
                ErrorIds.EntityHasNoAttributes,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(entity.Name)}' has no attributes, so no view can describe its files.",
                entity.Name);
        }

        CheckUnique(entity.Attributes.Select(a => a.Name), "attribute", $"the entity '{SqlQuoting.Printable(entity.Name)}'");
        var columns = entity.Attributes.Select(a => (Attribute: a, Type: SqlTypeMap.Map(a))).ToList();
        foreach (var column in columns.Where(c => c.Type.Warning is not null))
        {
            warnings.Add($"Entity '{SqlQuoting.Printable(entity.Name)}': {column.Type.Warning}");
        }

        var text = new StringBuilder(256 + (entity.Attributes.Count * 120));
        text.Append("CREATE OR ALTER VIEW ").Append(viewName).Append('\n').Append("AS\n");
        if (entity.Partitions.Count == 0)
        {
            AppendEmptySelect(text, columns);
            return (new SqlBatch("create or alter view " + viewName, SqlBatchKind.View, SqlBatchTarget.Database, text.ToString()), null);
        }

        var format = PartitionFormatOf(entity);
        if (format == PartitionFormat.Parquet && landed.ParquetColumns is { } fileColumns)
        {
            return ParquetView(landed, ParquetViewColumns.Plan(entity, fileColumns, landed.SnapshotFolder), folder, dataSource, text);
        }

        if (format == PartitionFormat.Parquet)
        {
            warnings.Add($"Entity '{SqlQuoting.Printable(entity.Name)}': the column types of its Parquet files are not known (their footers were not read), so the view declares the CDM types; serverless SQL refuses a type that does not match a file's.");
        }

        var rowset = new StringBuilder(256 + (entity.Attributes.Count * 60));
        AppendRowset(rowset, entity, folder, dataSource, format, columns, warnings);
        text.Append("SELECT\n");
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append("    ");
            if (format == PartitionFormat.Parquet && !columns[i].Type.ParquetHoldsText)
            {
                AppendColumn(text, columns[i].Attribute.Name);
            }
            else
            {
                AppendConversion(text, columns[i].Attribute.Name, columns[i].Type);
            }

            text.Append(" AS ");
            SqlQuoting.AppendIdentifier(text, columns[i].Attribute.Name, "attribute name");
            text.Append(i + 1 < columns.Count ? ",\n" : "\n");
        }

        text.Append(rowset).Append(';');
        var view = new SqlBatch("create or alter view " + viewName, SqlBatchKind.View, SqlBatchTarget.Database, text.ToString());
        var typed = columns.Where(c => c.Type.Conversion != SqlTextConversion.None).Select(c => new CheckedColumn(
            c.Attribute.Name,
            t => AppendNullIfEmpty(t, c.Attribute.Name),
            t => AppendConversion(t, c.Attribute.Name, c.Type))).ToList();
        var check = format == PartitionFormat.Csv ? ConversionCheck(entity.Name, typed, rowset.ToString()) : null;
        return (view, check);
    }

    /// <summary>
    /// A Parquet entity's view: the WITH clause declares each file column with its documented Parquet type, the SELECT
    /// list converts it to the CDM view type, and an attribute the files lack is NULL of its view type.
    /// </summary>
    private static (SqlBatch View, SqlConversionCheck? Check) ParquetView(LandedEntity landed, IReadOnlyList<ParquetViewColumn> columns, SnapshotPath folder, string dataSource, StringBuilder text)
    {
        var entity = landed.Entity;
        var rowset = new StringBuilder(256 + (columns.Count * 60)).Append("FROM OPENROWSET(\n").Append("    BULK ");
        SqlQuoting.AppendLiteral(rowset, folder.BulkPath, "snapshot folder");
        rowset.Append(",\n    DATA_SOURCE = ");
        SqlQuoting.AppendLiteral(rowset, dataSource, "data source name");
        rowset.Append(",\n    FORMAT = 'PARQUET'\n)");
        var read = columns.Where(c => c.Conversion != ParquetConversion.Missing).ToList();
        if (read.Count > 0)
        {
            rowset.Append(" WITH (\n");
            for (var i = 0; i < read.Count; i++)
            {
                rowset.Append("    ");
                SqlQuoting.AppendIdentifier(rowset, read[i].Attribute.Name, "attribute name");
                rowset.Append(' ').Append(read[i].WithType).Append(i + 1 < read.Count ? ",\n" : "\n");
            }

            rowset.Append(')');
        }

        rowset.Append(" AS ");
        SqlQuoting.AppendIdentifier(rowset, ViewRowsetAlias, "alias");

        text.Append("SELECT\n");
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append("    ");
            AppendParquetConversion(text, columns[i]);
            text.Append(" AS ");
            SqlQuoting.AppendIdentifier(text, columns[i].Attribute.Name, "attribute name");
            text.Append(i + 1 < columns.Count ? ",\n" : "\n");
        }

        text.Append(rowset).Append(';');
        var viewName = QualifiedViewName(entity.Name);
        var view = new SqlBatch("create or alter view " + viewName, SqlBatchKind.View, SqlBatchTarget.Database, text.ToString());
        var converted = columns.Where(c => c.Conversion is ParquetConversion.Convert or ParquetConversion.FromText).Select(c => new CheckedColumn(
            c.Attribute.Name,
            t =>
            {
                if (c.Conversion == ParquetConversion.FromText)
                {
                    AppendNullIfEmpty(t, c.Attribute.Name);
                }
                else
                {
                    AppendColumn(t, c.Attribute.Name);
                }
            },
            t => AppendParquetConversion(t, c))).ToList();
        return (view, ConversionCheck(entity.Name, converted, rowset.ToString()));
    }

    private static void AppendParquetConversion(StringBuilder text, ParquetViewColumn column)
    {
        var name = column.Attribute.Name;
        switch (column.Conversion)
        {
            case ParquetConversion.Missing:
                text.Append("CAST(NULL AS ").Append(column.ViewType.TypeName).Append(')');
                break;
            case ParquetConversion.FromText:
                AppendConversion(text, name, column.ViewType);
                break;
            case ParquetConversion.Convert:
                text.Append("TRY_CONVERT(").Append(column.ViewType.TypeName).Append(", ");
                AppendColumn(text, name);
                text.Append(')');
                break;
            default:
                AppendColumn(text, name);
                break;
        }
    }

    /// <summary>A view over no files: the entity's columns with their view types, and no rows.</summary>
    private static void AppendEmptySelect(StringBuilder text, List<(CdmAttribute Attribute, SqlColumnType Type)> columns)
    {
        text.Append("SELECT\n");
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append("    CAST(NULL AS ").Append(columns[i].Type.TypeName).Append(") AS ");
            SqlQuoting.AppendIdentifier(text, columns[i].Attribute.Name, "attribute name");
            text.Append(i + 1 < columns.Count ? ",\n" : "\n");
        }

        text.Append("WHERE 1 = 0;");
    }

    private static void AppendRowset(
        StringBuilder text,
        CdmEntity entity,
        SnapshotPath folder,
        string dataSource,
        PartitionFormat format,
        List<(CdmAttribute Attribute, SqlColumnType Type)> columns,
        List<string> warnings)
    {
        text.Append("FROM OPENROWSET(\n").Append("    BULK ");
        SqlQuoting.AppendLiteral(text, folder.BulkPath, "snapshot folder");
        text.Append(",\n    DATA_SOURCE = ");
        SqlQuoting.AppendLiteral(text, dataSource, "data source name");
        if (format == PartitionFormat.Parquet)
        {
            text.Append(",\n    FORMAT = 'PARQUET'");
        }
        else
        {
            CsvOptions.Append(text, entity, warnings);
        }

        text.Append("\n) WITH (\n");
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append("    ");
            SqlQuoting.AppendIdentifier(text, columns[i].Attribute.Name, "attribute name");
            text.Append(' ').Append(format == PartitionFormat.Parquet ? columns[i].Type.ParquetWithType : columns[i].Type.CsvWithType)
                .Append(i + 1 < columns.Count ? ",\n" : "\n");
        }

        text.Append(") AS ");
        SqlQuoting.AppendIdentifier(text, ViewRowsetAlias, "alias");
    }

    /// <summary>
    /// A column of the rowset, the only source of the query, so unqualified: ScriptDom parses <c>[r].[x]</c> at the
    /// start of a select item by trying two other rules that fail with an exception each, a quarter of a view's parse.
    /// </summary>
    private static void AppendColumn(StringBuilder text, string attribute) =>
        SqlQuoting.AppendIdentifier(text, attribute, "attribute name");

    /// <summary>
    /// The SELECT-list expression that turns a CSV text column into its view type. An empty value is NULL; a value
    /// that does not convert is NULL too, and is counted by the entity's <see cref="SqlConversionCheck"/>.
    /// </summary>
    private static void AppendConversion(StringBuilder text, string attribute, SqlColumnType type)
    {
        switch (type.Conversion)
        {
            case SqlTextConversion.None:
                AppendColumn(text, attribute);
                break;
            case SqlTextConversion.Iso8601ToUtc:
                text.Append("CONVERT(").Append(type.TypeName).Append(", SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), ");
                AppendNullIfEmpty(text, attribute);
                text.Append(", 127), '+00:00'))");
                break;
            default:
                text.Append("TRY_CONVERT(").Append(type.TypeName).Append(", ");
                AppendNullIfEmpty(text, attribute);
                text.Append(type.Conversion switch
                {
                    SqlTextConversion.Iso8601 => ", 126)",
                    SqlTextConversion.Iso8601WithZone => ", 127)",
                    _ => ")",
                });
                break;
        }
    }

    private static void AppendNullIfEmpty(StringBuilder text, string attribute)
    {
        text.Append("NULLIF(");
        AppendColumn(text, attribute);
        text.Append(", '')");
    }

    /// <summary>
    /// One query over the same rowset as the view that counts, per typed column, the non-empty values its conversion
    /// turns into NULL; for the verify step to report instead of nulling values without a word.
    /// </summary>
    private static SqlConversionCheck? ConversionCheck(string entity, List<CheckedColumn> typed, string rowset)
    {
        if (typed.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder(rowset.Length + (typed.Count * 160)).Append("SELECT\n");
        for (var i = 0; i < typed.Count; i++)
        {
            text.Append("    SUM(CASE WHEN ");
            typed[i].AppendValue(text);
            text.Append(" IS NOT NULL AND ");
            typed[i].AppendConverted(text);
            text.Append(" IS NULL THEN 1 ELSE 0 END) AS ");
            SqlQuoting.AppendIdentifier(text, typed[i].Name, "attribute name");
            text.Append(i + 1 < typed.Count ? ",\n" : "\n");
        }

        text.Append(rowset).Append(';');
        return new SqlConversionCheck(entity, typed.Select(c => c.Name).ToList(), text.ToString());
    }

    /// <summary>A converted column as the conversion check counts it: the value as read (NULL when absent) and the view's conversion of it.</summary>
    private sealed record CheckedColumn(string Name, Action<StringBuilder> AppendValue, Action<StringBuilder> AppendConverted);

    /// <summary>
    /// The folder the data source points at: the parent of every entity folder, the same for all landed entities
    /// (<c>{Database}</c>, below the connection's container folder if it has one).
    /// </summary>
    private static string DataSourceFolder(string database, List<SnapshotPath> folders)
    {
        if (folders.Count == 0)
        {
            return BlobPaths.ValidateSegment(database, "database name");
        }

        var parent = folders[0].DatabaseFolder;
        var other = folders.FirstOrDefault(f => !string.Equals(f.DatabaseFolder, parent, StringComparison.Ordinal));
        if (other is not null)
        {
            throw new CISynapseException(
                ErrorIds.InvalidDataLakeLocation,
                ErrorKind.InvalidArgument,
                $"The snapshot folders of one database must share their database folder; '{SqlQuoting.Printable(parent)}' and '{SqlQuoting.Printable(other.DatabaseFolder)}' differ.",
                other.DatabaseFolder);
        }

        return parent;
    }

    /// <summary>
    /// A landed entity's snapshot folder (<c>{Database}/{Entity}/{snapshotId}</c>, container-relative) split into the
    /// database folder the data source points at and the BULK path below it. '*' and '?' would act as wildcards or a
    /// query string, and '#' and '%' would be read as URL syntax, so folders holding them are refused rather than
    /// read wrongly.
    /// </summary>
    private sealed record SnapshotPath(string DatabaseFolder, string BulkPath)
    {
        public static SnapshotPath Of(LandedEntity landed)
        {
            ArgumentNullException.ThrowIfNull(landed);
            var entity = landed.Entity ?? throw new ArgumentException("A landed entity has no entity.", nameof(landed));
            var folder = BlobPaths.ValidateRelativePath(landed.SnapshotFolder, "snapshot folder");
            if (folder.IndexOfAny(BulkPathWildcards) >= 0)
            {
                throw new CISynapseException(
                    ErrorIds.InvalidDataLakeLocation,
                    ErrorKind.InvalidArgument,
                    $"The snapshot folder '{SqlQuoting.Printable(folder)}' of entity '{SqlQuoting.Printable(entity.Name)}' contains '*', '?', '#' or '%', which an OPENROWSET path cannot hold literally.",
                    folder)
                {
                    RecommendedAction = "Rename the entity or database so that its storage folder has none of these characters.",
                };
            }

            var segments = folder.Split('/');
            if (segments.Length < 3)
            {
                throw new CISynapseException(
                    ErrorIds.InvalidDataLakeLocation,
                    ErrorKind.InvalidArgument,
                    $"The snapshot folder '{SqlQuoting.Printable(folder)}' of entity '{SqlQuoting.Printable(entity.Name)}' is not '{{Database}}/{{Entity}}/{{snapshot}}'.",
                    folder);
            }

            // '/**' reads the files of every sub-folder too: landing keeps a partition tree's shape.
            return new SnapshotPath(string.Join('/', segments[..^2]), segments[^2] + "/" + segments[^1] + "/**");
        }
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
        // The files are read as landed: every encoding the lander transcodes is UTF-8 there.
        var formats = entity.Partitions.Select(p => p.Csv ?? CsvFormat.Default).Select(c => c with { Encoding = CsvEncodings.Landed(c.Encoding) }).Distinct().ToList();
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

    /// <summary>OPENROWSET options for a CSV partition format (parser 2.0, UTF-8).</summary>
    private static class CsvOptions
    {
        /// <summary>Vertical tab: stands for "no quote character" (QuoteStyle.None), as other CDM readers do.</summary>
        private const string NoQuote = "0x0b";

        public static void Append(StringBuilder text, CdmEntity entity, List<string> warnings)
        {
            var csv = CsvFormatOf(entity);
            var entityName = entity.Name;
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

            CheckEscape(entity, csv, quote);
            CheckEncoding(entity, csv);

            // HEADER_ROW (parser 2.0 only) reads the column names from the row FIRSTROW points at and binds the WITH
            // columns by name; without a header the columns bind by position, so the WITH clause follows the
            // attribute order. CDM skipLines are the lines before that row.
            text.Append(",\n    FORMAT = 'CSV',\n    PARSER_VERSION = '2.0',\n    HEADER_ROW = ").Append(csv.HasHeader ? "TRUE" : "FALSE");
            if (csv.SkipLines > 0)
            {
                text.Append(",\n    FIRSTROW = ").Append((csv.SkipLines + 1).ToString(CultureInfo.InvariantCulture));
            }

            text.Append(",\n    FIELDTERMINATOR = ");
            AppendCharacters(text, delimiter, "CSV delimiter");
            text.Append(",\n    FIELDQUOTE = ");
            AppendCharacters(text, quote.Length == 0 ? NoQuote : quote, "CSV quote");

            var newLine = csv.NewLine;
            if (!string.IsNullOrEmpty(newLine) && newLine != "\n" && newLine != "\r\n")
            {
                // Parser 2.0 recognises \n and \r\n by default; anything else has to be named.
                text.Append(",\n    ROWTERMINATOR = ");
                AppendCharacters(text, newLine, "CSV line end");
            }
        }

        /// <summary>
        /// OPENROWSET's ESCAPECHAR is not CDM's escape: it escapes only itself and the delimiter, is dropped from the
        /// value, and never escapes the quote (a quote inside a quoted value is doubled). Reading such files would
        /// silently change values ('C:\temp' becomes 'C:temp'), so they are refused.
        /// </summary>
        private static void CheckEscape(CdmEntity entity, CsvFormat csv, string quote)
        {
            var escape = csv.Escape;
            if (string.IsNullOrEmpty(escape) || escape == quote)
            {
                return;
            }

            var partition = entity.Partitions.FirstOrDefault(p => p.Csv?.Escape == escape);
            throw new CISynapseException(
                ErrorIds.UnsupportedCsvEscape,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(entity.Name)}' declares the CSV escape character '{SqlQuoting.Printable(escape)}' (partition '{SqlQuoting.Printable(PartitionName(partition))}'); serverless SQL reads only quotes escaped by doubling, and would drop that character from values.",
                entity.Name);
        }

        /// <summary>
        /// Parser 2.0 reads UTF-8 (ASCII is a subset); CODEPAGE and DATAFILETYPE belong to parser 1.0. The lander
        /// transcodes every encoding it knows to UTF-8 (<see cref="CsvEncodings.Landed"/>), so only an encoding it
        /// cannot decode is left to refuse.
        /// </summary>
        private static void CheckEncoding(CdmEntity entity, CsvFormat csv)
        {
            if (CsvEncodings.IsUtf8(csv.Encoding))
            {
                return;
            }

            var partition = entity.Partitions.FirstOrDefault(p => p.Csv is not null && !CsvEncodings.IsUtf8(CsvEncodings.Landed(p.Csv.Encoding)));
            throw new CISynapseException(
                ErrorIds.UnsupportedCsvEncoding,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(entity.Name)}' declares the CSV encoding '{SqlQuoting.Printable(csv.Encoding ?? string.Empty)}' (partition '{SqlQuoting.Printable(PartitionName(partition))}'), which names no encoding the module can transcode to UTF-8; serverless SQL parser 2.0 reads UTF-8 files only.",
                entity.Name);
        }

        private static string PartitionName(CdmPartition? partition) =>
            partition is null ? "(none)" : partition.Name ?? partition.Location;

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
    }
}

/// <summary>
/// A query that counts, per typed column of a CSV entity's view, the non-empty values that do not convert to the
/// column's type (the view shows them as NULL). Run after the view is applied; one row, one column per attribute.
/// Its text is parsed by <see cref="SqlScriptValidator"/> when first read, so a check never sent is never parsed and
/// none is read unparsed.
/// </summary>
public sealed class SqlConversionCheck
{
    private readonly string _unparsedQuery;
    private volatile bool _parsed;

    internal SqlConversionCheck(string entity, IReadOnlyList<string> columns, string unparsedQuery)
    {
        Entity = entity;
        Columns = columns;
        _unparsedQuery = unparsedQuery;
    }

    /// <summary>The entity (and view) name.</summary>
    public string Entity { get; }

    /// <summary>The typed attributes counted, in the order of the result columns.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The T-SQL, run in the export's database; parsed on first read (a generator bug throws <see cref="ErrorIds.GeneratedSqlInvalid"/> here).</summary>
    public string Query
    {
        get
        {
            EnsureParsed();
            return _unparsedQuery;
        }
    }

    /// <summary>The query as the batch the verify and convert steps send.</summary>
    public SqlBatch Batch
    {
        get
        {
            EnsureParsed();
            return UnparsedBatch;
        }
    }

    /// <summary>Whether <see cref="Query"/> has been parsed (for tests).</summary>
    internal bool Parsed => _parsed;

    /// <summary>Parses the query now unless it has been (a caller about to do something irreversible first).</summary>
    internal void EnsureParsed()
    {
        if (!_parsed)
        {
            SqlScriptValidator.Validate(UnparsedBatch);
            _parsed = true;
        }
    }

    /// <summary>The batch before ScriptDom has parsed it: for the parse itself, and for the bench that times the parse before it was deferred.</summary>
    internal SqlBatch UnparsedBatch => new("count values that do not convert in " + Entity, SqlBatchKind.View, SqlBatchTarget.Database, _unparsedQuery);
}
