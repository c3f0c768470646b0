using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Prerequisites;

/// <summary>
/// Whether the workspace's public endpoints (development and serverless SQL; the IP firewall rules apply to both) admit
/// this computer. Decided from the workspace's publicNetworkAccess and from how the development endpoint answered the
/// Synapse role assignment list the checker sends anyway: 403 ClientIpAddressNotAuthorized ("Client Ip address :
/// a.b.c.d") is the firewall refusing the address it names; any answer from behind the firewall means it let us in.
/// </summary>
internal static partial class WorkspaceNetworkCheck
{
    public const string CheckId = CheckIds.WorkspaceFirewallAllowsCaller;

    /// <summary>The dev endpoint's error code when no firewall rule covers the client's address.</summary>
    public const string ClientIpRefused = "ClientIpAddressNotAuthorized";

    private const string Title = "The workspace firewall lets this computer in";
    private const string Requirement = "The export reads the workspace's Synapse role assignments and runs SQL from this computer: the workspace must allow public network access and an IP firewall rule must cover this computer's address (the rules apply to the development and the serverless SQL endpoint alike).";
    private const string NoRepair = " Repair-CISynapsePrerequisite does not change this.";

    /// <summary>Whether a failed request to a workspace endpoint was refused by the workspace firewall.</summary>
    public static bool IsRefusal<T>(Outcome<T> outcome) => outcome.Status == 403 && outcome.Code == ClientIpRefused;

    public static PrerequisiteResult Evaluate(PrerequisiteTarget target, Outcome<WorkspaceResource> workspace, Outcome<IReadOnlyList<SynapseRoleAssignment>> devProbe)
    {
        var scope = target.WorkspaceResourceId;
        if (!workspace.Succeeded)
        {
            return Result(target, workspace.NotFound ? PrerequisiteStatus.Failed : PrerequisiteStatus.Unknown,
                (workspace.NotFound ? "Not found: " : "Could not be decided: ") + workspace.Error, "Check the connection's subscription and workspace, and that the signed-in account can read the workspace.");
        }

        var publicAccess = workspace.Value!.PublicNetworkAccess;
        if (string.Equals(publicAccess, "Disabled", StringComparison.OrdinalIgnoreCase))
        {
            return Result(target, PrerequisiteStatus.Failed,
                $"Public network access to workspace '{target.WorkspaceName}' is disabled: its development and serverless SQL endpoints admit only private endpoints.",
                $"Run the export from a network with private endpoints to the workspace (Dev and SqlOnDemand), or enable public network access (Networking in the Azure portal, or Invoke-AzRestMethod -Method PATCH -Path '{target.WorkspaceResourceId}?api-version={ApiVersions.Synapse}' -Payload '{{\"properties\":{{\"publicNetworkAccess\":\"Enabled\"}}}}'), then add a firewall rule for this computer's address." + NoRepair);
        }

        if (devProbe.Succeeded || devProbe.Status is { } status && !IsRefusal(devProbe) && status is not (>= 500 or 408 or 429))
        {
            return Result(target, PrerequisiteStatus.Passed, "The workspace's development endpoint answered a request from this computer (the firewall let it through).", string.Empty);
        }

        if (IsRefusal(devProbe))
        {
            var address = AddressIn(devProbe.Error);
            var rule = address is null ? "<this computer's public IP address>" : address;
            var name = address is null ? "ClientIp" : $"ClientIp-{address.Replace(':', '-')}";
            return Result(target, PrerequisiteStatus.Failed,
                $"The workspace '{target.WorkspaceName}' answered 403 {ClientIpRefused}: no firewall rule covers this computer's address{(address is null ? string.Empty : $" ({address})")}.",
                $"New-AzSynapseFirewallRule -ResourceGroupName '{target.WorkspaceResourceGroup}' -WorkspaceName '{target.WorkspaceName}' -Name '{name}' -StartIpAddress '{rule}' -EndIpAddress '{rule}'" + NoRepair);
        }

        return Result(target, PrerequisiteStatus.Unknown, $"Could not be decided: the workspace's development endpoint could not be reached: {devProbe.Error}",
            "Check that this computer can reach the workspace's development endpoint (HTTPS, port 443) and run the test again.");
    }

    /// <summary>The address in "Client Ip address : a.b.c.d", as Synapse words the refusal.</summary>
    internal static string? AddressIn(string? message) =>
        message is not null && ClientAddress().Match(message) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"Client Ip address\s*:\s*([0-9A-Fa-f.:]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ClientAddress();

    private static PrerequisiteResult Result(PrerequisiteTarget target, PrerequisiteStatus status, string reason, string remediation) =>
        new(CheckId, Title, PrerequisitePrincipal.None, target.WorkspaceResourceId, Requirement, status, reason, remediation, null);
}
