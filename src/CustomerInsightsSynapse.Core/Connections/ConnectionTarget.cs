using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Connections;

/// <summary>
/// What a user gave to name the workspace and storage: each either as a resource id or as a name and resource
/// group (with the subscription). Any mix of the two must agree.
/// </summary>
public sealed record ConnectionTargetInput
{
    public string? SubscriptionId { get; init; }

    public string? WorkspaceResourceId { get; init; }

    public string? WorkspaceName { get; init; }

    public string? WorkspaceResourceGroupName { get; init; }

    public string? StorageAccountResourceId { get; init; }

    public string? StorageAccountName { get; init; }

    /// <summary>Defaults to the workspace's resource group.</summary>
    public string? StorageAccountResourceGroupName { get; init; }

    public string? Container { get; init; }
}

/// <summary>The workspace, storage account and container of a connection, fully resolved.</summary>
public sealed partial record ConnectionTarget(
    string SubscriptionId,
    string WorkspaceResourceGroupName,
    string WorkspaceName,
    string StorageAccountResourceGroupName,
    string StorageAccountName,
    string Container)
{
    public const string WorkspaceType = "Microsoft.Synapse/workspaces";
    public const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    public string WorkspaceResourceId => $"/subscriptions/{SubscriptionId}/resourceGroups/{WorkspaceResourceGroupName}/providers/{WorkspaceType}/{WorkspaceName}";

    public string StorageAccountResourceId => $"/subscriptions/{SubscriptionId}/resourceGroups/{StorageAccountResourceGroupName}/providers/{StorageAccountType}/{StorageAccountName}";

    public string ContainerResourceId => $"{AzureResourceId.ContainersOf(StorageAccountResourceId)}/{Container}";

    /// <summary>Resolves and checks what the user gave; every problem is a specific error.</summary>
    public static ConnectionTarget Resolve(ConnectionTargetInput input)
    {
        var workspace = ResourceParts(input.WorkspaceResourceId, WorkspaceType, "workspace", "-WorkspaceResourceId");
        var storage = ResourceParts(input.StorageAccountResourceId, StorageAccountType, "storage account", "-StorageAccountResourceId");

        var subscription = Agree("subscription id", workspace?.Subscription, storage?.Subscription, input.SubscriptionId)
            ?? throw Incomplete("the subscription: give -SubscriptionId, or the workspace as a resource id (-WorkspaceResourceId)");
        var workspaceGroup = Agree("workspace resource group", workspace?.ResourceGroup, input.WorkspaceResourceGroupName)
            ?? throw Incomplete("the workspace's resource group: give -ResourceGroupName, or -WorkspaceResourceId");
        var workspaceName = Agree("workspace name", workspace?.Name, input.WorkspaceName)
            ?? throw Incomplete("the workspace: give -WorkspaceName and -ResourceGroupName, or -WorkspaceResourceId (or pipe Get-AzSynapseWorkspace)");
        var storageName = Agree("storage account name", storage?.Name, input.StorageAccountName)
            ?? throw Incomplete("the storage account: give -StorageAccountName, -StorageAccountResourceId or -StorageAccount (Get-AzStorageAccount output)");
        var storageGroup = Agree("storage account resource group", storage?.ResourceGroup, input.StorageAccountResourceGroupName) ?? workspaceGroup;
        var container = input.Container ?? throw Incomplete("the container: give -Container");

        return new ConnectionTarget(
            ValidateSubscriptionId(subscription),
            ValidateResourceGroup(workspaceGroup),
            ValidateName(workspaceName, WorkspaceNamePattern(), "workspace name", "1 to 50 letters, digits and hyphens, starting and ending with a letter or digit"),
            ValidateResourceGroup(storageGroup),
            ValidateName(storageName, StorageAccountNamePattern(), "storage account name", "3 to 24 lower-case letters and digits"),
            ValidateName(container, ContainerNamePattern(), "container name", "3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit"));
    }

    private sealed record Parts(string Subscription, string ResourceGroup, string Name);

    private static Parts? ResourceParts(string? resourceId, string expectedType, string what, string parameter)
    {
        if (string.IsNullOrWhiteSpace(resourceId))
        {
            return null;
        }

        AzureResourceId id;
        try
        {
            id = AzureResourceId.Parse(resourceId, what + " resource id");
        }
        catch (CISynapseException ex)
        {
            throw InvalidId(resourceId, $"is not an Azure resource id ({ex.Message})", parameter);
        }

        var type = $"{id.ProviderNamespace}/{id.ResourceType}";
        if (id.Name is null || !string.Equals(type, expectedType, StringComparison.OrdinalIgnoreCase))
        {
            throw InvalidId(resourceId, $"names {(id.Name is null ? "no resource" : "a " + type)}, not a {what} ({expectedType})", parameter);
        }

        if (id.ResourceGroup is null)
        {
            throw InvalidId(resourceId, "names no resource group", parameter);
        }

        return new Parts(id.SubscriptionId, id.ResourceGroup, id.Name);
    }

    /// <summary>The first value given (resource id parts come first, so their spelling wins); all must agree.</summary>
    private static string? Agree(string what, params string?[] values)
    {
        var given = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToArray();
        if (given.Length == 0)
        {
            return null;
        }

        var different = given.FirstOrDefault(v => !string.Equals(v, given[0], StringComparison.OrdinalIgnoreCase));
        if (different is not null)
        {
            throw new CISynapseException(
                ErrorIds.ConnectionTargetMismatch,
                ErrorKind.InvalidArgument,
                $"Two different {what}s were given: '{given[0]}' and '{different}'. Check the resource id against the names passed with it.",
                different);
        }

        return given[0];
    }

    private static string ValidateSubscriptionId(string value) =>
        Guid.TryParseExact(value, "D", out var id)
            ? id.ToString("D")
            : throw new CISynapseException(ErrorIds.InvalidResourceName, ErrorKind.InvalidArgument, $"The subscription id '{value}' is not a GUID.", value);

    private static string ValidateResourceGroup(string value) =>
        value.Length is >= 1 and <= 90 && ResourceGroupPattern().IsMatch(value) && !value.EndsWith('.')
            ? value
            : throw new CISynapseException(ErrorIds.InvalidResourceName, ErrorKind.InvalidArgument, $"The resource group name '{value}' is not valid: 1 to 90 letters, digits, '.', '_', '-', '(' or ')', not ending with '.'.", value);

    private static string ValidateName(string value, Regex pattern, string what, string rule) =>
        pattern.IsMatch(value)
            ? value
            : throw new CISynapseException(ErrorIds.InvalidResourceName, ErrorKind.InvalidArgument, $"The {what} '{value}' is not valid: {rule}.", value);

    private static CISynapseException Incomplete(string missing) =>
        new(ErrorIds.ConnectionTargetIncomplete, ErrorKind.InvalidArgument, $"A connection needs {missing}.");

    private static CISynapseException InvalidId(string value, string problem, string parameter) =>
        new(ErrorIds.InvalidResourceId, ErrorKind.InvalidArgument, $"The value of {parameter} '{value}' {problem}.", value);

    [GeneratedRegex(@"^[\p{L}\p{N}._()-]+$")]
    private static partial Regex ResourceGroupPattern();

    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?$")]
    private static partial Regex WorkspaceNamePattern();

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex StorageAccountNamePattern();

    [GeneratedRegex("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerNamePattern();
}
