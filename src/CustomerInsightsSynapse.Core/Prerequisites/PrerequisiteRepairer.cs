using System.Security.Cryptography;
using System.Text;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Prerequisites;

public enum RepairStatus
{
    Created,
    AlreadyExisted,
    Failed,
}

/// <summary>What one repair did.</summary>
public sealed record RepairOutcome(RepairAction Action, RepairStatus Status, string AssignmentName, string Message);

/// <summary>
/// Creates the missing role assignments that failed checks name, and nothing else: ARM role assignments with a
/// deterministic name and the principal's own principalType (409 RoleAssignmentExists counts as done, any other 409 fails; PrincipalNotFound,
/// which a new identity gives until the directory replicates, is retried with backoff) and Synapse role assignments.
/// </summary>
public sealed class PrerequisiteRepairer
{
    private readonly AzureRestClient _arm;
    private readonly Func<Uri, AzureRestClient> _synapse;

    public PrerequisiteRepairer(AzureSession session)
        : this(session.CreateResourceManagerClient(), endpoint => session.CreateRestClient(endpoint, session.Cloud.SynapseAudience))
    {
    }

    internal PrerequisiteRepairer(AzureRestClient arm, Func<Uri, AzureRestClient> synapse)
    {
        _arm = arm;
        _synapse = synapse;
    }

    /// <summary>
    /// The environment variable that overrides the waits between PrincipalNotFound retries: seconds, comma
    /// separated, one per retry (default "5,10,20,40"; an empty value for no retry).
    /// </summary>
    public const string PrincipalRetryVariable = "CISYNAPSE_PRINCIPAL_RETRY_SECONDS";

    public static readonly IReadOnlyList<TimeSpan> DefaultPrincipalNotFoundBackoff =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40)];

    /// <summary>Waits between PrincipalNotFound retries; the count is the number of retries.</summary>
    public IReadOnlyList<TimeSpan> PrincipalNotFoundBackoff { get; init; } = DefaultPrincipalNotFoundBackoff;

    /// <summary>The backoff a <see cref="PrincipalRetryVariable"/> value asks for; the default when it is not set.</summary>
    public static IReadOnlyList<TimeSpan> BackoffFromSetting(string? value)
    {
        if (value is null)
        {
            return DefaultPrincipalNotFoundBackoff;
        }

        var waits = new List<TimeSpan>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || double.IsNaN(seconds) || seconds < 0 || seconds > 600)
            {
                throw new CISynapseException(ErrorIds.InvalidPrincipalRetrySetting, ErrorKind.InvalidArgument,
                    $"{PrincipalRetryVariable} must list the seconds to wait before each retry, separated by commas (each 0 to 600), for example '5,10,20,40'; '{part}' is not such a number.",
                    PrincipalRetryVariable);
            }

            waits.Add(TimeSpan.FromSeconds(seconds));
        }

        return waits;
    }

    public async Task<RepairOutcome> RepairAsync(RepairAction action, OperationContext context)
    {
        var name = AssignmentName(action);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (action.Kind == RepairKind.ArmRoleAssignment)
                {
                    await CreateArmAssignmentAsync(action, name, context.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CreateSynapseAssignmentAsync(action, name, context.CancellationToken).ConfigureAwait(false);
                }

                return new RepairOutcome(action, RepairStatus.Created, name, $"Assigned {action.RoleName} to {action.PrincipalId} at {action.Scope}.");
            }
            // Only these codes mean "already there": other 409s (ReadOnlyDisabledSubscription, ScopeLocked, ...) are failures.
            catch (AzureRequestException ex) when (ex.AzureErrorCode is "RoleAssignmentExists" or "RoleAssignmentAlreadyExists")
            {
                return new RepairOutcome(action, RepairStatus.AlreadyExisted, name, $"{action.RoleName} was already assigned to {action.PrincipalId} at {action.Scope}.");
            }
            catch (AzureRequestException ex) when (ex.AzureErrorCode == "PrincipalNotFound" && attempt < PrincipalNotFoundBackoff.Count)
            {
                context.Log.Verbose($"Principal {action.PrincipalId} is not yet known to the directory; retrying in {PrincipalNotFoundBackoff[attempt].TotalSeconds:0} s.");
                await Task.Delay(PrincipalNotFoundBackoff[attempt], context.CancellationToken).ConfigureAwait(false);
            }
            catch (AzureRequestException ex)
            {
                return new RepairOutcome(action, RepairStatus.Failed, name, ex.Message);
            }
        }
    }

    /// <summary>A GUID derived from scope, role and principal (name-based, SHA-1, version 5 layout), so a rerun reuses it.</summary>
    public static string AssignmentName(RepairAction action)
    {
        var seed = $"{action.Kind}|{action.Scope.TrimEnd('/').ToLowerInvariant()}|{action.RoleId.ToLowerInvariant()}|{action.PrincipalId.ToLowerInvariant()}";
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(seed));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private async Task CreateArmAssignmentAsync(RepairAction action, string name, CancellationToken ct)
    {
        var subscription = AzureResourceId.Parse(action.Scope, "scope").SubscriptionId;
        var body = new
        {
            properties = new
            {
                roleDefinitionId = ArmPaths.RoleDefinitionId(subscription, action.RoleId),
                principalId = action.PrincipalId,
                principalType = action.PrincipalType,
                description = "Created by Repair-CISynapsePrerequisite (CustomerInsightsSynapse).",
            },
        };
        using var _ = await _arm.PutAsync(ArmPaths.RoleAssignment(action.Scope, name), body, ct).ConfigureAwait(false);
    }

    private async Task CreateSynapseAssignmentAsync(RepairAction action, string name, CancellationToken ct)
    {
        var endpoint = action.SynapseEndpoint ?? throw new CISynapseException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "A Synapse role assignment needs the workspace's development endpoint.");
        var body = new { roleId = action.RoleId, principalId = action.PrincipalId, scope = action.Scope, principalType = action.PrincipalType };
        using var _ = await _synapse(endpoint).PutAsync(ArmPaths.SynapseRoleAssignment(name), body, ct).ConfigureAwait(false);
    }
}
