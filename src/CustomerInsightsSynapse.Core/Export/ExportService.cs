using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Creates, reads, changes and removes export definitions in the definition store.</summary>
public sealed class ExportService
{
    /// <summary>The export documents: folder <c>exports</c>, schema version 1.</summary>
    public static readonly DocumentKind<ExportDefinition> Kind = new(DocumentFolders.Exports, 1);
}
