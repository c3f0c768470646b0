<#
.SYNOPSIS
    Merges the JSON files of the scenarios of one bench run into one table and one JSON file (called by run.ps1).
.DESCRIPTION
    A scenario file holds 'series' (group, method, baseline, seconds[], figures) and 'checks' (target, figure, met).
    Median, spread and the ratio against the group's baseline are recomputed here from the raw seconds, so every
    scenario is summarised the same way. A file in another shape is kept whole under 'raw' and named in the output.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [object[]] $Runs,
    [Parameter(Mandatory)] [string] $OutFile,
    [string] $Command
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ci = [cultureinfo]::InvariantCulture

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

function Get-Property($Object, [string] $Name) {
    if ($null -ne $Object -and $Object.PSObject.Properties[$Name]) { $Object.$Name } else { $null }
}

function Get-Machine {
    $root = Split-Path -Parent $PSScriptRoot
    $memory = if (Test-Path /proc/meminfo) {
        $kb = [double] ((Get-Content /proc/meminfo | Select-String '^MemTotal:\s+(\d+)').Matches[0].Groups[1].Value)
        '{0:0.0} GiB' -f ($kb / 1MB)
    }
    $os = if (Test-Path /etc/os-release) {
        (Get-Content /etc/os-release | Select-String '^PRETTY_NAME="?([^"]*)"?').Matches[0].Groups[1].Value
    } else { [Environment]::OSVersion.VersionString }
    $cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Select-String '^model name\s*:\s*(.*)' | Select-Object -First 1).Matches[0].Groups[1].Value) }
    $azurite = Join-Path $root 'node_modules/azurite/package.json'
    [ordered]@{
        cores      = [Environment]::ProcessorCount
        cpu        = $cpu
        memory     = $memory
        os         = $os
        kernel     = [Environment]::OSVersion.Version.ToString()
        dotnetSdk  = (& dotnet --version 2>$null)
        runtime    = [Environment]::Version.ToString()
        pwsh       = $PSVersionTable.PSVersion.ToString()
        node       = $(try { (& node --version 2>$null) } catch { $null })
        azurite    = $(if (Test-Path $azurite) { (Get-Content -Raw $azurite | ConvertFrom-Json).version })
    }
}

# bench/Prerequisites.Bench.ps1 writes its own report (per-run ConcurrentMs, SerialSumMs, ReplayMs); its headline
# baseline is the serial sum of the request durations (the least any one-after-another client needs).
function ConvertTo-SeriesShape($Document) {
    if ((Get-Property $Document 'Benchmark') -ne 'Test-CISynapsePrerequisite' -or -not (Get-Property $Document 'Runs')) { return $Document }
    $runs = @($Document.Runs)
    $group = 'Test-CISynapsePrerequisite, {0} ms per request, {1} query users, {2} role assignments' -f $Document.LatencyMilliseconds, (Get-Property $Document 'QueryUsers'), (Get-Property $Document 'RoleAssignments')
    $figures = [pscustomobject]@{ requests = $Document.Requests; roundsMax = $Document.RoundsMax; checks = $Document.Checks }
    $serial = 'same requests one after another (serial sum of durations)'
    [pscustomobject]@{
        settings = [pscustomobject]@{ latencyMilliseconds = $Document.LatencyMilliseconds; warmUp = $Document.WarmUp; repetitions = $Document.Repetitions }
        series   = @(
            [pscustomobject]@{ group = $group; method = $serial; baseline = $null; seconds = @($runs | ForEach-Object { $_.SerialSumMs / 1000 }); figures = $null }
            [pscustomobject]@{ group = $group; method = 'Test-CISynapsePrerequisite (concurrent rounds)'; baseline = $serial; seconds = @($runs | ForEach-Object { $_.ConcurrentMs / 1000 }); figures = $figures }
            [pscustomobject]@{ group = $group; method = 'sequential replay (Invoke-WebRequest)'; baseline = $serial; seconds = @($runs | ForEach-Object { $_.ReplayMs / 1000 }); figures = $null }
        )
        checks   = @(Get-Property $Document 'Targets' | Where-Object { $_ })
    }
}

