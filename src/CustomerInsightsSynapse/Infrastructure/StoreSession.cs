using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// Where this PowerShell process keeps its definitions (Set-CISynapseStore, else CISYNAPSE_STORE, else the
/// per-user folder), and who is acting on them (the signed-in account's object id).
/// </summary>
internal static class StoreSession
{
    private static readonly object Gate = new();
    private static string? _location;

    /// <summary>The location set with Set-CISynapseStore in this session, or null.</summary>
    public static string? SessionLocation
    {
        get
        {
            lock (Gate)
            {
                return _location;
            }
        }

        set
        {
            lock (Gate)
            {
                _location = value;
            }
        }
    }

    public static StoreLocation Location => StoreLocation.Resolve(SessionLocation);

    public static DefinitionStore Open() => Location.Open(ModuleSession.Current);

    /// <summary>A Resource Manager client signed in as the current session.</summary>
    public static AzureRestClient ResourceManager() => ModuleSession.Current.CreateResourceManagerClient();

    /// <summary>The signed-in principal, from the token's oid claim.</summary>
    public static async Task<Caller> CallerAsync(CancellationToken cancellationToken)
    {
        var identity = ModuleSession.Identity;
        if (identity?.ObjectId is null)
        {
            var session = ModuleSession.Current;
            identity = await session.GetIdentityAsync(session.Cloud.ResourceManagerAudience, cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(identity.ObjectId))
        {
            throw new CISynapseException(
                ErrorIds.CallerUnknown,
                ErrorKind.AuthenticationError,
                "The Resource Manager token names no object id (oid claim), so the store cannot tell who is acting.")
            {
                RecommendedAction = "Connect with Connect-CISynapseAccount using a Microsoft Entra user, service principal or managed identity.",
            };
        }

        return new Caller(identity.ObjectId, identity.UserPrincipalName ?? identity.AppId);
    }
}
