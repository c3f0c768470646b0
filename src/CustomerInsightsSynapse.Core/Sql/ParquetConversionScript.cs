using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What converting one lake CSV entity to Parquet on the server needs (see <see cref="ServerlessSqlGenerator.ConvertToParquet"/>).</summary>
/// <param name="Entity">The entity converted.</param>
/// <param name="Setup">The database's shared objects and the Parquet file format, each created only when missing.</param>
/// <param name="Check">Counts, per typed column, the staged values that do not convert (null when no column is typed).</param>
/// <param name="CreateTable">The CETAS that writes the entity's snapshot folder as Parquet through the view's typed projection.</param>
/// <param name="DropTable">Drops the external table again; its files stay.</param>
public sealed record ParquetConversionScript(string Entity, IReadOnlyList<SqlBatch> Setup, SqlConversionCheck? Check, SqlBatch CreateTable, SqlBatch DropTable)
{
    /// <summary>
    /// A query for up to <see cref="ServerlessSqlGenerator.SampleLimit"/> values of the typed column named that do not
    /// convert, with the file each was read from when asked (rows: column, file, value).
    /// </summary>
    internal Func<string, bool, SqlBatch> Samples { get; init; } = (_, _) => throw new InvalidOperationException("The entity has no typed column.");
}

public static partial class ServerlessSqlGenerator
{
    /// <summary>The external file format every conversion writes with: Parquet, Snappy-compressed.</summary>
    public const string ParquetFileFormatName = "CISynapseParquet";

    /// <summary>The prefix of the external tables a conversion creates and drops again.</summary>
    public const string ConversionTablePrefix = "CISynapseConvert_";

    /// <summary>The most values per column a conversion failure names.</summary>
    public const int SampleLimit = 10;

