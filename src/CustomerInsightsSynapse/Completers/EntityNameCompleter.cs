using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Completers;

/// <summary>
/// Completes entity names for -Name from the -Source already on the command line. Names are offered with their
/// wildcard characters escaped, and quoted when they need it; a source that cannot be read offers nothing.
/// </summary>
public sealed class EntityNameCompleter : IArgumentCompleter
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<CdmEntity> Entities)> Cache = new(StringComparer.Ordinal);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = SourceFrom(fakeBoundParameters);
        if (string.IsNullOrWhiteSpace(source))
        {
            return [];
        }

        IReadOnlyList<CdmEntity> entities;
        try
        {
            entities = Entities(ResolveInCurrentRunspace(source));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }

        var (typed, quote) = CompletionText.Unquote(wordToComplete ?? string.Empty);
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return entities
            .Where(e => pattern.IsMatch(e.Name))
            .Select(e => new CompletionResult(
                CompletionText.Quote(WildcardPattern.Escape(e.Name), quote),
                e.Name,
                CompletionResultType.ParameterValue,
                $"{e.Name}: {e.Attributes.Count} attributes, {e.Partitions.Count} partitions"))
            .ToList();
    }

    private static string? SourceFrom(IDictionary fakeBoundParameters)
    {
        if (!fakeBoundParameters.Contains("Source"))
        {
            return null;
        }

        var value = fakeBoundParameters["Source"];
        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        return value switch
        {
            string s => s,
            IEnumerable many => many.Cast<object?>().FirstOrDefault()?.ToString(),
            _ => value?.ToString(),
        };
    }

    private static string ResolveInCurrentRunspace(string source)
    {
        if (Core.Azure.BlobLocation.IsUrl(source))
        {
            return source;
        }

        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(source);
        return shell.Invoke().FirstOrDefault()?.BaseObject as string ?? source;
    }

    private static IReadOnlyList<CdmEntity> Entities(string source)
    {
        if (Cache.TryGetValue(source, out var cached) && DateTime.UtcNow - cached.At < CacheFor)
        {
            return cached.Entities;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        var folder = Task.Run(() => EntitySource.Reader(source).ReadAsync(source, OperationContext.For(timeout.Token))).GetAwaiter().GetResult();
        Cache[source] = (DateTime.UtcNow, folder.Entities);
        return folder.Entities;
    }
}
