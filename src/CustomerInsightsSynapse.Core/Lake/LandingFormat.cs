namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>The format an export lands CSV partitions in (export setting <c>-LandAs</c>).</summary>
public enum LandingFormat
{
    /// <summary>The source files as they are (blob sources copied by the service).</summary>
    Csv,

    /// <summary>
    /// Local CSV partitions converted to typed Parquet while they are uploaded (see <see cref="ParquetPartitionWriter"/>);
    /// Parquet partitions are landed as they are.
    /// </summary>
    Parquet,
}

/// <summary>What converting to Parquet does with a non-empty value that does not convert to its column's type (export setting <c>-InvalidValue</c>).</summary>
public enum InvalidValueAction
{
    /// <summary>The entity is not landed (ErrorId <c>ParquetValueNotConverted</c>) and keeps its previous snapshot and view.</summary>
    Fail,

    /// <summary>The value is written as NULL; the counts per column go into the run record.</summary>
    Null,
}
