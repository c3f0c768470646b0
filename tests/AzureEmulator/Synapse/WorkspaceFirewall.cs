using System.Net;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tds;

namespace AzureEmulator.Synapse;

/// <summary>
/// A Synapse workspace's IP firewall as Azure applies it to every public endpoint of the workspace (development and
/// serverless SQL; Learn, "Azure Synapse Analytics IP firewall rules"): public network access disabled refuses every
/// client; otherwise a client is admitted only when its address lies in a rule's start..end range. The
/// AllowAllWindowsAzureIps rule (0.0.0.0..0.0.0.0) admits Azure services, never a client.
/// Refusals: the dev endpoint answers 403 ClientIpAddressNotAuthorized "Client Ip address : a.b.c.d"; the SQL endpoint
/// answers the login with error 40615 (firewall) or 47073 (public network access denied), with SQL Database's wording.
/// </summary>
public static class WorkspaceFirewall
{
    public const string ClientIpRefusedCode = "ClientIpAddressNotAuthorized";

    /// <summary>Not documented for the dev endpoint; Synapse answers 403 (Microsoft Tech Community, "Disabling Public Network Access in Synapse").</summary>
    public const string PublicAccessRefusedCode = "PublicNetworkAccessDisabled";

    public const int SqlFirewallError = 40615;

    public const int SqlPublicAccessError = 47073;

    public static bool PublicAccessDisabled(SynapseWorkspace workspace) =>
        workspace.PublicNetworkAccess.Equals("Disabled", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a firewall rule of the workspace covers the client's address.</summary>
    public static bool RuleAdmits(SynapseWorkspace workspace, IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var value = ToNumber(address);
        return workspace.FirewallRules.Any(r =>
            IPAddress.TryParse(r.StartIpAddress, out var start) && IPAddress.TryParse(r.EndIpAddress, out var end)
            && ToNumber(start) <= value && value <= ToNumber(end));
    }

    /// <summary>The dev endpoint's answer to a client the workspace does not admit; null when it is admitted.</summary>
    public static Reply? RefuseDev(SynapseWorkspace workspace, IPAddress? client)
    {
        if (PublicAccessDisabled(workspace))
        {
            return Reply.Error(403, PublicAccessRefusedCode, $"Public network access to workspace '{workspace.Name}' is disabled. Connect through a private endpoint.");
        }

        return RuleAdmits(workspace, client) ? null : Reply.Error(403, ClientIpRefusedCode, $"Client Ip address : {Printable(client)}");
    }

    /// <summary>
    /// The SQL endpoint's login error for a client, or null when admitted. The emulator has one SQL endpoint for every
    /// workspace, so a client is admitted only when each workspace of the scenario admits it.
    /// </summary>
    public static SqlError? RefuseSql(Scenario scenario, IPAddress? client)
    {
        foreach (var workspace in scenario.SynapseWorkspaces)
        {
            if (PublicAccessDisabled(workspace))
            {
                return new SqlError(SqlPublicAccessError, 1, 14,
                    "Reason: An instance-specific error occurred while establishing a connection to SQL Server. Connection was denied since Deny Public Network Access is set to Yes (https://docs.microsoft.com/azure/azure-sql/database/connectivity-settings#deny-public-network-access). To connect to this server, use the Private Endpoint from inside your virtual network (https://docs.microsoft.com/azure/sql-database/sql-database-private-endpoint-overview#how-to-set-up-private-link-for-azure-sql-database).");
            }

            if (!RuleAdmits(workspace, client))
            {
                return new SqlError(SqlFirewallError, 1, 14,
                    $"Cannot open server '{workspace.Name}' requested by the login. Client with IP address '{Printable(client)}' is not allowed to access the server.  To enable access, use the Azure Management Portal or run sp_set_firewall_rule on the master database to create a firewall rule for this IP address or address range.  It may take up to five minutes for this change to take effect.");
            }
        }

        return null;
    }

    private static string Printable(IPAddress? client) =>
        client is null ? "unknown" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();

    private static uint ToNumber(IPAddress address)
    {
        var bytes = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
        return bytes.Length == 4 ? ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3] : 0;
    }
}
