using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// The sign-in state of this PowerShell process: what Connect-CISynapseAccount set, or the default
/// credential when nothing was. In memory only; Disconnect-CISynapseAccount clears it.
/// </summary>
internal static class ModuleSession
{
    private static readonly object Gate = new();
    private static AzureSession? _session;
    private static JwtClaims? _identity;
    private static ResourceCompletion? _completion;

    public static bool IsConnected
    {
        get
        {
            lock (Gate)
            {
                return _session is not null;
            }
        }
    }

    /// <summary>
    /// The session to use: the connected one, else the default credential in the public cloud (NotConnected when
    /// that finds no credential).
    /// </summary>
    public static AzureSession Current
    {
        get
        {
            lock (Gate)
            {
                return _session ??= AzureSession.NotSignedIn(CloudEnvironment.AzureCloud);
            }
        }
    }

    /// <summary>
    /// Resource Manager completions for the session Connect-CISynapseAccount made, with their own cache; null before
    /// it and after Disconnect-CISynapseAccount (also when a cmdlet fell back to the default credential), so
    /// completers then offer nothing and never start a sign-in.
    /// </summary>
    public static ResourceCompletion? Completion
    {
        get
        {
            lock (Gate)
            {
                return _completion;
            }
        }
    }

    public static JwtClaims? Identity
    {
        get
        {
            lock (Gate)
            {
                return _identity;
            }
        }
    }

    public static void Set(AzureSession session, JwtClaims identity)
    {
        lock (Gate)
        {
            _session = session;
            _identity = identity;
            _completion = ResourceCompletion.For(session.CreateResourceManagerClient());
        }
    }

    public static void Clear()
    {
        lock (Gate)
        {
            _session = null;
            _identity = null;
            _completion = null;
        }
    }
}
