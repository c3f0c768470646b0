namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What a batch does.</summary>
public enum SqlBatchKind
{
    CreateDatabase,
    MasterKey,
    Credential,
    DataSource,
    View,

    /// <summary>The WorkspaceIdentity reader role and its grants.</summary>
    ReaderRole,

    /// <summary>Drops a view an export created (Remove-CISynapseExport -RemoveDatabaseObjects).</summary>
    DropView,

    /// <summary>Drops the export's external data source or credential.</summary>
    DropDataSource,

    /// <summary>Drops the export's database (runs in master).</summary>
    DropDatabase,

    /// <summary>Makes, reads or drops the database's owner marker (<see cref="DatabaseOwnerMarker"/>).</summary>
    OwnerMarker,

    /// <summary>Reads or changes a query principal's membership of the reader role (<see cref="QueryAccessScript"/>).</summary>
    QueryAccess,

    /// <summary>Creates the Parquet external file format a conversion writes with.</summary>
    ExternalFileFormat,

    /// <summary>Creates (CETAS) or drops the external table of a conversion to Parquet.</summary>
    ExternalTable,
}

/// <summary>Which database a batch runs in.</summary>
public enum SqlBatchTarget
{
    /// <summary>The master database (CREATE DATABASE must run there, in a batch of its own).</summary>
    Master,

    /// <summary>The export's database.</summary>
    Database,
}

/// <summary>
/// One T-SQL batch, already parsed by ScriptDom. <see cref="Name"/> says which batch failed in an error.
/// The master key batch holds <see cref="SqlScript.MasterKeyPasswordPlaceholder"/>, never a password.
/// </summary>
public sealed record SqlBatch(string Name, SqlBatchKind Kind, SqlBatchTarget Target, string Text)
{
    public bool NeedsMasterKeyPassword => Kind == SqlBatchKind.MasterKey;
}
