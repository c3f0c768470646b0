using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// The few claims the module reads from an access token (never verified here: Azure verifies them).
/// Parsing never echoes the token text into an error.
/// </summary>
public sealed record JwtClaims(
    string? ObjectId,
    string? TenantId,
    string? Audience,
    string? UserPrincipalName,
    string? AppId,
    DateTimeOffset? ExpiresOn)
{
    /// <summary>
    /// The principalType Azure gives the token's subject: ServicePrincipal for an application or managed identity
    /// (idtyp "app"), User for a person (idtyp "user", or a delegated token, which carries scp); null when unsaid.
    /// </summary>
    public string? PrincipalType { get; init; }

    public static bool TryParse(string token, out JwtClaims? claims)
    {
        claims = null;
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(DecodeBase64Url(parts[1]));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            DateTimeOffset? exp = TolerantJson.Int64(root, "exp") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            claims = new JwtClaims(
                Text(root, "oid"),
                Text(root, "tid"),
                AudienceOf(root),
                Text(root, "upn") ?? Text(root, "unique_name") ?? Text(root, "preferred_username"),
                Text(root, "appid") ?? Text(root, "azp"),
                exp)
            {
                PrincipalType = PrincipalTypeOf(Text(root, "idtyp"), TolerantJson.Has(root, "scp")),
            };
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    public static JwtClaims Parse(string token) =>
        TryParse(token, out var claims) && claims is not null
            ? claims
            : throw new CISynapseException(
                ErrorIds.InvalidAccessToken,
                ErrorKind.InvalidArgument,
                "The access token is not a JSON Web Token (three base64url parts with a JSON payload). The token text is not shown.");

    private static string? PrincipalTypeOf(string? identityType, bool delegated) => identityType?.ToLowerInvariant() switch
    {
        "app" => "ServicePrincipal",
        "user" => "User",
        null when delegated => "User",
        _ => null,
    };

    private static string? Text(JsonElement root, string name) => TolerantJson.String(root, name);

    /// <summary>The audience: a string, or the first of an array of them.</summary>
    private static string? AudienceOf(JsonElement root) =>
        TolerantJson.String(root, "aud") ?? TolerantJson.Array(root, "aud").FirstOrDefault() switch
        {
            { ValueKind: JsonValueKind.String } first => first.GetString(),
            _ => null,
        };

    private static byte[] DecodeBase64Url(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        s = (s.Length % 4) switch
        {
            2 => s + "==",
            3 => s + "=",
            0 => s,
            _ => throw new FormatException("Not base64url."),
        };
        return Convert.FromBase64String(s);
    }

    /// <summary>Normalises an audience or resource URL for comparison: lower case, no trailing slash, no /.default.</summary>
    public static string NormalizeAudience(string audience)
    {
        var a = audience.Trim();
        if (a.EndsWith("/.default", StringComparison.OrdinalIgnoreCase))
        {
            a = a[..^"/.default".Length];
        }

        return a.TrimEnd('/').ToLowerInvariant();
    }
}
