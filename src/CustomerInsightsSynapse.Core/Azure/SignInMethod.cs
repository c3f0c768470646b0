namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>How the module signs in to Azure.</summary>
public enum SignInMethod
{
    /// <summary>DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, Azure PowerShell.</summary>
    Default,

    /// <summary>A managed identity (system-assigned, or user-assigned by client id), as in an automation runbook.</summary>
    ManagedIdentity,

    /// <summary>Access tokens supplied by the caller.</summary>
    AccessToken,
}
