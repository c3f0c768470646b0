using System.Globalization;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>How a Parquet column becomes its view column in the SELECT list.</summary>
public enum ParquetConversion
{
    /// <summary>The column as read: its documented SQL type is the view type.</summary>
    None,

    /// <summary><c>TRY_CONVERT(view type, column)</c>: a documented conversion between numbers, dates or to text.</summary>
    Convert,

    /// <summary>A text column converted as a CSV column is (<see cref="SqlTextConversion"/>: styles, True/False, empty → NULL).</summary>
    FromText,

    /// <summary>The files have no such column: <c>CAST(NULL AS view type)</c>, not in the WITH clause.</summary>
    Missing,
}

/// <summary>One view column of a Parquet entity: the CDM attribute, its view type, and the file column it reads.</summary>
/// <param name="Attribute">The CDM attribute (the view column's name).</param>
/// <param name="ViewType">The view column's type, from the CDM (<see cref="SqlTypeMap"/>).</param>
/// <param name="File">The file column of the same name, or null when the files lack it.</param>
/// <param name="WithType">What the WITH clause declares: the documented SQL type of the file column (null when missing).</param>
/// <param name="Conversion">How the SELECT list turns it into <paramref name="ViewType"/>.</param>
public sealed record ParquetViewColumn(CdmAttribute Attribute, SqlColumnType ViewType, ParquetColumn? File, string? WithType, ParquetConversion Conversion);

/// <summary>
/// Matches a Parquet entity's CDM attributes to its files' columns (exact, case-sensitive names, as serverless binds
/// them) and decides, per attribute, what the WITH clause declares and how the SELECT list converts it. A file type
/// with no documented, value-preserving conversion to the attribute's view type is refused.
/// </summary>
public static class ParquetViewColumns
{
    /// <summary>
    /// The one schema every file of <paramref name="entity"/> has. Files are compared column by column (name and type);
    /// the first that differs from the first file is named with it.
    /// </summary>
    public static IReadOnlyList<ParquetColumn> Agree(string entity, IReadOnlyList<(string File, IReadOnlyList<ParquetColumn> Columns)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            return [];
        }

        var (first, expected) = files[0];
        foreach (var (file, columns) in files.Skip(1))
        {
            var difference = Difference(expected, columns);
            if (difference is not null)
            {
                throw new CISynapseException(
                    ErrorIds.ParquetSchemaMismatch,
                    ErrorKind.InvalidData,
                    $"The Parquet files '{SqlQuoting.Printable(first)}' and '{SqlQuoting.Printable(file)}' of entity '{SqlQuoting.Printable(entity)}' have different schemas ({difference}); one view reads all of an entity's files with one column list.",
                    entity);
            }
        }

