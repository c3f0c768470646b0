<#
.SYNOPSIS
    Runs every Pester test in tests/Pester against the built module and writes a summary for build.ps1.
    Runs in its own pwsh process, started by build.ps1 -Task Test, with CISYNAPSE_TEST_MODULE naming the built psd1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ResultFolder,
    [string] $PathFilter = $env:CISYNAPSE_PESTER_FILTER
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = @(Get-ChildItem -File -Path $PSScriptRoot -Filter '*.Tests.ps1' | Where-Object { -not $PathFilter -or $_.Name -like $PathFilter } | ForEach-Object FullName)
if ($configuration.Run.Path.Value.Count -eq 0) {
    # A filter naming no file must not pass as a run in which nothing failed.
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; FailedTests = @("no test file in tests/Pester matches '$PathFilter' (a file name pattern, such as 'ExportRun*')") } |
        ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultFolder 'pester-summary.json')
    exit 1
}
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultFolder 'pester.xml'

$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
if ($failed -eq 0 -and $result.Result -ne 'Passed') { $failed = 1 }
# Named in the summary so that build.ps1 repeats them at the end of the output.
$failedTests = @($result.Failed | ForEach-Object { "$($_.ExpandedPath): $("$($_.ErrorRecord | Select-Object -First 1)" -split "`n" | Select-Object -First 1)" }) +
    @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }) +
    @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)" })
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount; FailedTests = $failedTests } |
    ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultFolder 'pester-summary.json')
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
