namespace AzureEmulator.State;

/// <summary>ARM scope strings: compared case-insensitively, without trailing slashes; "/" is the root.</summary>
public static class Scopes
{
    public static string Normalize(string scope)
    {
        var s = "/" + scope.Trim().Trim('/');
        return s;
    }

    public static bool Equal(string a, string b) =>
        string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="scope"/> or one of its parents.</summary>
    public static bool IsAtOrAbove(string ancestor, string scope)
    {
        var a = Normalize(ancestor);
        var s = Normalize(scope);
        if (a == "/")
        {
            return true;
        }

        return s.Equals(a, StringComparison.OrdinalIgnoreCase) || s.StartsWith(a + "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The subscription id named by a scope, or null for tenant-level scopes.</summary>
    public static string? SubscriptionOf(string scope)
    {
        var parts = Normalize(scope).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) ? parts[1] : null;
    }

    /// <summary>Deterministic GUID from text (for generated assignment names).</summary>
    public static string StableGuid(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToLowerInvariant()));
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
