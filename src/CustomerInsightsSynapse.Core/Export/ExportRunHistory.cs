using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Which run records to list: by export name (wildcards), status, start time and run id, newest first, at most <see cref="Last"/>.</summary>
public sealed record ExportRunQuery
{
    public NameFilter ExportNames { get; init; } = new(null);

    /// <summary>The statuses to keep; null or empty keeps every status.</summary>
    public IReadOnlyCollection<ExportRunStatus>? Statuses { get; init; }

    /// <summary>Keeps runs started at or after this time.</summary>
    public DateTimeOffset? After { get; init; }

    public string? RunId { get; init; }

    /// <summary>Keeps only this many of the newest runs.</summary>
    public int? Last { get; init; }

    public IReadOnlyList<ExportRunRecord> Apply(IEnumerable<ExportRunRecord> runs)
    {
        IEnumerable<ExportRunRecord> selected = runs
            .Where(r => ExportNames.IsMatch(r.ExportName))
            .Where(r => Statuses is not { Count: > 0 } || Statuses.Contains(r.Status))
            .Where(r => After is null || r.StartedOn >= After)
            .Where(r => RunId is null || string.Equals(r.RunId, RunId, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(r => r.StartedOn)
            .ThenByDescending(r => r.RunId, StringComparer.Ordinal);
        return (Last is { } last ? selected.Take(last) : selected).ToArray();
    }
}

/// <summary>The run records of the store, to any caller who may read its definitions.</summary>
public sealed class ExportRunHistory(DefinitionStore store)
{
    public async Task<(IReadOnlyList<ExportRunRecord> Runs, IReadOnlyList<Diagnostics.CISynapseException> Problems)> ListAsync(Caller caller, ExportRunQuery query, CancellationToken cancellationToken)
    {
        await new RoleService(store).DemandReadAsync(caller, cancellationToken).ConfigureAwait(false);
        var listing = await store.ListAsync(ExportRunRecord.Kind, cancellationToken).ConfigureAwait(false);
        return (query.Apply(listing.Documents.Select(d => d.Content)), listing.Problems);
    }
}
