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

    private static CISynapseException NotConnected(TokenRequestContext requestContext, AuthenticationFailedException ex)
    {
        var audience = string.Join(", ", requestContext.Scopes.Select(JwtClaims.NormalizeAudience));
        return new CISynapseException(
            ErrorIds.NotConnected,
            ErrorKind.AuthenticationError,
            $"Not signed in to Azure: Connect-CISynapseAccount was not run in this session, and the default credential chain (environment variables, workload identity, managed identity, Azure CLI, Azure PowerShell, …) found no credential it could use for '{audience}' ({FirstLine(ex.Message)}).",
            audience,
            ex)
        {
            RecommendedAction = SignInCommands,
        };
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
