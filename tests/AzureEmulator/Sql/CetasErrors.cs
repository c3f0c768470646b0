using AzureEmulator.Tds;

namespace AzureEmulator.Sql;

/// <summary>
/// The errors of CREATE EXTERNAL FILE FORMAT, CREATE EXTERNAL TABLE AS SELECT (CETAS) and DROP EXTERNAL TABLE/FILE
/// FORMAT. Where Azure's number and wording are not confirmed, the message starts "AzureEmulator:" so that nothing
/// matches on a guessed text.
/// </summary>
public static class CetasErrors
{
    /// <summary>Number of the emulator's own CETAS refusals (user-defined range: no SQL Server message has it).</summary>
    public const int EmulatorNumber = 50018;

    /// <summary>Number used when the target folder already holds files (Azure's "External table location already exists").</summary>
    public const int LocationExistsNumber = 15842;

    /// <summary>Number Azure answers a CETAS through a blob-endpoint data source with (reported by Red Gate; text not confirmed).</summary>
    public const int BlobEndpointNumber = 16539;

    public static SqlError InMaster(string statement) =>
        Emulator($"{statement} is refused in master: serverless SQL creates external file formats and external tables in a user database only");

    public static SqlError BlobEndpoint(string location) =>
        new(BlobEndpointNumber, 1, 16, $"AzureEmulator: Operation failed since the external data source '{location}' is not in the list of Outbound Firewall Rules on the server (CETAS writes through the dfs endpoint only).");

    public static SqlError LocationExists(string url) =>
        new(LocationExistsNumber, 1, 16, $"AzureEmulator: External table location already exists. Location provided: '{url}'.");

    public static SqlError WriteDenied(string url, string identity) =>
        Emulator($"CREATE EXTERNAL TABLE AS SELECT cannot write to '{url}': the identity writing ({identity}) holds no blob write role (Storage Blob Data Contributor or Owner) on the container");

    public static SqlError ContainerMissing(string url) => Emulator($"CREATE EXTERNAL TABLE AS SELECT cannot write to '{url}': the container does not exist");

    public static SqlError UnsupportedType(string column, SqlType type) =>
        Emulator($"CREATE EXTERNAL TABLE AS SELECT refuses column '{column}' of type {type}: its Parquet encoding by serverless SQL is not documented (convert it to varchar in the SELECT)");

    public static SqlError LobTooLarge(string column) =>
        Emulator($"CREATE EXTERNAL TABLE AS SELECT refuses a value of column '{column}' over 1 MB (\"LOBs larger than 1MB can't be used with CETAS\")");

    public static SqlError FileFormatInUse(string format, string table) =>
        Emulator($"Cannot drop the external file format '{format}': the external table '{table}' uses it");

    /// <summary>SQL Server error 1038: a column of a table being created has no name.</summary>
    public static SqlError ColumnNameMissing() => new(1038, 1, 15, "An object or column name is missing or empty. For SELECT INTO statements, verify each column has a name. For other statements, look for empty alias names. Aliases defined as \"\" or [] are not allowed. Change the alias to a valid name.");

    /// <summary>SQL Server error 2705: two columns of a table being created have the same name.</summary>
    public static SqlError DuplicateColumn(string column, string table) =>
        new(2705, 3, 16, $"Column names in each table must be unique. Column name '{column}' in table '{table}' is specified more than once.");

    private static SqlError Emulator(string what) => new(EmulatorNumber, 1, 16, $"AzureEmulator: {what}.");
}
