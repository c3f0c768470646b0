namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>Limits that keep a hostile or broken CDM folder from exhausting memory or time.</summary>
public sealed record CdmReaderOptions
{
    public static CdmReaderOptions Default { get; } = new();

    /// <summary>The largest single document read (model.json, manifest, entity document).</summary>
    public long MaxDocumentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most bytes read over all documents of one folder.</summary>
    public long MaxTotalBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted (real entity documents reach about 50).</summary>
    public int MaxJsonDepth { get; init; } = 128;

    /// <summary>The deepest chain of sub-manifests followed.</summary>
    public int MaxSubManifestDepth { get; init; } = 32;

    /// <summary>How long one regular expression of a partition pattern may take on one path.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
