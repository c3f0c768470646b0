using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Models;

/// <summary>Where the module keeps its definitions in this session, and why there.</summary>
public sealed class CISynapseStore
{
    internal CISynapseStore(StoreLocation location)
    {
        Location = location.Value;
        Backend = location.IsBlob ? "BlobContainer" : "LocalFolder";
        Source = location.Source.ToString();
    }

    /// <summary>A local folder path or an https Blob container URL.</summary>
    public string Location { get; }

    /// <summary>LocalFolder or BlobContainer.</summary>
    public string Backend { get; }

    /// <summary>Session (Set-CISynapseStore), Environment (CISYNAPSE_STORE) or Default (CISYNAPSE_HOME or the per-user folder).</summary>
    public string Source { get; }
}
