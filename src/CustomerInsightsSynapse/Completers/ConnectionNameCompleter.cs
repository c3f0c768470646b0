using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Completers;

/// <summary>Completes connection names from the current store; completes nothing when the store cannot be read quickly.</summary>
public sealed class ConnectionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        IReadOnlyList<string> names;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var listing = StoreSession.Open().ListAsync(ConnectionService.Kind, timeout.Token).GetAwaiter().GetResult();
            names = listing.Documents.Select(d => d.Content.Name).ToArray();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            yield break;
        }

        foreach (var name in names.Where(n => pattern.IsMatch(n)))
        {
            var text = name.Any(c => char.IsWhiteSpace(c) || "'\"$`(){}[];,|&@#<>".Contains(c)) ? "'" + name.Replace("'", "''") + "'" : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }
    }
}
