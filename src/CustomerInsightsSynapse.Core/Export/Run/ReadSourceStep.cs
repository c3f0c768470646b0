using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>
/// The selected entities as the source has them: those that can be landed, those whose names Synapse cannot take
/// (neither landed nor given a view), and the selected names the source does not have.
/// </summary>
public sealed record SourceSelection(
    IReadOnlyList<CdmEntity> Selected,
    IReadOnlyList<(CdmEntity Entity, CISynapseException Error)> Unnameable,
    IReadOnlyList<string> Missing);

/// <summary>Step "read": the CDM source, narrowed to the export's selection; names are checked once, here.</summary>
internal sealed class ReadSourceStep(CdmFolderReader reader)
{
    public async Task<SourceSelection> RunAsync(ExportDefinition export, OperationContext context)
    {
        var folder = await reader.ReadAsync(export.Source, context).ConfigureAwait(false);
        var byName = folder.Entities.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var read = export.Entities.Where(byName.ContainsKey).Select(n => byName[n]).ToList();
        var missing = export.Entities.Where(n => !byName.ContainsKey(n)).ToList();
        var (selected, unnameable) = EntityNameRules.Split(read);
        return new SourceSelection(selected, unnameable, missing);
    }

    /// <summary>Logs each entity that cannot be named; returns a warning for each selected entity the source lacks.</summary>
    public static IEnumerable<string> Report(SourceSelection source, IOperationLog log)
    {
        foreach (var refused in source.Unnameable)
        {
            log.Warning(refused.Error.Message);
        }

        return source.Missing.Select(name => $"Entity '{name}' is selected but not in the source; it keeps what it had.").ToList();
    }
}
