using AzureEmulator.Tds;

namespace AzureEmulator.Sql;

/// <summary>
/// The errors the query executor raises. Texts follow "Troubleshoot serverless SQL pool in Azure Synapse Analytics"
/// (learn.microsoft.com/azure/synapse-analytics/sql/resources-self-help-sql-on-demand) and the CAST and CONVERT page;
/// where Microsoft Learn documents no behaviour, <see cref="Undocumented"/> names what was asked instead of guessing.
/// </summary>
public static class SqlQueryErrors
{
    /// <summary>Number of the emulator's own refusals (user-defined range: no SQL Server message has it).</summary>
    public const int UndocumentedNumber = 50017;

    /// <summary>Self-help: "Content of directory on path '...' cannot be listed" (no permission, or no such folder).</summary>
    public static SqlError CannotList(string path) => new(13807, 1, 16, $"Content of directory on path '{path}' cannot be listed.");

    /// <summary>Self-help: "File '...' cannot be opened because it does not exist or it is used by another process."</summary>
    public static SqlError CannotOpen(string path) =>
        new(13822, 1, 16, $"File '{path}' cannot be opened because it does not exist or it is used by another process.");

    /// <summary>Self-help: a value the CSV reader cannot fit (too long, over 8000 bytes under 2.0) fails the whole query.</summary>
    public static SqlError MaxErrors(string file) =>
        new(15813, 1, 16, $"Error handling external file: 'Max errors count reached.'. File/External table name: '{file}'.");

    /// <summary>Self-help: a WITH value that cannot be converted to its declared type.</summary>
    public static SqlError BulkConversion(long row, int column, string name, string file) =>
        new(4864, 1, 16, $"Bulk load data conversion error (type mismatch or invalid character for the specified codepage) for row {row}, column {column} ({name}) in data file {file}.");

    /// <summary>Self-help / Parquet: "Column 'x' of type 'INT' is not compatible with external data type 'Parquet physical type: DOUBLE'".</summary>
    public static SqlError ParquetIncompatible(string column, SqlType type, string external) =>
        new(15816, 1, 16, $"Column '{column}' of type '{type.ToString().ToUpperInvariant()}' is not compatible with external data type '{external}'.");

    /// <summary>Self-help: the caller may not use the credential ("Cannot find the CREDENTIAL ... you do not have permission").</summary>
    public static SqlError CredentialDenied(string credential) =>
        new(15151, 1, 16, $"Cannot find the CREDENTIAL '{credential}', because it does not exist or you do not have permission.");

    /// <summary>SQL Server error 229: a login without SELECT on the view or its schema reads the view.</summary>
    public static SqlError SelectDenied(string view, string database, string schema) =>
        new(229, 5, 14, $"The SELECT permission was denied on the object '{view}', database '{database}', schema '{schema}'.");

    /// <summary>CAST and CONVERT: a string that is not a date/time of the requested style.</summary>
    public static SqlError DateConversion() => new(241, 1, 16, "Conversion failed when converting date and/or time from character string.");

    /// <summary>CAST and CONVERT: a string that is not a value of the target type.</summary>
    public static SqlError ValueConversion(string value, SqlType type) =>
        new(245, 1, 16, $"Conversion failed when converting the varchar value '{value}' to data type {type.Kind.ToString().ToLowerInvariant()}.");

    public static SqlError NumericConversion() => new(8114, 5, 16, "Error converting data type varchar to numeric.");

    public static SqlError InvalidColumn(string name) => new(207, 1, 16, $"Invalid column name '{name}'.");

    /// <summary>Something Microsoft Learn does not document for serverless SQL pools: refused so nothing comes to depend on it.</summary>
    public static SqlError Undocumented(string what) =>
        new(UndocumentedNumber, 1, 16, $"AzureEmulator: undocumented serverless SQL behaviour refused: {what}.");

    /// <summary>Documented, but not implemented by the emulator.</summary>
    public static SqlError NotImplemented(string what) =>
        new(UndocumentedNumber, 2, 16, $"AzureEmulator: the serverless SQL emulator does not implement {what}.");
}
