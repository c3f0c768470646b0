using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CustomerInsightsSynapse.Commands;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Discovery;
using CustomerInsightsSynapse.Infrastructure;

namespace CustomerInsightsSynapse.Completers;

/// <summary>
/// Completes subscription ids, workspace resource groups, workspace names, storage accounts and containers from
/// Resource Manager, narrowed by the parameters already on the command line. Adapts
/// <see cref="ResourceCompletion"/>: offers nothing when the session is not connected, and never writes an error.
/// </summary>
public sealed class AzureResourceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var completion = ModuleSession.Completion;
            if (completion is null || TargetOf(parameterName) is not { } target)
            {
                return [];
            }

            var (word, quote) = CompletionText.Unquote(wordToComplete ?? string.Empty);
            var bound = BindingFrom(fakeBoundParameters, commandName);
            if (commandName.Equals("Set-CISynapseConnection", StringComparison.OrdinalIgnoreCase) && StoredConnection(Text(fakeBoundParameters, "Name")) is { } stored)
            {
                bound = bound.OrStored(stored);
            }

            var candidates = Task.Run(() => completion.CompleteAsync(target, bound, word)).GetAwaiter().GetResult();
            return candidates
                .Select(c => new CompletionResult(CompletionText.Quote(c.Value, quote), c.ListItemText, CompletionResultType.ParameterValue, c.ToolTip))
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
    }

    private static CompletionTarget? TargetOf(string parameterName) => parameterName.ToLowerInvariant() switch
    {
        "subscriptionid" => CompletionTarget.SubscriptionId,
        "resourcegroupname" or "workspaceresourcegroupname" => CompletionTarget.WorkspaceResourceGroupName,
        "workspacename" or "name" => CompletionTarget.WorkspaceName,
        "storageaccountname" => CompletionTarget.StorageAccountName,
        "storageaccountresourceid" => CompletionTarget.StorageAccountResourceId,
        "container" => CompletionTarget.Container,
        _ => null,
    };

    private static CompletionBinding BindingFrom(IDictionary bound, string commandName)
    {
        var storage = StorageAccountInput.From(Value(bound, "StorageAccount") is { } account ? PSObject.AsPSObject(account) : null);
        var isWorkspaceDiscovery = commandName.EndsWith("-CISynapseWorkspace", StringComparison.OrdinalIgnoreCase);
        return new CompletionBinding
        {
            SubscriptionId = Text(bound, "SubscriptionId"),
            WorkspaceResourceGroupName = Text(bound, "ResourceGroupName", "WorkspaceResourceGroupName"),
            WorkspaceName = isWorkspaceDiscovery ? Text(bound, "Name") : Text(bound, "WorkspaceName"),
            WorkspaceResourceId = Text(bound, "WorkspaceResourceId", "WorkspaceId"),
            StorageAccountName = Text(bound, "StorageAccountName") ?? storage.Name,
            StorageAccountResourceGroupName = Text(bound, "StorageAccountResourceGroupName") ?? storage.ResourceGroupName,
            StorageAccountResourceId = Text(bound, "StorageAccountResourceId", "StorageAccountId") ?? storage.ResourceId,
        };
    }

    /// <summary>The connection Set-CISynapseConnection changes, read from the store within a second; null when it cannot be.</summary>
    private static ConnectionDefinition? StoredConnection(string? name)
    {
        if (name is null)
        {
            return null;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            return Task.Run(() => StoreSession.Open().GetAsync(ConnectionService.Kind, name, timeout.Token), timeout.Token).GetAwaiter().GetResult()?.Content;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static object? Value(IDictionary bound, string key) =>
        bound.Contains(key) && bound[key] is { } value ? (value is PSObject wrapped ? wrapped.BaseObject : value) : null;

    /// <summary>The first of <paramref name="keys"/> bound to a single non-empty text without wildcards.</summary>
    private static string? Text(IDictionary bound, params string[] keys)
    {
        foreach (var key in keys)
        {
            var value = Value(bound, key);
            if (value is IEnumerable many and not string)
            {
                value = many.Cast<object?>().FirstOrDefault();
            }

            if (value?.ToString() is { Length: > 0 } text && !WildcardPattern.ContainsWildcardCharacters(text))
            {
                return text;
            }
        }

        return null;
    }
}
