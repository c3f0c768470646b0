using System.Text;
using System.Text.Json;

namespace AzureEmulator.Tokens;

/// <summary>Who called: the token's oid (and tenant, app id).</summary>
public sealed record Caller(string ObjectId, string? TenantId, string? AppId, string? Upn);

public enum TokenProblem
{
    None,
    Missing,
    Malformed,
    Expired,
    NotYetValid,
    WrongAudience,
}

public sealed record TokenCheck(TokenProblem Problem, Caller? Caller, string? Audience = null, DateTimeOffset? ExpiresOn = null);

/// <summary>
/// Reads unsigned test JWTs from the Authorization header. The signature is not checked (tests make the
/// tokens); the audience, exp and nbf are, as Azure would.
/// </summary>
public sealed class TokenValidator(TimeProvider clock)
{
    public TimeProvider Clock { get; } = clock;

    public TokenCheck Check(HttpRequest request, IReadOnlyCollection<string> audiences)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return new TokenCheck(TokenProblem.Missing, null);
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return new TokenCheck(TokenProblem.Malformed, null);
        }

        return CheckToken(header[7..], audiences);
    }

    /// <summary>Checks a bare token (as the SQL endpoint receives it in LOGIN7 or a FEDAUTH token message).</summary>
    public TokenCheck CheckToken(string? token, IReadOnlyCollection<string> audiences)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new TokenCheck(TokenProblem.Missing, null);
        }

        JsonElement payload;
        try
        {
            var parts = token.Trim().Split('.');
            if (parts.Length != 3)
            {
                return new TokenCheck(TokenProblem.Malformed, null);
            }

            payload = JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return new TokenCheck(TokenProblem.Malformed, null);
        }

        var oid = Text(payload, "oid");
        var aud = Text(payload, "aud");
        var exp = Seconds(payload, "exp");
        var nbf = Seconds(payload, "nbf");
        if (oid is null || aud is null || exp is null)
        {
            return new TokenCheck(TokenProblem.Malformed, null, aud);
        }

        var caller = new Caller(oid, Text(payload, "tid"), Text(payload, "appid") ?? Text(payload, "azp"), Text(payload, "upn"));
        var now = Clock.GetUtcNow();
        if (exp <= now)
        {
            return new TokenCheck(TokenProblem.Expired, caller, aud, exp);
        }

        if (nbf is { } notBefore && notBefore > now.AddMinutes(5))
        {
            return new TokenCheck(TokenProblem.NotYetValid, caller, aud, exp);
        }

        var normalized = aud.TrimEnd('/');
        if (!audiences.Any(a => string.Equals(a.TrimEnd('/'), normalized, StringComparison.OrdinalIgnoreCase)))
        {
            return new TokenCheck(TokenProblem.WrongAudience, caller, aud, exp);
        }

        return new TokenCheck(TokenProblem.None, caller, aud, exp);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(v.GetInt64()) : null;

    private static byte[] Base64UrlDecode(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        b += (b.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException() };
        return Convert.FromBase64String(b);
    }

    /// <summary>Makes an unsigned test JWT (used by the emulator's own tests).</summary>
    public static string CreateToken(string objectId, string tenantId, string audience, DateTimeOffset expiresOn, string? appId = null)
    {
        static string Encode(object o) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(o))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var issued = expiresOn.AddHours(-1).ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenantId}/",
            ["iat"] = issued,
            ["nbf"] = issued,
            ["exp"] = expiresOn.ToUnixTimeSeconds(),
            ["oid"] = objectId,
            ["tid"] = tenantId,
            ["ver"] = "1.0",
        };
        if (appId is not null)
        {
            payload["appid"] = appId;
        }

        return $"{Encode(new { alg = "none", typ = "JWT" })}.{Encode(payload)}.dW5zaWduZWQ";
    }
}
