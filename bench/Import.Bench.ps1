<#
.SYNOPSIS
    Times Import-Module of the built module against a bare pwsh start, both as fresh child processes.
.DESCRIPTION
    Starts the pwsh that runs this script again, alternately as 'pwsh -NoProfile -NonInteractive -c 1' (the baseline)
    and as 'pwsh -NoProfile -NonInteractive -c Import-Module <psd1>', after one warm-up of each, and times each child
    from start to exit. Writes JSON in the shape of the other bench scenarios (series with seconds, median, spread,
    speed vs baseline) and prints a short table; bench/run.ps1 merges it into the combined table.
.EXAMPLE
    ./bench/Import.Bench.ps1 -ModulePath ./out/CustomerInsightsSynapse/CustomerInsightsSynapse.psd1 -Repeat 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1, 100)] [int] $Repeat = 10,
    [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$pwshPath = (Get-Process -Id $PID).Path
# Under 'dotnet pwsh' (the repository's tool) the process is dotnet and pwsh.dll is its first argument.
$prefix = @(if ((Split-Path -Leaf $pwshPath) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })

function Measure-Child([string] $Command) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($pwshPath)
    foreach ($a in $prefix + @('-NoProfile', '-NonInteractive', '-Command', $Command)) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $child = [System.Diagnostics.Process]::Start($start)
    $stderr = $child.StandardError.ReadToEndAsync()
    $null = $child.StandardOutput.ReadToEnd()
    $child.WaitForExit()
    $watch.Stop()
    if ($child.ExitCode -ne 0) { throw "The child '$Command' failed ($($child.ExitCode)): $($stderr.Result)" }
    $watch.Elapsed.TotalSeconds
}

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

$quoted = "'" + $ModulePath.Replace("'", "''") + "'"
$methods = [ordered]@{
    'pwsh -NoProfile -c 1'         = '1'
    'pwsh -NoProfile Import-Module' = "Import-Module $quoted; if (-not (Get-Command Connect-CISynapseAccount -ErrorAction Ignore)) { exit 3 }"
}
$baseline = 'pwsh -NoProfile -c 1'
$seconds = @{}
foreach ($name in $methods.Keys) { $seconds[$name] = [System.Collections.Generic.List[double]]::new() }

Write-Host "Import bench: $Repeat repetitions after a warm-up ($pwshPath $prefix)."
foreach ($name in $methods.Keys) { $null = Measure-Child $methods[$name] }
for ($r = 1; $r -le $Repeat; $r++) {
    foreach ($name in $methods.Keys) { $seconds[$name].Add((Measure-Child $methods[$name])) }
}

$group = 'Import-Module (fresh child pwsh)'
$baseMedian = Get-Median $seconds[$baseline]
$series = foreach ($name in $methods.Keys) {
    $values = [double[]] $seconds[$name]
    $median = Get-Median $values
    $min = ($values | Measure-Object -Minimum).Minimum
    $max = ($values | Measure-Object -Maximum).Maximum
    $figures = [ordered]@{}
    if ($name -ne $baseline) { $figures['addedSeconds'] = [math]::Round($median - $baseMedian, 3) }
    [ordered]@{
        group           = $group
        method          = $name
        baseline        = if ($name -eq $baseline) { $null } else { $baseline }
        bytesPerRun     = 0
        seconds         = $values
        median          = $median
        min             = $min
        max             = $max
        spread          = ($max - $min) / $median
        mibPerSecond    = $null
        speedVsBaseline = if ($name -eq $baseline) { $null } else { $baseMedian / $median }
        figures         = $figures
    }
}
$import = $series | Where-Object { $_.method -ne $baseline }
$added = $import.median - $baseMedian
$checks = @([ordered]@{ target = 'Import-Module adds under 1 s to a bare pwsh start (median)'; figure = '{0:0.000} s' -f $added; met = $added -lt 1 })

$document = [ordered]@{
    scenario = 'import'
    utc      = [DateTime]::UtcNow
    machine  = [ordered]@{ processorCount = [Environment]::ProcessorCount; os = [Environment]::OSVersion.VersionString; runtime = [Environment]::Version.ToString(); pwsh = $PSVersionTable.PSVersion.ToString() }
    settings = [ordered]@{ modulePath = $ModulePath; repeat = $Repeat }
    series   = @($series)
    checks   = $checks
}
if (-not $OutFile) { $OutFile = Join-Path $PSScriptRoot ('results/import-{0:yyyyMMddTHHmmssZ}.json' -f [DateTime]::UtcNow) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutFile)
$document | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $OutFile -Encoding utf8
foreach ($s in $series) {
    Write-Host ('{0,-32} median {1:0.000} s  min {2:0.000}  max {3:0.000}' -f $s.method, $s.median, $s.min, $s.max)
}
Write-Host ('Import-Module adds {0:0.000} s ({1:0.00}x the bare start). JSON: {2}' -f $added, ($import.median / $baseMedian), $OutFile)