    /// <summary>
    /// The batches that convert <paramref name="entity"/>'s CSV files staged in <paramref name="stagingFolder"/> into
    /// Parquet in <paramref name="snapshotFolder"/> (container-relative, <c>{Database}/{Entity}/{snapshot}</c>): the
    /// view's projection over the staging files, except that a uniqueidentifier is written as its text
    /// (<c>varchar(36)</c>), a datetimeoffset as ISO 8601 text with its offset (style 127) and a time(7) as its
    /// 7-digit text, as the local Parquet landing stores them: Parquet has no type serverless SQL reads back as the
    /// first two, and the TIME units it reads would drop digits of the third. Every batch is parsed.
    /// </summary>
    public static ParquetConversionScript ConvertToParquet(
        string database,
        QueryAccessMode accessMode,
        DataLakeContainer dataLake,
        CdmEntity entity,
        string stagingFolder,
        string snapshotFolder,
        string token)
    {
        ArgumentNullException.ThrowIfNull(dataLake);
        ArgumentNullException.ThrowIfNull(entity);
        ValidateDatabaseName(database);
        var landed = new LandedEntity(entity, snapshotFolder);
        var snapshot = SnapshotPath.Of(landed);
        var dataSource = new DataSourceTarget(dataLake, snapshot.DatabaseFolder, accessMode);
        var staged = new SnapshotPath(snapshot.DatabaseFolder, StagedBulkPath(entity.Name, snapshot.DatabaseFolder, stagingFolder));
        if (entity.Attributes.Count == 0 || PartitionFormatOf(entity) != PartitionFormat.Csv)
        {
            throw Unsupported(entity.Name, "is converted to Parquet on the server only from CSV partitions with attributes");
        }

        CheckUnique(entity.Attributes.Select(a => a.Name), "attribute", $"the entity '{SqlQuoting.Printable(entity.Name)}'");
        var columns = entity.Attributes.Select(a => (Attribute: a, Type: SqlTypeMap.Map(a))).ToList();
        var rowset = new StringBuilder(256 + (columns.Count * 60));
        AppendRowset(rowset, entity, staged, dataSource.Name, PartitionFormat.Csv, columns, []);
        var rowsetText = rowset.ToString();

        var setup = SharedBatches(database, dataSource).Append(ParquetFileFormat()).ToList();
        var typed = columns.Where(c => c.Type.Conversion != SqlTextConversion.None).Select(c => new CheckedColumn(
            c.Attribute.Name,
            t => AppendNullIfEmpty(t, c.Attribute.Name),
            t => AppendConversion(t, c.Attribute.Name, c.Type))).ToList();
        var check = ConversionCheck(entity.Name, typed, rowsetText);

        var table = SqlQuoting.Identifier(ViewSchema, "schema name") + "." + SqlQuoting.Identifier(ConversionTableName(entity.Name, token), "external table name");
        var create = new StringBuilder(512 + rowsetText.Length + (columns.Count * 120))
            .Append("CREATE EXTERNAL TABLE ").Append(table).Append('\n')
            .Append("WITH (\n    LOCATION = ");
        SqlQuoting.AppendLiteral(create, snapshot.BulkPath[..^2], "snapshot folder");
        create.Append(",\n    DATA_SOURCE = ");
        SqlQuoting.AppendIdentifier(create, dataSource.Name, "data source name");
        create.Append(",\n    FILE_FORMAT = ");
        SqlQuoting.AppendIdentifier(create, ParquetFileFormatName, "file format name");
        create.Append("\n)\nAS\nSELECT\n");
        for (var i = 0; i < columns.Count; i++)
        {
            create.Append("    ");
            AppendStoredValue(create, columns[i].Attribute.Name, columns[i].Type);
            create.Append(" AS ");
            SqlQuoting.AppendIdentifier(create, columns[i].Attribute.Name, "attribute name");
            create.Append(i + 1 < columns.Count ? ",\n" : "\n");
        }

        create.Append(rowsetText).Append(';');
        var script = new ParquetConversionScript(
            entity.Name,
            setup,
            check,
            new SqlBatch("create external table " + table, SqlBatchKind.ExternalTable, SqlBatchTarget.Database, create.ToString()),
            new SqlBatch("drop external table " + table, SqlBatchKind.ExternalTable, SqlBatchTarget.Database, "DROP EXTERNAL TABLE " + table + ";"))
        {
            Samples = (name, withFilePath) =>
            {
                var batch = SampleQuery(entity.Name, typed.Single(c => c.Name == name), rowsetText, withFilePath);
                SqlScriptValidator.Validate(batch);
                return batch;
            },
        };
        SqlScriptValidator.Validate([.. setup, script.CreateTable, script.DropTable]);
        check?.EnsureParsed();
        return script;
    }

    /// <summary>The external table of one conversion: the prefix, the entity and the run's token, cut to fit a SQL name.</summary>
    public static string ConversionTableName(string entity, string token)
    {
        var suffix = "_" + token;
        var room = SqlQuoting.MaxIdentifierLength - ConversionTablePrefix.Length - suffix.Length;
        return ConversionTablePrefix + (entity.Length > room ? entity[..room] : entity) + suffix;
    }

    /// <summary>
    /// Drops the Parquet file format once a run's conversions are done (their external tables are dropped first), so
    /// the run leaves no object it made for itself; a run that stopped before leaves it to the next run's IF NOT EXISTS.
    /// </summary>
    public static SqlBatch DropParquetFileFormat()
    {
        var name = SqlQuoting.Identifier(ParquetFileFormatName, "file format name");
        var text = "IF EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = " + SqlQuoting.Literal(ParquetFileFormatName, "file format name") + ")\n"
            + "    DROP EXTERNAL FILE FORMAT " + name + ";";
        var batch = new SqlBatch("drop external file format " + name, SqlBatchKind.ExternalFileFormat, SqlBatchTarget.Database, text);
        SqlScriptValidator.Validate(batch);
        return batch;
    }

