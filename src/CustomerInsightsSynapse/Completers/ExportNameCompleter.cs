using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Completers;

/// <summary>Completes export names from the current store; completes nothing when the store cannot be read quickly.</summary>
public sealed class ExportNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        IReadOnlyList<(string Name, string Description)> exports;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var listing = StoreSession.Open().ListAsync(ExportService.Kind, timeout.Token).GetAwaiter().GetResult();
            exports = listing.Documents.Select(d => (d.Content.Name, $"{d.Content.DisplayName} → {d.Content.DatabaseName} ({d.Content.Entities.Count} entities)")).ToArray();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            yield break;
        }

        foreach (var (name, description) in exports.Where(e => pattern.IsMatch(e.Name)))
        {
            var text = name.Any(c => char.IsWhiteSpace(c) || "'\"$`(){}[];,|&@#<>".Contains(c)) ? "'" + name.Replace("'", "''") + "'" : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, description);
        }
    }
}
