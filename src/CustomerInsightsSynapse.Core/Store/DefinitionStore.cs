using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// The definition store: versioned JSON documents of several kinds (connections, exports, roles, runs) in a
/// backend. Every document carries its schema version and its revision; a create refuses an existing name
/// (without regard to case), an update or delete refuses a stale revision, and a document that cannot be
/// read or was written by a newer schema is reported with its path and never overwritten.
/// </summary>
public sealed class DefinitionStore
{
    private readonly TimeProvider _clock;

    public DefinitionStore(IDocumentBackend backend, TimeProvider? clock = null)
    {
        Backend = backend;
        _clock = clock ?? TimeProvider.System;
    }

    public IDocumentBackend Backend { get; }

    public string Location => Backend.Location;

    public async Task<StoredDocument<T>?> GetAsync<T>(DocumentKind<T> kind, string name, CancellationToken cancellationToken)
    {
        DocumentNames.Validate(name, kind.Folder + " name");
        var raw = await Backend.ReadAsync(kind.Folder, DocumentNames.FileName(name), cancellationToken).ConfigureAwait(false);
        return raw is null ? null : Decode(kind, raw, name);
    }

    /// <summary>Every readable document of a kind; unreadable ones are returned as problems, not skipped silently.</summary>
    public async Task<DocumentListing<T>> ListAsync<T>(DocumentKind<T> kind, CancellationToken cancellationToken)
    {
        var documents = new List<StoredDocument<T>>();
        var problems = new List<CISynapseException>();
        foreach (var fileName in await Backend.ListAsync(kind.Folder, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (await Backend.ReadAsync(kind.Folder, fileName, cancellationToken).ConfigureAwait(false) is { } raw)
                {
                    documents.Add(Decode(kind, raw, null));
                }
            }
            catch (CISynapseException ex) when (ex.ErrorId is ErrorIds.StoreDocumentCorrupt or ErrorIds.StoreSchemaTooNew
                or ErrorIds.StoreDocumentTooLarge or ErrorIds.StoreDocumentNotRegularFile or ErrorIds.StoreDocumentOutsideStore)
            {
                problems.Add(ex);
            }
        }

        documents.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        return new DocumentListing<T>(documents, problems);
    }

    /// <summary>
    /// The content of every document in a folder as JSON, whatever its schema version: for queries across
    /// kinds owned by other subsystems (such as "which exports use this connection").
    /// </summary>
    public Task<DocumentListing<JsonElement>> ListContentAsync(string folder, CancellationToken cancellationToken) =>
        ListAsync(new DocumentKind<JsonElement>(folder, int.MaxValue), cancellationToken);

    public async Task<StoredDocument<T>> CreateAsync<T>(DocumentKind<T> kind, string name, T content, string? modifiedBy, CancellationToken cancellationToken)
    {
        DocumentNames.Validate(name, kind.Folder + " name");
        var fileName = DocumentNames.FileName(name);
        var document = new StoredDocument<T>(name, content, kind.SchemaVersion, 1, _clock.GetUtcNow(), modifiedBy, Backend.Describe(kind.Folder, fileName));
        var result = await Backend.WriteAsync(kind.Folder, fileName, Encode(kind, document), null, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.AlreadyExists)
        {
            var existing = await Backend.ReadAsync(kind.Folder, fileName, cancellationToken).ConfigureAwait(false);
            var existingName = existing is null ? name : Decode(kind, existing, name).Name;
            throw new CISynapseException(
                ErrorIds.StoreDocumentExists,
                ErrorKind.ResourceExists,
                $"The store already holds a {Singular(kind)} named '{existingName}' (names are compared without regard to case).",
                name);
        }

        return document;
    }

    /// <summary>
    /// Replaces a document's content. <paramref name="expectedRevision"/> is the revision the caller read; if the
    /// store holds another, nothing is written and <see cref="ErrorIds.StoreConflict"/> is thrown.
    /// </summary>
    public async Task<StoredDocument<T>> UpdateAsync<T>(DocumentKind<T> kind, string name, long expectedRevision, T content, string? modifiedBy, CancellationToken cancellationToken)
    {
        var (current, raw) = await ReadExistingAsync(kind, name, cancellationToken).ConfigureAwait(false);
        if (current.Revision != expectedRevision)
        {
            throw Conflict(kind, current.Name, expectedRevision, current.Revision);
        }

        var updated = current with { Content = content, SchemaVersion = kind.SchemaVersion, Revision = current.Revision + 1, ModifiedOn = _clock.GetUtcNow(), ModifiedBy = modifiedBy };
        var result = await Backend.WriteAsync(kind.Folder, DocumentNames.FileName(name), Encode(kind, updated), raw.Tag, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            WriteOutcome.Written => updated,
            WriteOutcome.Missing => throw NotFound(kind, name),
            _ => throw Conflict(kind, current.Name, expectedRevision, null),
        };
    }

    /// <summary>Deletes a document if it still has <paramref name="expectedRevision"/>.</summary>
    public async Task DeleteAsync<T>(DocumentKind<T> kind, string name, long expectedRevision, CancellationToken cancellationToken)
    {
        var (current, raw) = await ReadExistingAsync(kind, name, cancellationToken).ConfigureAwait(false);
        if (current.Revision != expectedRevision)
        {
            throw Conflict(kind, current.Name, expectedRevision, current.Revision);
        }

        var outcome = await Backend.DeleteAsync(kind.Folder, DocumentNames.FileName(name), raw.Tag, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case WriteOutcome.Written:
                return;
            case WriteOutcome.Missing:
                throw NotFound(kind, name);
            default:
                throw Conflict(kind, current.Name, expectedRevision, null);
        }
    }

