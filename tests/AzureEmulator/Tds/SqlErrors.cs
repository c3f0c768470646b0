namespace AzureEmulator.Tds;

/// <summary>The server messages the emulator sends, with SQL Server's numbers, classes and wording.</summary>
public static class SqlErrors
{
    public const string TokenPrincipal = "<token-identified principal>";

    public static SqlError LoginFailed(string user) => new(18456, 1, 14, $"Login failed for user '{user}'.");

    public static SqlError CannotOpenDatabase(string database) =>
        new(4060, 1, 11, $"Cannot open database \"{database}\" requested by the login. The login failed.");

    public static SqlError DatabaseUnavailable(string database) =>
        new(40613, 1, 17, $"Database '{database}' on server '{TdsTokenWriter.ServerName}' is not currently available. Please retry the connection later. If the problem persists, contact customer support, and provide them the session tracing ID of '{Guid.NewGuid():D}'.");

    public static SqlError DatabaseExists(string database) =>
        new(1801, 3, 16, $"Database '{database}' already exists. Choose a different database name.");

    public static SqlError DatabaseMissing(string database) =>
        new(911, 1, 16, $"Database '{database}' does not exist. Make sure that the name is entered correctly.");

    public static SqlError ObjectExists(string name) => new(2714, 6, 16, $"There is already an object named '{name}' in the database.");

    public static SqlError SchemaMissing(string schema) =>
        new(2760, 1, 16, $"The specified schema name \"{schema}\" either does not exist or you do not have permission to use it.");

    public static SqlError InvalidObject(string name) => new(208, 1, 16, $"Invalid object name '{name}'.");

    public static SqlError MasterKeyExists() =>
        new(15578, 1, 16, "There is already a master key in the database. Please drop it before performing this statement.");

    public static SqlError CannotDrop(string what, string name) =>
        new(15151, 1, 16, $"Cannot drop the {what} '{name}', because it does not exist or you do not have permission.");

    public static SqlError CannotFind(string what, string name) =>
        new(15151, 1, 16, $"Cannot find the {what} '{name}', because it does not exist or you do not have permission.");

    public static SqlError Syntax(string message, int line) => new(102, 1, 15, message, line);

    public static SqlError Unsupported(string what) =>
        new(40517, 1, 16, $"Keyword or statement option '{what}' is not supported in this version of SQL Server.");

    /// <summary>What serverless SQL answers to an object change in a Lake database (documented wording; number not documented).</summary>
    public static SqlError ReplicatedDatabase(string operation) =>
        new(15868, 1, 16, $"Operation {operation} is not allowed for a replicated database.");

    public static SqlError ChangedDatabase(string database) => new(5701, 2, 0, $"Changed database context to '{database}'.");

    public static SqlError ChangedLanguage() => new(5703, 1, 0, "Changed language setting to us_english.");
}
