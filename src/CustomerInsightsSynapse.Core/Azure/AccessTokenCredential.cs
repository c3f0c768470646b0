using global::Azure.Core;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// A credential made of access tokens the user already holds (for example from Get-AzAccessToken), one per
/// audience. A request for an audience with no token fails with a message that names the parameter to use.
/// Tokens stay in memory; nothing here writes or prints them.
/// </summary>
public sealed class AccessTokenCredential : TokenCredential
{
    private readonly IReadOnlyDictionary<string, (string Token, DateTimeOffset ExpiresOn)> _tokens;
    private readonly TimeProvider _clock;

    /// <param name="tokensByAudience">Audience (as in <see cref="CloudEnvironment"/>) to token.</param>
    /// <param name="clock">The clock to test expiry against.</param>
    public AccessTokenCredential(IReadOnlyDictionary<string, string> tokensByAudience, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        var tokens = new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var (audience, token) in tokensByAudience)
        {
            if (string.IsNullOrWhiteSpace(token))
            {
                continue;
            }

            var expires = JwtClaims.TryParse(token, out var claims) && claims?.ExpiresOn is { } exp
                ? exp
                : _clock.GetUtcNow().AddHours(1);
            tokens[JwtClaims.NormalizeAudience(audience)] = (token.Trim(), expires);
        }

        _tokens = tokens;
    }

    public IReadOnlyCollection<string> Audiences => _tokens.Keys.ToArray();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            if (_tokens.TryGetValue(JwtClaims.NormalizeAudience(scope), out var entry))
            {
                if (entry.ExpiresOn <= _clock.GetUtcNow())
                {
                    throw new CISynapseException(
                        ErrorIds.AccessTokenExpired,
                        ErrorKind.AuthenticationError,
                        $"The access token supplied for '{JwtClaims.NormalizeAudience(scope)}' expired at {entry.ExpiresOn:u}. Get a new token and connect again.",
                        scope)
                    {
                        RecommendedAction = "Run Connect-CISynapseAccount again with a fresh token, for example from Get-AzAccessToken -AsSecureString.",
                    };
                }

                return new AccessToken(entry.Token, entry.ExpiresOn);
            }
        }

        var wanted = string.Join(", ", requestContext.Scopes.Select(JwtClaims.NormalizeAudience));
        throw new CISynapseException(
            ErrorIds.NotConnected,
            ErrorKind.AuthenticationError,
            $"No access token was supplied for '{wanted}'. Connect-CISynapseAccount was given tokens for: {string.Join(", ", _tokens.Keys)}.",
            wanted)
        {
            RecommendedAction = "Pass a token for that audience (-StorageAccessToken, -SynapseAccessToken, -GraphAccessToken or -SqlAccessToken), or connect with a managed identity or the default credential.",
        };
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
