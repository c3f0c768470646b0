namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>Whose identity serverless SQL uses to read the landed files when someone queries a view.</summary>
public enum QueryAccessMode
{
    /// <summary>The querying user's own Entra identity (no credential on the data source); users need Storage Blob Data Reader.</summary>
    CallerIdentity,

    /// <summary>The workspace managed identity, through a master key and a database scoped credential; users need no storage role.</summary>
    WorkspaceIdentity,
}
