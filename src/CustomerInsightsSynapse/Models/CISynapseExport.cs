using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Models;

/// <summary>An export: a selection of Customer Insights entities bound to a connection and a serverless SQL database.</summary>
public sealed class CISynapseExport
{
    internal CISynapseExport(StoredDocument<ExportDefinition> document, string storeLocation, bool detailed)
    {
        var e = document.Content;
        Name = e.Name;
        DisplayName = e.DisplayName;
        ConnectionName = e.ConnectionName;
        Source = CdmSourceUrl.WithoutQuery(e.Source);
        DatabaseName = e.DatabaseName;
        DatabaseSince = e.DatabaseSince;
        Entities = e.Entities.ToArray();
        QueryAccessMode = e.QueryAccess.ToString();
        DeploymentMode = e.Deployment.ToString();
        LandAs = e.LandAs.ToString();
        InvalidValue = e.InvalidValue.ToString();
        CreatedBy = e.CreatedBy;
        CreatedOn = e.CreatedOn;
        ModifiedBy = e.ModifiedBy;
        ModifiedOn = e.ModifiedOn;
        Revision = document.Revision;
        StoreLocation = storeLocation;
        if (detailed)
        {
            RemovedEntities = e.RemovedEntities.Select(r => new CISynapseRemovedEntity(r)).ToArray();
            FormerDatabases = e.FormerDatabases.Select(f => new CISynapseFormerDatabase(f)).ToArray();
        }
    }

    /// <summary>The export's key, unique in the store without regard to case.</summary>
    public string Name { get; }

    public string DisplayName { get; }

    /// <summary>The connection (workspace, storage account and container) the export uses.</summary>
    public string ConnectionName { get; }

    /// <summary>The Customer Insights CDM folder the entities are read from: a path or a URL.</summary>
    public string Source { get; }

    /// <summary>The serverless SQL database the export feeds.</summary>
    public string DatabaseName { get; }

    /// <summary>Since when the export feeds <see cref="DatabaseName"/>.</summary>
    public DateTimeOffset DatabaseSince { get; }

    /// <summary>The selected entities, in the source's order.</summary>
    public string[] Entities { get; }

    /// <summary>CallerIdentity or WorkspaceIdentity: whose identity serverless SQL reads the files with.</summary>
    public string QueryAccessMode { get; }

    /// <summary>Apply (run the SQL) or ScriptOnly (only save it).</summary>
    public string DeploymentMode { get; }

    /// <summary>Csv (the files as they are) or Parquet (local CSV partitions converted to typed Parquet while landing).</summary>
    public string LandAs { get; }

    /// <summary>Fail or Null: what landing as Parquet does with a value that does not convert to its column's type.</summary>
    public string InvalidValue { get; }

    /// <summary>With -Detailed: entities taken out of the selection, when, and the database they were last fed into.</summary>
    public CISynapseRemovedEntity[]? RemovedEntities { get; }

    /// <summary>With -Detailed: databases the export used to feed, and when they stopped receiving updates.</summary>
    public CISynapseFormerDatabase[]? FormerDatabases { get; }

    /// <summary>Object id of the principal that created it.</summary>
    public string CreatedBy { get; }

    public DateTimeOffset CreatedOn { get; }

    public string? ModifiedBy { get; }

    public DateTimeOffset ModifiedOn { get; }

    /// <summary>The document version; Set- and Remove-CISynapseExport refuse a stale one.</summary>
    public long Revision { get; }

    public string StoreLocation { get; }
}

/// <summary>An entity taken out of an export: left in Synapse as it was, no longer refreshed.</summary>
public sealed class CISynapseRemovedEntity
{
    internal CISynapseRemovedEntity(RemovedEntity removed)
    {
        Name = removed.Name;
        DatabaseName = removed.DatabaseName;
        RemovedOn = removed.RemovedOn;
    }

    public string Name { get; }

    /// <summary>The database it was last fed into.</summary>
    public string DatabaseName { get; }

    public DateTimeOffset RemovedOn { get; }
}

/// <summary>A database an export fed before its database name changed; it receives no more updates.</summary>
public sealed class CISynapseFormerDatabase
{
    internal CISynapseFormerDatabase(FormerDatabase former)
    {
        DatabaseName = former.DatabaseName;
        Since = former.Since;
        Until = former.Until;
    }

    public string DatabaseName { get; }

    public DateTimeOffset Since { get; }

    /// <summary>When the export stopped feeding it.</summary>
    public DateTimeOffset Until { get; }
}

/// <summary>What Remove-CISynapseExport did: the landed blobs it deleted and the SQL that drops the export's objects.</summary>
public sealed class CISynapseExportRemoval
{
    internal CISynapseExportRemoval(ExportRemovalResult result)
    {
        Name = result.Export.Name;
        DatabaseName = result.Export.DatabaseName;
        DeletedBlobs = result.DeletedBlobs.ToArray();
        SqlScript = result.SqlText;
        SqlApplied = result.SqlApplied;
        Notes = result.Plan.Notes.ToArray();
    }

    public string Name { get; }

    public string DatabaseName { get; }

    /// <summary>Container-relative names of the blobs deleted with -RemoveLandedData.</summary>
    public string[] DeletedBlobs { get; }

    /// <summary>The drop script (-RemoveDatabaseObjects, -DropDatabase), or null.</summary>
    public string? SqlScript { get; }

    /// <summary>Whether the script was run against the serverless SQL endpoint; when false, run it yourself.</summary>
    public bool SqlApplied { get; }

    /// <summary>What was kept because another export still uses it, and why a script was not run.</summary>
    public string[] Notes { get; }
}
