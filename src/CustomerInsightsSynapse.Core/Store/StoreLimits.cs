using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>Limits every backend applies before it reads a document.</summary>
public static class StoreLimits
{
    /// <summary>The largest document the store reads: far above any definition, far below what a process can hold.</summary>
    public const long MaxDocumentBytes = 16 * 1024 * 1024;

    internal static CISynapseException TooLarge(string location, long length, long limit) =>
        new(
            ErrorIds.StoreDocumentTooLarge,
            ErrorKind.LimitsExceeded,
            $"The stored document '{location}' is {length:N0} bytes; the store reads documents of at most {limit:N0} bytes. It was not read and was left as it is.",
            location)
        {
            RecommendedAction = "Remove or replace the document by hand: no document the module writes comes near the limit.",
        };
}
