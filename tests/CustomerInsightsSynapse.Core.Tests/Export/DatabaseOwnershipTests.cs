using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>An export document the store cannot read might own any database: no database is given away past it.</summary>
public sealed class DatabaseOwnershipTests : IDisposable
{
    private readonly ExportScenario _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public async Task UnreadableExportDocument_CountsAsTheDatabasesOwner()
    {
        var exports = Directory.CreateDirectory(Path.Combine(_s.StorePath, DocumentFolders.Exports)).FullName;
        await File.WriteAllTextAsync(Path.Combine(exports, "broken.json"), "{ not json");

        var refused = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(name: "Sales", database: "CustomerInsights")));

        Assert.Equal(ErrorIds.DatabaseOwnerUnknown, refused.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, refused.Kind);
        Assert.Contains("CustomerInsights", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(refused.RecommendedAction);
        Assert.DoesNotContain("sales.json", _s.ExportFiles(), StringComparer.OrdinalIgnoreCase);
    }
}
