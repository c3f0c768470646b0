using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Completers;

/// <summary>
/// Completes entity names for Set-CISynapseExport: for -RemoveEntity the export's selected entities, for
/// -AddEntity and -Entity the entities of the export's source (through <see cref="EntityNameCompleter"/>).
/// </summary>
public sealed class ExportEntityCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters.Contains("Name") ? (fakeBoundParameters["Name"] is PSObject p ? p.BaseObject : fakeBoundParameters["Name"])?.ToString() : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return [];
        }

        ExportDefinition? export;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            export = StoreSession.Open().GetAsync(ExportService.Kind, name, timeout.Token).GetAwaiter().GetResult()?.Content;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }

        if (export is null)
        {
            return [];
        }

        if (string.Equals(parameterName, "RemoveEntity", StringComparison.OrdinalIgnoreCase))
        {
            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return export.Entities
                .Where(pattern.IsMatch)
                .Select(e => new CompletionResult(Quote(WildcardPattern.Escape(e)), e, CompletionResultType.ParameterValue, e))
                .ToList();
        }

        return new EntityNameCompleter().CompleteArgument(commandName, parameterName, wordToComplete ?? string.Empty, commandAst, new Hashtable { ["Source"] = export.Source });
    }

    private static string Quote(string text) =>
        text.Any(c => char.IsWhiteSpace(c) || "'\"$`(){}@#;,|&<>".Contains(c)) ? "'" + text.Replace("'", "''") + "'" : text;
}
