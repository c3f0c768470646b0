# Helpers for RunReliability.Tests.ps1: child pwsh processes that run one export, and lake consistency checks.

function Start-CISynapseRunWorker {
    <#
    .SYNOPSIS
        Starts a child pwsh that signs in like the parent, opens the store and runs Invoke-CISynapseExport once,
        writing {status, runId, errorId, message, elapsedMs} as JSON to ResultPath. With -Go it waits for that file
        first (after writing "$Go.ready-$Tag"), so many workers start together.
    #>
    param(
        [Parameter(Mandatory)] [string] $Store,
        [Parameter(Mandatory)] [string] $ConnectPath,
        [Parameter(Mandatory)] [string] $ExportName,
        [Parameter(Mandatory)] [string] $ResultPath,
        [string] $Go = '',
        [string] $Tag = '0'
    )
    $script = Join-Path ([IO.Path]::GetDirectoryName($ResultPath)) 'run-worker.ps1'
    if (-not (Test-Path -LiteralPath $script)) {
        Set-Content -LiteralPath $script -Value @'
param([string] $Module, [string] $Store, [string] $ConnectPath, [string] $ExportName, [string] $ResultPath, [string] $Go, [string] $Tag)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$connect = Get-Content -Raw -LiteralPath $ConnectPath | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
Set-CISynapseStore -Location $Store
if ($Go) {
    $null = New-Item -ItemType File -Path "$Go.ready-$Tag"
    while (-not (Test-Path -LiteralPath $Go)) { Start-Sleep -Milliseconds 20 }
}
$watch = [Diagnostics.Stopwatch]::StartNew()
$result = try {
    $run = Invoke-CISynapseExport -Name $ExportName -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue
    @{ status = "$($run.Status)"; runId = $run.RunId; landed = $run.EntitiesLanded }
}
catch {
    # A failed run stops with ExportRunFailed; its inner exception carries the cause's ErrorId.
    $errorId = $_.FullyQualifiedErrorId.Split(',')[0]
    if ($errorId -eq 'ExportRunFailed') { $errorId = $_.Exception.InnerException.ErrorId }
    @{ status = 'Error'; errorId = $errorId; message = $_.Exception.Message }
}
$result.elapsedMs = $watch.ElapsedMilliseconds
$result | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
'@
    }
    $info = [Diagnostics.ProcessStartInfo]::new()
    $pwsh = Join-Path $PSHOME 'pwsh'
    if (Test-Path $pwsh) { $info.FileName = $pwsh } else { $info.FileName = 'dotnet'; $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $script, '-Module', $env:CISYNAPSE_TEST_MODULE, '-Store', $Store,
        '-ConnectPath', $ConnectPath, '-ExportName', $ExportName, '-ResultPath', $ResultPath, '-Go', $Go, '-Tag', $Tag) { $info.ArgumentList.Add($argument) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::new()
    $process.StartInfo = $info
    $null = $process.Start()
    [pscustomobject]@{ Tag = $Tag; Process = $process; ResultPath = $ResultPath; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
}

function Wait-CISynapseRunWorker {
    <# Waits for a worker (bounded) and returns its JSON result; kills it and fails when the time is up. #>
    param([Parameter(Mandatory)] [object] $Worker, [int] $TimeoutSeconds = 240)
    if (-not $Worker.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Worker.Process.Kill($true)
        throw "Worker $($Worker.Tag) did not finish within $TimeoutSeconds s."
    }
    if (-not (Test-Path -LiteralPath $Worker.ResultPath)) { throw "Worker $($Worker.Tag) wrote no result: $($Worker.Errors.Result) $($Worker.Output.Result)" }
    Get-Content -Raw -LiteralPath $Worker.ResultPath | ConvertFrom-Json
}

Export-ModuleMember -Function Start-CISynapseRunWorker, Wait-CISynapseRunWorker
