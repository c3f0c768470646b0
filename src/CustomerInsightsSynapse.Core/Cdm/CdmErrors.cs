using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>The failures of reading a CDM folder; each names the document and the item it concerns.</summary>
internal static class CdmErrors
{
    public static CISynapseException TooLarge(string document, long size, long max) =>
        new(ErrorIds.CdmDocumentTooLarge, ErrorKind.LimitsExceeded, $"The CDM document '{document}' is {size:N0} bytes, more than the {max:N0} bytes this reader accepts.", document);

    public static CISynapseException Unreadable(string document, Exception inner) =>
        new(ErrorIds.CdmDocumentUnreadable, inner is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.InvalidOperation, $"The CDM document '{document}' cannot be read: {inner.Message}", document, inner);

    public static CISynapseException Invalid(string document, string problem, Exception? inner = null) =>
        new(ErrorIds.InvalidCdmDocument, ErrorKind.InvalidData, $"The CDM document '{document}' is not valid: {problem}", document, inner);

    public static CISynapseException TooDeep(string document, int maxDepth, Exception inner) =>
        new(ErrorIds.CdmDocumentTooDeep, ErrorKind.LimitsExceeded, $"The CDM document '{document}' nests JSON deeper than {maxDepth} levels.", document, inner);

    public static CISynapseException PathTraversal(string document, string item, string path) =>
        new(ErrorIds.PathTraversal, ErrorKind.SecurityError, $"The CDM document '{document}' gives {item} the path '{path}', which contains '..'. Paths in a CDM folder must not climb out of it.", path);

    public static CISynapseException OutsideFolder(string document, string item, string location, string folder) =>
        new(ErrorIds.PartitionOutsideFolder, ErrorKind.SecurityError, $"The CDM document '{document}' places {item} at '{location}', outside the CDM folder's storage ('{folder}'). Partitions must be in the same account and container (or, for a local folder, below that folder).", location);

    public static CISynapseException DuplicateAttribute(string document, string entity, string attribute) =>
        new(ErrorIds.DuplicateAttribute, ErrorKind.InvalidData, $"The CDM document '{document}' gives entity '{entity}' the attribute '{attribute}' more than once (names are compared without case).", $"{entity}.{attribute}");

    public static CISynapseException DuplicateEntity(string document, string entity) =>
        new(ErrorIds.DuplicateEntity, ErrorKind.InvalidData, $"The CDM document '{document}' declares the entity '{entity}' more than once in the folder (names are compared without case).", entity);

    public static CISynapseException InvalidCsv(string document, string item, string problem) =>
        new(ErrorIds.InvalidCsvFormat, ErrorKind.InvalidData, $"The CDM document '{document}' gives {item} CSV settings that cannot be read: {problem}.", item);

    public static CISynapseException UnsupportedFormat(string document, string item, string format) =>
        new(ErrorIds.UnsupportedPartitionFormat, ErrorKind.InvalidData, $"The CDM document '{document}' declares {item} in the format '{format}'; only CSV and Parquet partitions can be read.", item);
}
