using System.Management.Automation;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// Lets a connection parameter take a connection name or a connection object (from Get-CISynapseConnection, or
/// anything with a Name property, such as one deserialised from a job), so a connection can be piped in whole.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConnectionNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            null => null,
            string s => s,
            CISynapseConnection connection => connection.Name,
            _ when inputData is PSObject wrapped && wrapped.Properties["Name"]?.Value is string name => name,
            _ => throw new ArgumentTransformationMetadataException("Expected a connection name or a connection from Get-CISynapseConnection."),
        };
    }
}
