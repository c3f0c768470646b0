using System.Management.Automation;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Test-CISynapsePrerequisite: checks every role assignment and setting the export needs.</summary>
[Cmdlet(VerbsDiagnostic.Test, "CISynapsePrerequisite", DefaultParameterSetName = ResourcesSet)]
[OutputType(typeof(CISynapsePrerequisiteResult), typeof(bool))]
public sealed class TestCISynapsePrerequisiteCommand : PrerequisiteCmdletBase
{
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ExecuteCmdlet()
    {
        var target = BuildTarget();
        var checker = new PrerequisiteChecker(ModuleSession.Current);
        var results = Run(context => checker.TestAsync(target, context));
        WriteVerbose($"{results.Count} checks in {checker.Rounds} rounds of requests.");
        if (Quiet)
        {
            WriteObject(results.All(r => r.Status is PrerequisiteStatus.Passed or PrerequisiteStatus.Warning));
            return;
        }

        foreach (var result in results)
        {
            WriteObject(new CISynapsePrerequisiteResult(result, target));
        }
    }
}
