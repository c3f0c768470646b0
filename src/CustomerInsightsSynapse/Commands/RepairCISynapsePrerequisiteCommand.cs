using System.Management.Automation;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Repair-CISynapsePrerequisite: creates the role assignments failed checks call for, and nothing else.</summary>
[Cmdlet(VerbsDiagnostic.Repair, "CISynapsePrerequisite", DefaultParameterSetName = ResultSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CISynapseRepairResult))]
public sealed class RepairCISynapsePrerequisiteCommand : PrerequisiteCmdletBase
{
    private const string ResultSet = "Result";
    private readonly List<(PrerequisiteTarget Target, string CheckId)> _repaired = [];

    [Parameter(Mandatory = true, ParameterSetName = ResultSet, ValueFromPipeline = true)]
    public CISynapsePrerequisiteResult[] InputObject { get; set; } = [];

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int WaitTimeoutSeconds { get; set; } = 900;

    protected override void ExecuteCmdlet()
    {
        IReadOnlyList<TimeSpan> backoff;
        try
        {
            backoff = PrerequisiteRepairer.BackoffFromSetting(Environment.GetEnvironmentVariable(PrerequisiteRepairer.PrincipalRetryVariable));
        }
        catch (CISynapseException ex)
        {
            throw Terminate(ex);
        }

        IEnumerable<CISynapsePrerequisiteResult> failed;
        if (ParameterSetName == ResultSet)
        {
            failed = InputObject;
        }
        else
        {
            var target = BuildTarget();
            var checker = new PrerequisiteChecker(ModuleSession.Current);
            failed = Run(context => checker.TestAsync(target, context)).Select(r => new CISynapsePrerequisiteResult(r, target));
        }

        var repairer = new PrerequisiteRepairer(ModuleSession.Current) { PrincipalNotFoundBackoff = backoff };
        foreach (var result in failed)
        {
            if (!result.CanRepair)
            {
                if (result.Result.Status != PrerequisiteStatus.Passed)
                {
                    WriteVerbose($"{result.CheckId}: {result.Status}; not something Repair changes. {result.Remediation}");
                }

                continue;
            }

            var action = result.Result.Repair!;
            if (!ShouldProcess($"{action.RoleName} for {action.PrincipalType ?? "principal"} {action.PrincipalId} at {action.Scope}", "Create role assignment"))
            {
                continue;
            }

            var outcome = Run(context => repairer.RepairAsync(action, context));
            if (outcome.Status == RepairStatus.Failed)
            {
                WriteError(ErrorRecordFactory.Create(ErrorIds.RepairFailed, ErrorKind.InvalidOperation, $"{result.CheckId}: {outcome.Message}", result.CheckId));
            }
            else
            {
                _repaired.Add((result.Target, result.CheckId));
            }

            WriteObject(new CISynapseRepairResult(result.CheckId, outcome));
        }
    }

    protected override void EndProcessing()
    {
        if (_repaired.Count > 0 && !Wait)
        {
            WriteWarning("New role assignments can take up to 10 minutes to take effect (Synapse roles 2 to 5 minutes). Run Test-CISynapsePrerequisite again later, or use -Wait.");
        }

        if (_repaired.Count > 0 && Wait)
        {
            WaitForChecks();
        }

        base.EndProcessing();
    }

    private void WaitForChecks()
    {
        var checker = new PrerequisiteChecker(ModuleSession.Current);
        var waiter = new RepairedCheckWaiter(checker.TestAsync);
        var deadline = waiter.DeadlineAfter(TimeSpan.FromSeconds(WaitTimeoutSeconds));
        foreach (var group in _repaired.GroupBy(r => r.Target))
        {
            var pending = Run(context => waiter.WaitAsync(group.Key, group.Select(r => r.CheckId), deadline, context));
            if (pending.Count > 0)
            {
                WriteWarning($"Still failing after {WaitTimeoutSeconds} s: {string.Join(", ", pending)}. Propagation can take longer; test again later.");
            }
            else
            {
                WriteVerbose("Every repaired check now passes.");
            }
        }
    }
}
