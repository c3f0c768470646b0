using System.Text;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// The T-SQL that removes what an export created in one serverless database: <c>DROP VIEW IF EXISTS</c> per entity,
/// and when no other export feeds the database, its external data source, credential and owner marker; or, only when asked,
/// the database itself (in master). Names are quoted by <see cref="SqlQuoting"/>; every batch is parsed by
/// <see cref="SqlScriptValidator"/> before the script is returned. The master key is left alone: other objects may
/// depend on it and it costs nothing.
/// </summary>
public static class ExportDropScript
{
    public static SqlScript Generate(string database, QueryAccessMode accessMode, IReadOnlyList<string> views, bool dropSharedObjects, bool dropDatabase)
    {
        var batches = new List<SqlBatch>();
        if (dropDatabase)
        {
            var text = $"IF DB_ID({SqlQuoting.Literal(database, "database name")}) IS NOT NULL\n    DROP DATABASE {SqlQuoting.Identifier(database, "database name")};";
            batches.Add(new SqlBatch("drop database " + SqlQuoting.Identifier(database, "database name"), SqlBatchKind.DropDatabase, SqlBatchTarget.Master, text));
        }
        else
        {
            batches.AddRange(views.Select(DropView));

            if (dropSharedObjects)
            {
                batches.Add(DropIfExists("sys.external_data_sources", "EXTERNAL DATA SOURCE", ServerlessSqlGenerator.DataSourceName));
                batches.Add(DropVersionedDataSources());
                batches.Add(DropIfExists("sys.database_scoped_credentials", "DATABASE SCOPED CREDENTIAL", ServerlessSqlGenerator.CredentialName));
                batches.Add(DatabaseOwnerMarker.Drop());
            }
        }

        SqlScriptValidator.Validate(batches);
        return new SqlScript(database, accessMode, batches, []);
    }

    /// <summary>
    /// The data sources named <c>CISynapseDataLake_{hash}</c> (one per location and credential an export used; see
    /// <see cref="ServerlessSqlGenerator.DataSourceNameFor"/>), found by name since the drop script does not know the
    /// locations. Runs after the views that used them are dropped.
    /// </summary>
    /// <summary><c>DROP VIEW IF EXISTS</c> for an entity's view.</summary>
    internal static SqlBatch DropView(string entity)
    {
        var name = ServerlessSqlGenerator.QualifiedViewName(entity);
        return new SqlBatch("drop view " + name, SqlBatchKind.DropView, SqlBatchTarget.Database, "DROP VIEW IF EXISTS " + name + ";");
    }

    private static SqlBatch DropVersionedDataSources()
    {
        var pattern = SqlQuoting.Literal(ServerlessSqlGenerator.DataSourceName + "[_]%", "data source name pattern");
        var text = new StringBuilder()
            .Append("DECLARE @drop nvarchar(max) = (SELECT STRING_AGG(CONVERT(nvarchar(max), N'DROP EXTERNAL DATA SOURCE ' + QUOTENAME(name) + N';'), N' ')\n")
            .Append("    FROM sys.external_data_sources WHERE name LIKE ").Append(pattern).Append(");\n")
            .Append("IF @drop IS NOT NULL\n")
            .Append("    EXEC (@drop);")
            .ToString();
        return new SqlBatch("drop external data sources " + SqlQuoting.Identifier(ServerlessSqlGenerator.DataSourceName + "_*", "data source name"), SqlBatchKind.DropDataSource, SqlBatchTarget.Database, text);
    }

    private static SqlBatch DropIfExists(string catalog, string objectType, string objectName)
    {
        var name = SqlQuoting.Identifier(objectName, "object name");
        var text = new StringBuilder()
            .Append("IF EXISTS (SELECT 1 FROM ").Append(catalog).Append(" WHERE name = ").Append(SqlQuoting.Literal(objectName, "object name")).Append(")\n")
            .Append("    DROP ").Append(objectType).Append(' ').Append(name).Append(';')
            .ToString();
        return new SqlBatch("drop " + objectType.ToLowerInvariant() + " " + name, SqlBatchKind.DropDataSource, SqlBatchTarget.Database, text);
    }
}
