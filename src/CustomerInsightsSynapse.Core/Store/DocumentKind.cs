namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// One kind of document in the definition store: the folder it lives in, the schema version this build
/// writes, and the .NET type its content is read into. Later subsystems add kinds without changing the store.
/// </summary>
/// <typeparam name="T">The content type, serialised with <see cref="StoreJson.Options"/>.</typeparam>
public sealed class DocumentKind<T>
{
    public DocumentKind(string folder, int schemaVersion)
    {
        if (string.IsNullOrWhiteSpace(folder) || folder.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            throw new ArgumentException("A document kind's folder is lower-case letters, digits and '-'.", nameof(folder));
        }

        if (schemaVersion < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(schemaVersion), "Schema versions start at 1.");
        }

        Folder = folder;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The folder (local) or path segment (blob) that holds the documents of this kind.</summary>
    public string Folder { get; }

    /// <summary>The schema version written; documents with a higher one are refused as too new.</summary>
    public int SchemaVersion { get; }

    public override string ToString() => Folder;
}

/// <summary>The folder names of the kinds the module keeps. Content types live with the subsystem that owns them.</summary>
public static class DocumentFolders
{
    public const string Connections = "connections";
    public const string DatabaseClaims = "database-claims";
    public const string Exports = "exports";
    public const string Roles = "roles";
    public const string Runs = "runs";

    /// <summary>
    /// The content property of an export document that names its connection. Export documents must keep it
    /// (camelCase, a string) so that removing a connection can find the exports that use it.
    /// </summary>
    public const string ExportConnectionNameProperty = "connectionName";
}
