using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// An ARM resource id taken apart: subscription, resource group, provider type and name. Comparisons are
/// case-insensitive, as ARM's are.
/// </summary>
public sealed record AzureResourceId(string SubscriptionId, string? ResourceGroup, string? ProviderNamespace, string? ResourceType, string? Name)
{
    public static AzureResourceId Parse(string id, string what = "resource id")
    {
        var parts = (id ?? string.Empty).Trim().Trim('/').Split('/');
        if (parts.Length < 2 || !parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0)
        {
            throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"'{id}' is not a valid {what}: it must start with /subscriptions/<id>.", id);
        }

        string? group = null, ns = null, type = null, name = null;
        if (parts.Length >= 4 && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
        {
            group = parts[3];
        }

        if (parts.Length >= 8 && parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase))
        {
            ns = parts[5];
            type = parts[6];
            name = parts[7];
        }
        else if (parts.Length > 4)
        {
            throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"'{id}' is not a valid {what}.", id);
        }

        return new AzureResourceId(parts[1], group, ns, type, name);
    }

    /// <summary>Parses a resource id; false (no exception) when it is empty or not one.</summary>
    public static bool TryParse(string? resourceId, out AzureResourceId id)
    {
        id = null!;
        if (string.IsNullOrEmpty(resourceId))
        {
            return false;
        }

        try
        {
            id = Parse(resourceId);
            return true;
        }
        catch (CISynapseException)
        {
            return false;
        }
    }

    public static string ForSubscription(string subscriptionId) => $"/subscriptions/{subscriptionId}";

    /// <summary>
    /// The collection of one resource type (provider namespace and type, e.g. Microsoft.Synapse/workspaces) in a
    /// subscription, or in one of its resource groups when given: what list operations GET.
    /// </summary>
    public static string ForResourceType(string subscriptionId, string? resourceGroup, string resourceType) =>
        $"{(resourceGroup is null ? ForSubscription(subscriptionId) : ForResourceGroup(subscriptionId, resourceGroup))}/providers/{resourceType}";

    /// <summary>The Resource Manager collection of a storage account's blob containers.</summary>
    public static string ContainersOf(string storageAccountResourceId) => $"{storageAccountResourceId.TrimEnd('/')}/blobServices/default/containers";

    public static string ForResourceGroup(string subscriptionId, string resourceGroup) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}";

    public static string ForResource(string subscriptionId, string resourceGroup, string providerNamespace, string type, string name) =>
        $"{ForResourceGroup(subscriptionId, resourceGroup)}/providers/{providerNamespace}/{type}/{name}";

    public string SubscriptionScope => ForSubscription(SubscriptionId);

    public string? ResourceGroupScope => ResourceGroup is null ? null : ForResourceGroup(SubscriptionId, ResourceGroup);

    public bool IsOfType(string providerNamespace, string type) =>
        string.Equals(ProviderNamespace, providerNamespace, StringComparison.OrdinalIgnoreCase) && string.Equals(ResourceType, type, StringComparison.OrdinalIgnoreCase);

    public override string ToString() =>
        Name is null ? ResourceGroupScope ?? SubscriptionScope : ForResource(SubscriptionId, ResourceGroup!, ProviderNamespace!, ResourceType!, Name);

    public static bool SameId(string? a, string? b) =>
        string.Equals(a?.TrimEnd('/'), b?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
