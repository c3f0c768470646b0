using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Models;

/// <summary>An entity of a CDM folder: its name, how many attributes and partitions it has, and how much data.</summary>
public sealed class CISynapseEntity
{
    internal CISynapseEntity(CdmEntity entity, CdmFolder folder, bool detailed)
    {
        Name = entity.Name;
        Description = entity.Description;
        AttributeCount = entity.Attributes.Count;
        PartitionCount = entity.Partitions.Count;
        Size = entity.TotalSize;
        Format = entity.Format.ToString();
        LastModified = entity.Partitions.Max(p => p.LastModified);
        Source = folder.DocumentPath;
        Folder = folder.Location;
        DocumentKind = folder.Kind.ToString();
        if (detailed)
        {
            Attributes = entity.Attributes.Select(a => new CISynapseEntityAttribute(a)).ToArray();
            Partitions = entity.Partitions.Select(p => new CISynapseEntityPartition(p)).ToArray();
        }
    }

    public string Name { get; }

    public string? Description { get; }

    public int AttributeCount { get; }

    public int PartitionCount { get; }

    /// <summary>The bytes of all partitions whose size is known.</summary>
    public long Size { get; }

    /// <summary>Csv or Parquet.</summary>
    public string Format { get; }

    /// <summary>The newest partition's last-modified time, when known.</summary>
    public DateTimeOffset? LastModified { get; }

    /// <summary>The model.json or manifest the entity was read from (full path or URL).</summary>
    public string Source { get; }

    /// <summary>The CDM folder (full path or URL).</summary>
    public string Folder { get; }

    /// <summary>ModelJson, Manifest or EntityDocument.</summary>
    public string DocumentKind { get; }

    /// <summary>With -Detailed: the attributes in order; otherwise null.</summary>
    public IReadOnlyList<CISynapseEntityAttribute>? Attributes { get; }

    /// <summary>With -Detailed: the partitions; otherwise null.</summary>
    public IReadOnlyList<CISynapseEntityPartition>? Partitions { get; }
}

/// <summary>One attribute of an entity, as the CDM folder declares it.</summary>
public sealed class CISynapseEntityAttribute
{
    internal CISynapseEntityAttribute(CdmAttribute attribute)
    {
        Name = attribute.Name;
        DataType = attribute.DataType;
        MaxLength = attribute.MaxLength;
        Precision = attribute.Precision;
        Scale = attribute.Scale;
        IsNullable = attribute.IsNullable;
        Description = attribute.Description;
    }

    public string Name { get; }

    /// <summary>The CDM data type (string, int64, dateTime, decimal, …).</summary>
    public string DataType { get; }

    public int? MaxLength { get; }

    public int? Precision { get; }

    public int? Scale { get; }

    /// <summary>True when the folder says the attribute may be empty; null when it does not say.</summary>
    public bool? IsNullable { get; }

    public string? Description { get; }
}

/// <summary>One data file of an entity.</summary>
public sealed class CISynapseEntityPartition
{
    internal CISynapseEntityPartition(CdmPartition partition)
    {
        Name = partition.Name;
        Location = partition.Location;
        Format = partition.Format.ToString();
        Size = partition.Size;
        LastModified = partition.LastModified;
        ETag = partition.ETag;
        HasHeader = partition.Csv?.HasHeader;
        Delimiter = partition.Csv?.Delimiter;
        Quote = partition.Csv?.Quote;
        Encoding = partition.Csv?.Encoding;
    }

    public string? Name { get; }

    /// <summary>The https URL or full local path of the file.</summary>
    public string Location { get; }

    /// <summary>Csv or Parquet.</summary>
    public string Format { get; }

    public long? Size { get; }

    public DateTimeOffset? LastModified { get; }

    public string? ETag { get; }

    /// <summary>CSV: whether the first row holds the column names.</summary>
    public bool? HasHeader { get; }

    public string? Delimiter { get; }

    /// <summary>CSV: the quote character; empty when values are not quoted.</summary>
    public string? Quote { get; }

    public string? Encoding { get; }
}
