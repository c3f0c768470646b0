namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>Which CDM document described a folder.</summary>
public enum CdmDocumentKind
{
    ModelJson,
    Manifest,

    /// <summary>A single entity document (<c>*.cdm.json</c>) read on its own: entities without partitions.</summary>
    EntityDocument,
}

/// <summary>The file format of a data partition.</summary>
public enum PartitionFormat
{
    Csv,
    Parquet,
}

/// <summary>
/// How a CSV partition is written (model.json <c>CsvFormatSettings</c>, manifest <c>is.partition.format.CSV</c>).
/// Defaults are CDM's: no header in model.json, comma, double quote, UTF-8.
/// </summary>
public sealed record CsvFormat(
    bool HasHeader = false,
    string Delimiter = ",",
    string Quote = "\"",
    string? Escape = null,
    string Encoding = "UTF-8",
    string? NewLine = null)
{
    public static readonly CsvFormat Default = new();

    /// <summary>Lines to skip before the header or the first row (trait argument <c>skipLines</c>).</summary>
    public int SkipLines { get; init; }
}

/// <summary>
/// One attribute of an entity. <see cref="DataType"/> is the CDM data type or format as written
/// (string, int64, dateTime, decimal, …); the SQL type map reads it case-insensitively. A value, held in its entity's
/// array: a folder's model keeps hundreds of thousands of attributes, and an object each would be as many more for the
/// garbage collector to copy through its generations.
/// </summary>
public readonly record struct CdmAttribute(
    string Name,
    string DataType,
    int? MaxLength = null,
    int? Precision = null,
    int? Scale = null,
    bool? IsNullable = null,
    string? Description = null)
{
    // A folder's attributes are kept for as long as its model (hundreds of thousands of them), so the optional
    // numbers are held as plain ints with one byte saying which are set, not as int? (each padded to 8 bytes).
    private readonly int _maxLength = MaxLength.GetValueOrDefault();
    private readonly int _precision = Precision.GetValueOrDefault();
    private readonly int _scale = Scale.GetValueOrDefault();
    private readonly Present _present = Flags(MaxLength, Precision, Scale, IsNullable);

    // Declared in the order of the parameters, which printing and serializing follow. Flags are tested with '&', not
    // Enum.HasFlag, which boxes in unoptimized code.
    public string Name { get; init; } = Name;

    public string DataType { get; init; } = DataType;

    public int? MaxLength
    {
        get => (_present & Present.MaxLength) != 0 ? _maxLength : null;
        init => (_maxLength, _present) = (value.GetValueOrDefault(), Set(_present, Present.MaxLength, value.HasValue));
    }

    public int? Precision
    {
        get => (_present & Present.Precision) != 0 ? _precision : null;
        init => (_precision, _present) = (value.GetValueOrDefault(), Set(_present, Present.Precision, value.HasValue));
    }

    public int? Scale
    {
        get => (_present & Present.Scale) != 0 ? _scale : null;
        init => (_scale, _present) = (value.GetValueOrDefault(), Set(_present, Present.Scale, value.HasValue));
    }

    public bool? IsNullable
    {
        get => (_present & Present.IsNullable) != 0 ? (_present & Present.Nullable) != 0 : null;
        init => _present = Set(Set(_present, Present.IsNullable, value.HasValue), Present.Nullable, value == true);
    }

    public string? Description { get; init; } = Description;

    private static Present Flags(int? maxLength, int? precision, int? scale, bool? isNullable) =>
        (maxLength.HasValue ? Present.MaxLength : Present.None)
        | (precision.HasValue ? Present.Precision : Present.None)
        | (scale.HasValue ? Present.Scale : Present.None)
        | (isNullable.HasValue ? Present.IsNullable : Present.None)
        | (isNullable == true ? Present.Nullable : Present.None);

    private static Present Set(Present present, Present flag, bool on) => on ? present | flag : present & ~flag;

    [Flags]
    private enum Present : byte
    {
        None = 0,
        MaxLength = 1,
        Precision = 2,
        Scale = 4,
        IsNullable = 8,

        /// <summary>The value of <see cref="CdmAttribute.IsNullable"/> when it is set.</summary>
        Nullable = 16,
    }
}

/// <summary>
/// One data partition. <see cref="Location"/> is absolute: an https URL for a blob, or a full local path.
/// </summary>
public sealed record CdmPartition(
    string Location,
    PartitionFormat Format,
    CsvFormat? Csv = null,
    long? Size = null,
    DateTimeOffset? LastModified = null,
    string? ETag = null,
    string? Name = null)
{
    public bool IsBlob => Location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || Location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>For a local partition: the resolved path of the CDM folder it must stay inside when it is opened.</summary>
    public string? LocalFolder { get; init; }
}

/// <summary>An entity: its attributes in order and its partitions.</summary>
public sealed record CdmEntity(
    string Name,
    IReadOnlyList<CdmAttribute> Attributes,
    IReadOnlyList<CdmPartition> Partitions,
    string? Description = null)
{
    /// <summary>Entity annotations (model.json <c>annotations</c>), name to value as written.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyAnnotations;

    /// <summary>The document that defined the entity's attributes (model.json, or the entity document of a manifest).</summary>
    public string? DocumentPath { get; init; }

    public long TotalSize => Partitions.Sum(p => p.Size ?? 0);

    private static readonly IReadOnlyDictionary<string, string> EmptyAnnotations = new Dictionary<string, string>();

    /// <summary>The partition format when all partitions agree (CSV when there are none).</summary>
    public PartitionFormat Format => Partitions.Count == 0 ? PartitionFormat.Csv : Partitions[0].Format;
}

/// <summary>A CDM folder as read: where it is, which document described it, and its entities.</summary>
public sealed record CdmFolder(
    string Location,
    string DocumentPath,
    CdmDocumentKind Kind,
    IReadOnlyList<CdmEntity> Entities,
    IReadOnlyList<string> Warnings);
