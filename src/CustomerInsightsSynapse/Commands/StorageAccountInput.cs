using System.Management.Automation;

namespace CustomerInsightsSynapse.Commands;

/// <summary>The storage account values read from a Get-AzStorageAccount object (or anything with the same properties).</summary>
internal sealed record StorageAccountInput(string? ResourceId, string? Name, string? ResourceGroupName)
{
    public static StorageAccountInput From(PSObject? value)
    {
        if (value is null)
        {
            return new StorageAccountInput(null, null, null);
        }

        if (value.BaseObject is string text)
        {
            return text.StartsWith('/') ? new StorageAccountInput(text, null, null) : new StorageAccountInput(null, text, null);
        }

        return new StorageAccountInput(Text(value, "Id"), Text(value, "StorageAccountName"), Text(value, "ResourceGroupName"));
    }

    private static string? Text(PSObject value, string property) =>
        value.Properties[property]?.Value?.ToString() is { Length: > 0 } s ? s : null;
}
