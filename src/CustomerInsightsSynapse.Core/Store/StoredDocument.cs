namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// A document as read from or written to the store. <see cref="Revision"/> is the document version: an update
/// must carry the revision it read, and the store refuses it when the document has moved on since.
/// </summary>
public sealed record StoredDocument<T>(
    string Name,
    T Content,
    int SchemaVersion,
    long Revision,
    DateTimeOffset ModifiedOn,
    string? ModifiedBy,
    string Location);

/// <summary>The documents of one kind that could be read, and a failure for each one that could not.</summary>
public sealed record DocumentListing<T>(IReadOnlyList<StoredDocument<T>> Documents, IReadOnlyList<Diagnostics.CISynapseException> Problems);
