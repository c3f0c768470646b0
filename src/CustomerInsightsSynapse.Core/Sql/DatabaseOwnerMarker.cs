namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>Who a serverless database belongs to: the export (by its stable id), its store and its lake container.</summary>
public sealed record DatabaseOwner(string ExportId, string ExportName, string Store, string Container)
{
    /// <summary>True when both name one definition store (a folder path or container URL, compared without case).</summary>
    public bool SameStore(DatabaseOwner other) => string.Equals(Store, other.Store, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The owner marker of a serverless database: the view <c>[cisynapse].[ExportOwner]</c>, one row naming the export
/// that feeds the database. A plain <c>CREATE VIEW</c> makes it, and SQL refuses that (error 2714) when it exists,
/// so of two runs from different stores or containers only one makes it; the other reads whose it is.
/// </summary>
public static class DatabaseOwnerMarker
{
    public const string Schema = "cisynapse";

    public const string ViewName = "ExportOwner";

    /// <summary>SQL Server's "There is already an object named ... in the database."</summary>
    public const int ObjectExistsError = 2714;

    public static string QualifiedName => SqlQuoting.Identifier(Schema, "schema name") + "." + SqlQuoting.Identifier(ViewName, "view name");

    /// <summary>Creates the marker's schema; fails with <see cref="ObjectExistsError"/> when it is there.</summary>
    public static SqlBatch CreateSchema() =>
        Validated("create schema " + Schema, "CREATE SCHEMA " + SqlQuoting.Identifier(Schema, "schema name") + ";");

    /// <summary>Makes the marker; fails with <see cref="ObjectExistsError"/> when any export's marker is there.</summary>
    public static SqlBatch Create(DatabaseOwner owner) => Validated("create owner marker", "CREATE VIEW " + QualifiedName + Body(owner));

    /// <summary>Points the marker at <paramref name="owner"/>, whoever it named.</summary>
    public static SqlBatch Replace(DatabaseOwner owner) => Validated("replace owner marker", "CREATE OR ALTER VIEW " + QualifiedName + Body(owner));

    /// <summary>SQL Server's "Invalid object name": the database has no marker.</summary>
    public const int InvalidObjectError = 208;

    /// <summary>
    /// Reads the marker: one row of export id, export name, store and container. Constant text, parsed by the tests
    /// rather than at run time, so that a run with nothing to change creates no parser.
    /// </summary>
    public static SqlBatch Read() => ReadBatch;

    private static readonly SqlBatch ReadBatch = new(
        "read owner marker", SqlBatchKind.OwnerMarker, SqlBatchTarget.Database, "SELECT [ExportId], [ExportName], [Store], [Container] FROM [cisynapse].[ExportOwner];");

    /// <summary>Removes the marker, if there is one.</summary>
    public static SqlBatch Drop() => Validated("drop owner marker", "DROP VIEW IF EXISTS " + QualifiedName + ";");

    /// <summary>The owner a row of <see cref="Read"/> names, or null when the row is not one.</summary>
    public static DatabaseOwner? FromRow(object?[] row) =>
        row is [string id, string name, string store, string container] ? new DatabaseOwner(id, name, store, container) : null;

    private static string Body(DatabaseOwner owner) =>
        " AS SELECT "
        + SqlQuoting.Literal(owner.ExportId, "export id") + " AS [ExportId], "
        + SqlQuoting.Literal(owner.ExportName, "export name") + " AS [ExportName], "
        + SqlQuoting.Literal(owner.Store, "store location") + " AS [Store], "
        + SqlQuoting.Literal(owner.Container, "container") + " AS [Container];";

    private static SqlBatch Validated(string name, string text)
    {
        var batch = new SqlBatch(name, SqlBatchKind.OwnerMarker, SqlBatchTarget.Database, text);
        SqlScriptValidator.Validate(batch);
        return batch;
    }
}
