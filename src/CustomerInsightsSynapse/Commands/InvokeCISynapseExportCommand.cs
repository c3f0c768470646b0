using System.Globalization;
using System.Management.Automation;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Infrastructure;
using CustomerInsightsSynapse.Models;

namespace CustomerInsightsSynapse.Commands;

/// <summary>Invoke-CISynapseExport: runs an export now and waits for it (plan → land → SQL → commit → record).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "CISynapseExport", SupportsShouldProcess = true)]
[OutputType(typeof(CISynapseExportRun))]
public sealed class InvokeCISynapseExportCommand : CISynapseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter SkipPrerequisiteCheck { get; set; }

    [Parameter]
    [ValidateSet("Apply", "ScriptOnly")]
    public string? DeploymentMode { get; set; }

    protected override void ExecuteCmdlet()
    {
        var runner = new ExportRunner(ModuleSession.Current, StoreSession.Open());
        var options = new ExportRunOptions
        {
            SkipPrerequisiteCheck = SkipPrerequisiteCheck,
            Deployment = DeploymentMode is null ? null : Enum.Parse<DeploymentMode>(DeploymentMode),
        };
        foreach (var name in Name)
        {
            try
            {
                RunOne(runner, name, options);
            }
            catch (CISynapseException ex)
            {
                WriteError(ErrorRecordFactory.From(ex, name));
            }
        }
    }

    private void RunOne(ExportRunner runner, string name, ExportRunOptions options)
    {
        if (WhatIfInEffect)
        {
            ShowPlan(RunAsCaller((caller, context) => runner.PlanAsync(name, caller, options, context)));
            return;
        }

        if (!ShouldProcess(name, "Run export"))
        {
            return;
        }

        ExportRunRecord record;
        try
        {
            record = RunAsCaller((caller, context) => runner.RunAsync(name, caller, options, context));
        }
        catch (ExportRunFailedException failed)
        {
            var failedRun = Write(failed.Record);
            throw Terminate(failed, failedRun);
        }

        var run = Write(record);
        if (ExportRunOutcome.ErrorFor(record) is { } error)
        {
            WriteError(ErrorRecordFactory.From(error, run));
        }
    }

    /// <summary>Writes a finished run (its warnings, then the run) whatever its outcome.</summary>
    private CISynapseExportRun Write(ExportRunRecord record)
    {
        foreach (var warning in record.Warnings)
        {
            WriteWarning(warning);
        }

        var run = new CISynapseExportRun(record);
        WriteObject(run);
        return run;
    }

    private void ShowPlan(ExportPlan plan)
    {
        foreach (var entity in plan.Entities)
        {
            var size = entity.Bytes.ToString("N0", CultureInfo.InvariantCulture);
            ShouldProcess($"{plan.DatabaseName}/{entity.Entity}", $"{entity.Action} ({entity.Reason}; {entity.Files} files, {size} bytes)");
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (plan.SqlScript is not null)
        {
            var verb = plan.Deployment == Core.Sql.DeploymentMode.Apply ? "Apply" : "Save (ScriptOnly)";
            ShouldProcess($"database {plan.DatabaseName}", $"{verb} this T-SQL:{Environment.NewLine}{plan.SqlScript}");
        }
    }
}
