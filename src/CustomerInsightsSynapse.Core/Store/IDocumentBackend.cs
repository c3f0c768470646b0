namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// Where document bytes live: a local folder or a blob container. A backend knows nothing about schemas or
/// revisions; it stores bytes under (folder, file name) and makes every write conditional on the version tag
/// the caller read, so that two writers can never overwrite each other unnoticed. A write or delete whose answer
/// was lost is recognised as the caller's own by an id unique to it, never by equal bytes. Every read refuses a
/// document over <see cref="StoreLimits.MaxDocumentBytes"/> before reading it.
/// </summary>
public interface IDocumentBackend
{
    /// <summary>The folder path or container URL, for messages and Get-CISynapseStore.</summary>
    string Location { get; }

    /// <summary>The path or URL of one document, for messages.</summary>
    string Describe(string folder, string fileName);

    /// <summary>The bytes and version tag of a document, or null when there is none.</summary>
    Task<RawDocument?> ReadAsync(string folder, string fileName, CancellationToken cancellationToken);

    /// <summary>The file names of every document in a folder.</summary>
    Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a document atomically. With <paramref name="expectedTag"/> null the document must not exist yet;
    /// otherwise it must still carry that tag.
    /// </summary>
    Task<WriteResult> WriteAsync(string folder, string fileName, byte[] content, string? expectedTag, CancellationToken cancellationToken);

    /// <summary>Deletes a document if it still carries <paramref name="expectedTag"/>.</summary>
    Task<WriteOutcome> DeleteAsync(string folder, string fileName, string expectedTag, CancellationToken cancellationToken);
}

/// <summary>A document's bytes as stored, with the tag a conditional write must present.</summary>
public sealed record RawDocument(byte[] Content, string Tag, string Location);

public enum WriteOutcome
{
    Written,

    /// <summary>A create found a document already there.</summary>
    AlreadyExists,

    /// <summary>The document no longer carries the tag the writer read.</summary>
    Changed,

    /// <summary>The document the writer read is gone.</summary>
    Missing,
}

public sealed record WriteResult(WriteOutcome Outcome, string? Tag);
