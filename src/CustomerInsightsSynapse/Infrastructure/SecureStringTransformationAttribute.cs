using System.Management.Automation;
using System.Net;
using System.Security;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>Lets a SecureString parameter also take a plain string (as Get-AzAccessToken returns without -AsSecureString).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            null => null,
            SecureString s => s,
            string s => new NetworkCredential(string.Empty, s).SecurePassword,
            _ => throw new ArgumentTransformationMetadataException("Expected a SecureString or a string."),
        };
    }

    internal static string? Reveal(SecureString? value) =>
        value is null ? null : new NetworkCredential(string.Empty, value).Password;
}