        return expected;
    }

    /// <summary>The view columns of <paramref name="entity"/> over files whose columns are <paramref name="fileColumns"/>.</summary>
    /// <param name="entity">The CDM entity.</param>
    /// <param name="fileColumns">The columns its files agree on.</param>
    /// <param name="file">A file to name in an error (the first file of the snapshot).</param>
    public static IReadOnlyList<ParquetViewColumn> Plan(CdmEntity entity, IReadOnlyList<ParquetColumn> fileColumns, string file)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(fileColumns);
        var byName = new Dictionary<string, ParquetColumn>(StringComparer.Ordinal);
        foreach (var column in fileColumns)
        {
            byName.TryAdd(column.Name, column);
        }

        var result = new List<ParquetViewColumn>(entity.Attributes.Count);
        foreach (var attribute in entity.Attributes)
        {
            var view = SqlTypeMap.Map(attribute);
            if (!byName.TryGetValue(attribute.Name, out var column))
            {
                result.Add(new ParquetViewColumn(attribute, view, null, null, ParquetConversion.Missing));
                continue;
            }

            var conversion = ConversionOf(column, view) ?? throw Incompatible(entity.Name, file, attribute, column, view);
            result.Add(new ParquetViewColumn(attribute, view, column, WithType(column, view), conversion));
        }

        return result;
    }

    /// <summary>Whether (and how) a value of <paramref name="column"/> becomes <paramref name="view"/>; null when no documented conversion keeps it.</summary>
    public static ParquetConversion? ConversionOf(ParquetColumn column, SqlColumnType view)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(view);
        var target = TargetOf(view);
        if (column.Kind == ParquetValueKind.Text)
        {
            return target == Target.Text ? ParquetConversion.None : ParquetConversion.FromText;
        }

        if (target != Target.Text && string.Equals(column.SqlType, view.TypeName, StringComparison.OrdinalIgnoreCase))
        {
            return ParquetConversion.None;
        }

        var convertible = (column.Kind, target) switch
        {
            (ParquetValueKind.Integer, Target.Integer or Target.Float or Target.Decimal or Target.Text) => true,
            (ParquetValueKind.Float, Target.Float or Target.Decimal) => true,
            (ParquetValueKind.Decimal, Target.Decimal or Target.Float or Target.Text) => true,
            (ParquetValueKind.Boolean, Target.Boolean) => true,
            (ParquetValueKind.Date, Target.Date or Target.DateTime or Target.DateTimeOffset) => true,
            (ParquetValueKind.DateTime, Target.DateTime or Target.DateTimeOffset) => true,
            (ParquetValueKind.Time, Target.Time) => true,
            (ParquetValueKind.Uuid, Target.Uuid or Target.Text) => true,
            _ => false,
        };
        return convertible ? ParquetConversion.Convert : null;
    }

    /// <summary>The WITH clause's type for a file column read into <paramref name="view"/>: text with the UTF-8 collation, else the mapped type.</summary>
    private static string WithType(ParquetColumn column, SqlColumnType view)
    {
        if (column.Kind != ParquetValueKind.Text)
        {
            return column.SqlType;
        }

        var bytes = column.SqlType == "varchar" && TargetOf(view) == Target.Text ? view.TextBytes : SqlTypeMap.MaxTextBytes;
        return string.Create(CultureInfo.InvariantCulture, $"varchar({bytes}) COLLATE {SqlTypeMap.TextCollation}");
    }

    private enum Target
    {
        Text,
        Integer,
        Float,
        Decimal,
        Boolean,
        Uuid,
        Date,
        DateTime,
        DateTimeOffset,
        Time,
    }

    private static Target TargetOf(SqlColumnType view)
    {
        if (view.Conversion == SqlTextConversion.None)
        {
            return Target.Text;
        }

        var type = view.TypeName;
        return type switch
        {
            "smallint" or "int" or "bigint" => Target.Integer,
            "float" or "real" => Target.Float,
            "bit" => Target.Boolean,
            "uniqueidentifier" => Target.Uuid,
            "date" => Target.Date,
            _ when type.StartsWith("decimal(", StringComparison.Ordinal) => Target.Decimal,
            _ when type.StartsWith("datetime2", StringComparison.Ordinal) => Target.DateTime,
            _ when type.StartsWith("datetimeoffset", StringComparison.Ordinal) => Target.DateTimeOffset,
            _ when type.StartsWith("time", StringComparison.Ordinal) => Target.Time,
            _ => Target.Text,
        };
    }

    private static string? Difference(IReadOnlyList<ParquetColumn> expected, IReadOnlyList<ParquetColumn> actual)
    {
        var actualByName = actual.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var column in expected)
        {
            if (!actualByName.TryGetValue(column.Name, out var other))
            {
                return $"column '{SqlQuoting.Printable(column.Name)}' is missing from the second";
            }

            if (other.Description != column.Description)
            {
                return $"column '{SqlQuoting.Printable(column.Name)}' is {column.Description} in the first and {other.Description} in the second";
            }
        }

        var extra = actual.FirstOrDefault(c => !expected.Any(e => e.Name == c.Name));
        return extra is null ? null : $"column '{SqlQuoting.Printable(extra.Name)}' is only in the second";
    }

    private static CISynapseException Incompatible(string entity, string file, CdmAttribute attribute, ParquetColumn column, SqlColumnType view) =>
        new(
            ErrorIds.IncompatibleParquetColumn,
            ErrorKind.InvalidData,
            $"The column '{SqlQuoting.Printable(column.Name)}' of entity '{SqlQuoting.Printable(entity)}' is Parquet {column.Description} in '{SqlQuoting.Printable(file)}', which serverless SQL reads as {column.SqlType}; the CDM declares it {SqlQuoting.Printable(attribute.DataType ?? "(none)")} ({view.TypeName}), and no documented conversion keeps its values.",
            entity);
}