    /// <summary>Creates the Parquet file format when missing; the run drops it when its conversions are done (<see cref="DropParquetFileFormat"/>).</summary>
    private static SqlBatch ParquetFileFormat()
    {
        var name = SqlQuoting.Identifier(ParquetFileFormatName, "file format name");
        var text = "IF NOT EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = " + SqlQuoting.Literal(ParquetFileFormatName, "file format name") + ")\n"
            + "    CREATE EXTERNAL FILE FORMAT " + name + " WITH (FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');";
        return new SqlBatch("create external file format " + name, SqlBatchKind.ExternalFileFormat, SqlBatchTarget.Database, text);
    }

    /// <summary>The value a column is written to Parquet as: the view's conversion; uniqueidentifier, datetimeoffset and time as text (<see cref="SqlColumnType.ParquetHoldsText"/>).</summary>
    private static void AppendStoredValue(StringBuilder text, string attribute, SqlColumnType type)
    {
        if (type.TypeName == "uniqueidentifier")
        {
            text.Append("CONVERT(varchar(36), ");
            AppendConversion(text, attribute, type);
            text.Append(')');
        }
        else if (type.Conversion == SqlTextConversion.Iso8601WithZone)
        {
            text.Append("CONVERT(varchar(33), ");
            AppendConversion(text, attribute, type);
            text.Append(", 127)");
        }
        else if (type.TypeName == "time(7)")
        {
            text.Append("CONVERT(varchar(16), ");
            AppendConversion(text, attribute, type);
            text.Append(')');
        }
        else
        {
            AppendConversion(text, attribute, type);
        }
    }

    /// <summary>The staging folder as an OPENROWSET path below the data source's folder, every file at any depth.</summary>
    private static string StagedBulkPath(string entity, string databaseFolder, string stagingFolder)
    {
        var folder = BlobPaths.ValidateRelativePath(stagingFolder, "staging folder");
        if (!folder.StartsWith(databaseFolder + "/", StringComparison.Ordinal) || folder.IndexOfAny(BulkPathWildcards) >= 0)
        {
            throw new CISynapseException(
                ErrorIds.InvalidDataLakeLocation,
                ErrorKind.InvalidArgument,
                $"The staging folder '{SqlQuoting.Printable(folder)}' of entity '{SqlQuoting.Printable(entity)}' is not below the database folder '{SqlQuoting.Printable(databaseFolder)}' or holds '*', '?', '#' or '%'.",
                folder);
        }

        return folder[(databaseFolder.Length + 1)..] + "/**";
    }

    /// <summary>
    /// Up to <see cref="SampleLimit"/> values of one column that do not convert, with the file each was read from
    /// (<c>filepath()</c>) when asked. One query per column: a UNION ALL of them is what one query would need, and the
    /// samples are read only when an entity fails.
    /// </summary>
    private static SqlBatch SampleQuery(string entity, CheckedColumn column, string rowset, bool withFilePath)
    {
        var text = new StringBuilder(rowset.Length + 300).Append("SELECT TOP (").Append(SampleLimit.ToString(CultureInfo.InvariantCulture)).Append(")\n    ");
        SqlQuoting.AppendLiteral(text, column.Name, "attribute name");
        text.Append(" AS [column],\n    ");
        if (withFilePath)
        {
            SqlQuoting.AppendIdentifier(text, ViewRowsetAlias, "alias").Append(".filepath()");
        }
        else
        {
            text.Append("N''");
        }

        text.Append(" AS [file],\n    ");
        AppendColumn(text, column.Name);
        text.Append(" AS [value]\n").Append(rowset).Append("\nWHERE ");
        column.AppendValue(text);
        text.Append(" IS NOT NULL AND ");
        column.AppendConverted(text);
        text.Append(" IS NULL;");
        return new SqlBatch("sample values that do not convert in " + entity + "." + column.Name, SqlBatchKind.View, SqlBatchTarget.Database, text.ToString());
    }
}