    private async Task<(StoredDocument<T> Document, RawDocument Raw)> ReadExistingAsync<T>(DocumentKind<T> kind, string name, CancellationToken cancellationToken)
    {
        DocumentNames.Validate(name, kind.Folder + " name");
        var raw = await Backend.ReadAsync(kind.Folder, DocumentNames.FileName(name), cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(kind, name);
        return (Decode(kind, raw, name), raw);
    }

    private static byte[] Encode<T>(DocumentKind<T> kind, StoredDocument<T> document)
    {
        var envelope = new JsonObject
        {
            ["schemaVersion"] = document.SchemaVersion,
            ["kind"] = kind.Folder,
            ["name"] = document.Name,
            ["revision"] = document.Revision,
            ["modifiedOn"] = document.ModifiedOn,
            ["modifiedBy"] = document.ModifiedBy,
            // Unique to this write, so that no two writes are ever the same bytes: a local store's tag (a hash of
            // the bytes) then names one write, even when two writers compute the same document from one revision.
            ["writeId"] = Guid.NewGuid().ToString("N"),
            ["content"] = JsonSerializer.SerializeToNode(document.Content, StoreJson.Options),
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope, StoreJson.Options);
    }

    private static StoredDocument<T> Decode<T>(DocumentKind<T> kind, RawDocument raw, string? expectedName)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(raw.Content);
        }
        catch (JsonException ex)
        {
            throw Corrupt(raw, $"it is not valid JSON ({ex.Message})", ex);
        }

        if (root is not JsonObject envelope)
        {
            throw Corrupt(raw, "it is not a JSON object");
        }

        var schemaVersion = Read<int>(envelope, "schemaVersion", raw);
        var name = Read<string>(envelope, "name", raw);
        var revision = Read<long>(envelope, "revision", raw);
        var modifiedOn = Read<DateTimeOffset>(envelope, "modifiedOn", raw);
        var storedKind = Read<string>(envelope, "kind", raw);
        var modifiedBy = envelope["modifiedBy"] is JsonValue by && by.TryGetValue<string>(out var who) ? who : null;
        if (schemaVersion > kind.SchemaVersion)
        {
            throw new CISynapseException(
                ErrorIds.StoreSchemaTooNew,
                ErrorKind.InvalidData,
                $"The stored document '{raw.Location}' has schema version {schemaVersion}; this version of the module reads up to {kind.SchemaVersion}. It was left as it is.",
                raw.Location)
            {
                RecommendedAction = "Update the CustomerInsightsSynapse module to the version that wrote the document.",
            };
        }

        if (schemaVersion < 1 || revision < 1 || !string.Equals(storedKind, kind.Folder, StringComparison.Ordinal) || string.IsNullOrEmpty(name))
        {
            throw Corrupt(raw, "its envelope (schemaVersion, kind, name, revision) is not valid");
        }

        if (expectedName is not null && !string.Equals(name, expectedName, StringComparison.OrdinalIgnoreCase))
        {
            throw Corrupt(raw, $"it names '{name}', not '{expectedName}'");
        }

        if (envelope["content"] is not { } contentNode)
        {
            throw Corrupt(raw, "it has no content");
        }

        T? content;
        try
        {
            content = contentNode.Deserialize<T>(StoreJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw Corrupt(raw, $"its content cannot be read ({ex.Message})", ex);
        }

        if (content is null)
        {
            throw Corrupt(raw, "its content is null");
        }

        return new StoredDocument<T>(name, content, schemaVersion, revision, modifiedOn, modifiedBy, raw.Location);
    }

    private static TValue Read<TValue>(JsonObject envelope, string property, RawDocument raw)
    {
        try
        {
            if (envelope[property] is JsonValue value)
            {
                var typed = value.Deserialize<TValue>(StoreJson.Options);
                if (typed is not null)
                {
                    return typed;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw Corrupt(raw, $"its '{property}' is not valid", ex);
        }

        throw Corrupt(raw, $"it has no '{property}'");
    }

    private static CISynapseException Corrupt(RawDocument raw, string reason, Exception? inner = null) =>
        new(ErrorIds.StoreDocumentCorrupt, ErrorKind.InvalidData, $"The stored document '{raw.Location}' cannot be read: {reason}. It was left as it is.", raw.Location, inner)
        {
            RecommendedAction = "Repair or remove the file by hand (or restore it from a backup); the module never overwrites a document it cannot read.",
        };

    private static CISynapseException Conflict<T>(DocumentKind<T> kind, string name, long expected, long? actual) =>
        new(
            ErrorIds.StoreConflict,
            ErrorKind.InvalidOperation,
            actual is { } now
                ? $"The {Singular(kind)} '{name}' was changed by someone else: the change was based on revision {expected}, the store holds revision {now}. Nothing was written."
                : $"The {Singular(kind)} '{name}' was changed by someone else while this change was being saved. Nothing was written.",
            name)
        {
            RecommendedAction = "Read it again (Get-…), then repeat the change.",
        };

    private static CISynapseException NotFound<T>(DocumentKind<T> kind, string name) =>
        new(ErrorIds.StoreDocumentNotFound, ErrorKind.ObjectNotFound, $"The store holds no {Singular(kind)} named '{name}'.", name);

    private static string Singular<T>(DocumentKind<T> kind) => kind.Folder.EndsWith('s') ? kind.Folder[..^1] : kind.Folder;
}
