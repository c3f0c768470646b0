using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Models;

/// <summary>What Clear-CISynapseExportSnapshot deleted from an export's database folder, and the bytes it freed.</summary>
public sealed class CISynapseSnapshotCleanup
{
    internal CISynapseSnapshotCleanup(SnapshotCleanup cleanup)
    {
        ExportName = cleanup.ExportName;
        DatabaseName = cleanup.DatabaseName;
        DeletedFolders = cleanup.Folders.Where(f => f.Deleted).Select(f => f.Path).ToArray();
        KeptFolders = cleanup.Folders.Where(f => !f.Deleted).Select(f => f.Path).ToArray();
        BytesFreed = cleanup.Folders.Where(f => f.Deleted).Sum(f => f.Bytes);
    }

    public string ExportName { get; }

    public string DatabaseName { get; }

    /// <summary>Container-relative paths of the snapshot folders deleted.</summary>
    public string[] DeletedFolders { get; }

    /// <summary>Unreferenced snapshot folders left in place (declined, or -WhatIf).</summary>
    public string[] KeptFolders { get; }

    public long BytesFreed { get; }
}
