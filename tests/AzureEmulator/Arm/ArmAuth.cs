using System.Globalization;
using AzureEmulator.Authorization;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator.Arm;

/// <summary>Resource Manager sign-in and authorization: the 401 and 403 answers ARM gives.</summary>
public static class ArmAuth
{
    public static string[] Audiences(EmulatorContext emu) =>
        [emu.Authority, "https://management.azure.com", "https://management.core.windows.net"];

    /// <summary>Runs <paramref name="handler"/> for a caller whose ARM token is valid, or answers 401.</summary>
    public static Func<HttpContext, Task<Reply>> Authenticated(EmulatorContext emu, Func<HttpContext, Caller, Task<Reply>> handler) =>
        async ctx =>
        {
            var check = emu.Tokens.Check(ctx.Request, Audiences(emu));
            if (check.Problem == TokenProblem.None)
            {
                return await handler(ctx, check.Caller!);
            }

            var tenant = emu.State.Read(s => s.TenantId);
            var (code, message) = check.Problem switch
            {
                TokenProblem.Missing => ("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
                TokenProblem.Expired => ("ExpiredAuthenticationToken",
                    $"The access token expiry UTC time '{check.ExpiresOn!.Value.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture)}' is earlier than current UTC time '{emu.Tokens.Clock.GetUtcNow().UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture)}'."),
                TokenProblem.WrongAudience => ("InvalidAuthenticationTokenAudience",
                    $"The access token has been obtained for wrong audience or resource '{check.Audience}'. It should exactly match with one of the allowed audiences '{string.Join("','", Audiences(emu))}'."),
                TokenProblem.NotYetValid => ("InvalidAuthenticationToken", "The access token is not yet valid."),
                _ => ("InvalidAuthenticationToken", "The access token is invalid."),
            };
            var header = $"Bearer authorization_uri=\"https://login.windows.net/{tenant}\", error=\"invalid_token\", error_description=\"{message.Replace("\"", "'")}\"";
            return Reply.Error(401, code, message, new Dictionary<string, string> { ["WWW-Authenticate"] = header });
        };

    /// <summary>Null when the caller may perform <paramref name="action"/> at <paramref name="scope"/>; 403 AuthorizationFailed otherwise.</summary>
    public static Reply? Authorize(Scenario s, Caller caller, string scope, string action)
    {
        if (PermissionEvaluator.IsAllowed(s, caller.ObjectId, scope, action))
        {
            return null;
        }

        var who = caller.Upn ?? DirectoryLookup.Find(s, caller.ObjectId)?.UserPrincipalName ?? caller.AppId ?? caller.ObjectId;
        return Reply.Error(403, "AuthorizationFailed",
            $"The client '{who}' with object id '{caller.ObjectId}' does not have authorization to perform action '{action}' over scope '{Scopes.Normalize(scope)}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
    }

    public static bool Can(Scenario s, Caller caller, string scope, string action) =>
        PermissionEvaluator.IsAllowed(s, caller.ObjectId, scope, action);
}
