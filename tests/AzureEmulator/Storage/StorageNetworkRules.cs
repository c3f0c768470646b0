using System.Net;
using AzureEmulator.State;

namespace AzureEmulator.Storage;

/// <summary>
/// A storage account's firewall as Azure applies it to data requests from a client: public network access disabled
/// refuses everyone; networkAcls defaultAction Deny admits only an IP rule that matches the client's address (the
/// trusted-service bypass and resource instance rules admit Azure services, such as a Synapse workspace, never a
/// client). Requests refused get 403 AuthorizationFailure.
/// </summary>
public static class StorageNetworkRules
{
    public const string RefusedCode = "AuthorizationFailure";
    public const string RefusedMessage = "This request is not authorized to perform this operation.";

    /// <summary>Whether a client at <paramref name="client"/> reaches the account; unknown accounts are left to the storage service.</summary>
    public static bool Admits(Scenario s, string accountName, IPAddress? client)
    {
        var account = s.StorageAccounts.FirstOrDefault(a => a.Name.Equals(accountName, StringComparison.OrdinalIgnoreCase));
        if (account is null)
        {
            return true;
        }

        if (account.PublicNetworkAccess.Equals("Disabled", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!account.NetworkAcls.DefaultAction.Equals("Deny", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return client is not null && account.NetworkAcls.IpRules.Any(r => r.Action.Equals("Allow", StringComparison.OrdinalIgnoreCase) && Matches(r.Value, client));
    }

    /// <summary>An IP rule value: one IPv4 address, or a CIDR range ("203.0.113.0/24").</summary>
    public static bool Matches(string rule, IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var slash = rule.IndexOf('/');
        if (slash < 0)
        {
            return IPAddress.TryParse(rule.Trim(), out var single) && single.Equals(address);
        }

        return IPNetwork.TryParse(rule.Trim(), out var network) && network.Contains(address);
    }
}