$rows = [System.Collections.Generic.List[object]]::new()
$checks = [System.Collections.Generic.List[object]]::new()
$scenarios = [System.Collections.Generic.List[object]]::new()
foreach ($run in $Runs) {
    $entry = [ordered]@{ scenario = $run.scenario; exitCode = $run.exitCode; wallSeconds = $run.seconds; note = $run.note; file = $run.file; settings = $null; raw = $null }
    $scenarios.Add($entry)
    if (-not $run.file) { continue }
    $document = ConvertTo-SeriesShape (Get-Content -Raw -LiteralPath $run.file | ConvertFrom-Json)
    $entry.settings = Get-Property $document 'settings'
    $series = @(Get-Property $document 'series')
    if (-not $series -or -not (Get-Property $series[0] 'seconds')) {
        $entry.raw = $document
        $entry.note = (@($entry.note, 'JSON not in the series shape: kept under raw, not in the table') | Where-Object { $_ }) -join '; '
        continue
    }
    $medians = @{}
    foreach ($s in $series) { $medians["$($s.group)|$($s.method)"] = Get-Median ([double[]] @($s.seconds)) }
    foreach ($s in $series) {
        $values = [double[]] @($s.seconds)
        $median = $medians["$($s.group)|$($s.method)"]
        $baseline = Get-Property $s 'baseline'
        $baseMedian = if ($baseline) { $medians["$($s.group)|$baseline"] } else { $null }
        $isBaseline = @($series | Where-Object { (Get-Property $_ 'baseline') -eq $s.method -and $_.group -eq $s.group }).Count -gt 0
        $bytes = [double] (Get-Property $s 'bytesPerRun')
        $figures = Get-Property $s 'figures'
        $rows.Add([ordered]@{
                scenario        = $run.scenario
                group           = $s.group
                method          = $s.method
                baseline        = $baseline
                isBaseline      = $isBaseline
                seconds         = $values
                median          = $median
                min             = ($values | Measure-Object -Minimum).Minimum
                max             = ($values | Measure-Object -Maximum).Maximum
                spread          = if ($values.Count) { (($values | Measure-Object -Maximum).Maximum - ($values | Measure-Object -Minimum).Minimum) / $median } else { $null }
                mibPerSecond    = if ($bytes -gt 0 -and $values.Count) { $bytes / 1MB / $median } else { $null }
                speedVsBaseline = if ($baseMedian -and $values.Count) { $baseMedian / $median } else { $null }
                figures         = $figures
            })
    }
    foreach ($c in @(Get-Property $document 'checks')) {
        if ($c) { $checks.Add([ordered]@{ scenario = $run.scenario; target = $c.target; figure = $c.figure; met = [bool] $c.met }) }
    }
}

function Format-Number($Value, [string] $Format) { if ($null -eq $Value -or [double]::IsNaN([double] $Value)) { '-' } else { ([double] $Value).ToString($Format, $ci) } }

$table = [System.Collections.Generic.List[string[]]]::new()
$table.Add([string[]] @('scenario', 'group', 'method', 'median s', 'min s', 'max s', 'spread', 'MiB/s', 'vs baseline', 'other'))
foreach ($r in $rows) {
    $ratio = if ($r.isBaseline) { '(baseline)' } elseif ($null -ne $r.speedVsBaseline) { (Format-Number $r.speedVsBaseline '0.00') + 'x' } else { '-' }
    $other = if ($r.figures) { ($r.figures.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, (Format-Number $_.Value '0.##') }) -join ', ' } else { '' }
    $table.Add([string[]] @($r.scenario, $r.group, $r.method, (Format-Number $r.median '0.000'), (Format-Number $r.min '0.000'), (Format-Number $r.max '0.000'),
            $(if ($null -ne $r.spread) { (Format-Number (100 * $r.spread) '0') + ' %' } else { '-' }), (Format-Number $r.mibPerSecond '0.0'), $ratio, $other))
}
$widths = foreach ($c in 0..($table[0].Count - 1)) { ($table | ForEach-Object { $_[$c].Length } | Measure-Object -Maximum).Maximum }
$lines = [System.Collections.Generic.List[string]]::new()
for ($i = 0; $i -lt $table.Count; $i++) {
    $lines.Add((($table[$i] | ForEach-Object -Begin { $c = 0 } -Process { $_.PadRight($widths[$c++]) }) -join '  ').TrimEnd())
    if ($i -eq 0) { $lines.Add(($widths | ForEach-Object { '-' * $_ }) -join '  ') }
}

Write-Host "`n=== combined ($Command) ==="
Write-Host 'vs baseline = baseline median / method median (above 1: faster than the baseline; below 1: slower).'
$lines | ForEach-Object { Write-Host $_ }
Write-Host "`nTargets, read from this run:"
foreach ($c in $checks) { Write-Host ('  [{0}] {1}: {2}: {3}' -f $(if ($c.met) { 'met' } else { 'NOT met' }), $c.scenario, $c.target, $c.figure) }
Write-Host "`nScenarios:"
foreach ($s in $scenarios) { Write-Host ('  {0,-14} exit {1}, {2} s{3}' -f $s.scenario, $s.exitCode, $s.wallSeconds, $(if ($s.note) { "; $($s.note)" })) }

$machine = Get-Machine
Write-Host ("`nMachine: {0} cores ({1}), {2}, {3}, .NET SDK {4} / runtime {5}, pwsh {6}, node {7}, Azurite {8}" -f $machine.cores, $machine.cpu, $machine.memory, $machine.os, $machine.dotnetSdk, $machine.runtime, $machine.pwsh, $machine.node, $machine.azurite)
$document = [ordered]@{ utc = [DateTime]::UtcNow; command = $Command; machine = $machine; scenarios = $scenarios; series = $rows; checks = $checks }
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent ([IO.Path]::GetFullPath($OutFile)))
$document | ConvertTo-Json -Depth 12 | Set-Content -LiteralPath $OutFile -Encoding utf8
Write-Host "Combined JSON: $OutFile"
