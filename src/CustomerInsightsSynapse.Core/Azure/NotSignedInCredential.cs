using global::Azure.Core;
using global::Azure.Identity;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// The credential of a session nobody connected: the default credential chain, whose failure to find a credential
/// it can use becomes NotConnected with the commands that sign in, instead of the chain's own account of every credential it tried.
/// </summary>
internal sealed class NotSignedInCredential(TokenCredential defaultChain) : TokenCredential
{
    public const string SignInCommands =
        "Run Connect-CISynapseAccount (it uses an Azure CLI or Azure PowerShell sign-in), Connect-CISynapseAccount -Identity (a managed identity, as in an Automation runbook), or Connect-CISynapseAccount -AccessToken <token> [-StorageAccessToken <token>] (tokens you already hold, for example from Get-AzAccessToken -AsSecureString).";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return defaultChain.GetToken(requestContext, cancellationToken);
        }
        catch (AuthenticationFailedException ex)
        {
            throw NotConnected(requestContext, ex);
        }
    }

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return await defaultChain.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw NotConnected(requestContext, ex);
        }
    }

    private static NotSignedInException NotConnected(TokenRequestContext requestContext, AuthenticationFailedException ex)
    {
        var audience = string.Join(", ", requestContext.Scopes.Select(JwtClaims.NormalizeAudience));
        return new NotSignedInException(
            $"Not signed in to Azure: Connect-CISynapseAccount was not run in this session, and the default credential chain (environment variables, workload identity, managed identity, Azure CLI, Azure PowerShell, …) found no credential it could use for '{audience}' ({FirstLine(ex.Message)}).",
            audience,
            ex);
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}

/// <summary>
/// NotConnected because nobody signed in (not because one of several supplied tokens is missing): no Azure request
/// can succeed, so callers that carry on past a failed request stop instead.
/// </summary>
internal sealed class NotSignedInException(string message, string audience, Exception inner)
    : CISynapseException(ErrorIds.NotConnected, ErrorKind.AuthenticationError, message, audience, inner);
