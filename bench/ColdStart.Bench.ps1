<#
.SYNOPSIS
    The runbook's cold start (issue 22): a fresh pwsh that imports the module, connects with tokens and runs
    Invoke-CISynapseExport on -Entities entities, (a) with nothing changed and (b) with one entity changed, with a
    fixed latency on every storage, Azure and SQL request; wall time broken down by phase.
.DESCRIPTION
    Starts the local test stack (Azurite behind the emulator's storage proxy, and the Azure emulator with its TDS
    endpoint) with the prepared tenant; adds -LatencyMilliseconds to every request through the storage proxy, to every
    emulator request (Resource Manager, Graph, Synapse) and to every SQL batch. Writes a CDM folder of -Entities
    entities, saves an export of all of them (Apply mode) and runs it once in this process (not timed). Then, after one
    warm-up pair, -Repeat times: (a) a child pwsh runs the export with nothing changed; (b) one entity's partition is
    rewritten with other rows and a child pwsh runs it again.
    Each child times Import-Module, Connect-CISynapseAccount and Invoke-CISynapseExport; the run record's step
    timings (ExportRunRecord.Steps) split the run into resolve, prerequisite pass, claim, read, plan (lock + plan), land
    (land + commit), SQL generate, SQL apply (sql minus generate, plus verify), prune and record (record step and the
    run time outside any step). The parent times the child from start to exit ('wall'); pwshStart is the child's
    process start to its first line, exit the rest of the wall time outside those phases.
    Targets (issue 22): (a) under 2 s plus the import; (b) under 4 s (the whole child, import included).
    With -IlModulePath (by default the IL-only layout build.ps1 leaves in out/il/ beside a ReadyToRun build), each
    repetition also runs (a) and (b) with that module, so one run shows what ReadyToRun saves; the targets are read
    from -ModulePath's runs. Each child also reports the methods the JIT compiled in it (jitMethods).
    With -BaselineModulePath (another build of the module, e.g. the main branch's out/CustomerInsightsSynapse), each
    repetition also runs (a) and (b) with that build, against an export, a source folder and a database of its own
    (a build with another Core assembly regenerates every view of a database the other one deployed), so that one run
    compares two builds under the same load: its group is '..., baseline build'.
.EXAMPLE
    dotnet pwsh bench/ColdStart.Bench.ps1 -ModulePath out/CustomerInsightsSynapse/CustomerInsightsSynapse.psd1 -Repeat 3
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1, 1000)] [int] $Entities = 50,
    [ValidateRange(1, 100)] [int] $Repeat = 5,
    [ValidateRange(0, 5000)] [int] $LatencyMilliseconds = 20,
    [string] $OutFile,
    # The same module without ReadyToRun code, run beside it; 'none' runs only -ModulePath.
    [string] $IlModulePath,
    # Another build of the module to compare with, run beside it against its own export and database.
    [string] $BaselineModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Split-Path -Parent $PSScriptRoot
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
Import-Module (Join-Path $root 'tests/TestStack/TestStack.psm1') -Force
Import-Module (Join-Path $root 'tests/TestStack/CdmTestData.psm1') -Force
if (-not $OutFile) { $OutFile = Join-Path $PSScriptRoot ('results/coldstart-{0:yyyyMMddTHHmmssZ}.json' -f [DateTime]::UtcNow) }
$OutFile = [IO.Path]::GetFullPath($OutFile)
if (-not $IlModulePath) {
    $moduleFolder = Split-Path -Parent $ModulePath
    $candidate = Join-Path (Split-Path -Parent $moduleFolder) "il/$(Split-Path -Leaf $moduleFolder)/$(Split-Path -Leaf $ModulePath)"
    $IlModulePath = if (Test-Path -LiteralPath $candidate) { $candidate } else { 'none' }
}
if ($IlModulePath -ne 'none') { $IlModulePath = (Resolve-Path -LiteralPath $IlModulePath).Path }
if ($BaselineModulePath) { $BaselineModulePath = (Resolve-Path -LiteralPath $BaselineModulePath).Path }

$pwshPath = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwshPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

# .NET reads SSL_CERT_FILE once per process: without it, trust the test certificate by running again in a child pwsh.
if (-not $env:SSL_CERT_FILE) {
    $certificate = New-CISynapseTestCertificate -Folder (Join-Path $root 'out/bench/certificate')
    $env:SSL_CERT_FILE = $certificate.BundlePath
    $env:CISYNAPSE_TEST_CERT_DIR = Split-Path -Parent $certificate.CertificatePath
    & $pwshPath @prefix -NoProfile -NonInteractive -File $PSCommandPath -ModulePath $ModulePath -Entities $Entities -Repeat $Repeat `
        -LatencyMilliseconds $LatencyMilliseconds -OutFile $OutFile -IlModulePath $IlModulePath @(if ($BaselineModulePath) { '-BaselineModulePath', $BaselineModulePath })
    exit $LASTEXITCODE
}

Import-Module $ModulePath -Force

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

# The runbook: what an automation account runs, timed phase by phase. Tokens reach it through the environment.
$runbook = @'
$ErrorActionPreference = 'Stop'
$watch = [Diagnostics.Stopwatch]::StartNew()
$started = ([DateTime]::Now - [Diagnostics.Process]::GetCurrentProcess().StartTime).TotalSeconds
Import-Module $env:CISYNAPSE_BENCH_MODULE
$import = $watch.Elapsed.TotalSeconds
$connect = $env:CISYNAPSE_BENCH_CONNECT | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
Set-CISynapseStore -Location $env:CISYNAPSE_BENCH_STORE
$connected = $watch.Elapsed.TotalSeconds
$record = Invoke-CISynapseExport -Name $env:CISYNAPSE_BENCH_EXPORT -Confirm:$false -WarningAction SilentlyContinue
$ran = $watch.Elapsed.TotalSeconds
[pscustomobject]@{
    started  = $started
    import   = $import
    connect  = $connected - $import
    run      = $ran - $connected
    status   = "$($record.Status)"
    landed   = @($record.Entities | Where-Object Action -EQ 'Landed').Count
    sqlSent  = [bool] $record.SqlScriptPath
    jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
    steps    = @($record.Steps | ForEach-Object { [pscustomobject]@{ step = $_.Step; seconds = $_.Duration.TotalSeconds } })
} | ConvertTo-Json -Compress -Depth 4
'@

function Invoke-Runbook([string] $Module, [string] $Export) {
    $env:CISYNAPSE_BENCH_MODULE = $Module
    $env:CISYNAPSE_BENCH_EXPORT = $Export
    $start = [Diagnostics.ProcessStartInfo]::new($pwshPath)
    foreach ($a in $prefix + @('-NoProfile', '-NonInteractive', '-Command', $runbook)) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $child = [Diagnostics.Process]::Start($start)
    $stderr = $child.StandardError.ReadToEndAsync()
    $stdout = $child.StandardOutput.ReadToEnd()
    $child.WaitForExit()
    $wall = $watch.Elapsed.TotalSeconds
    if ($child.ExitCode -ne 0) { throw "The runbook failed ($($child.ExitCode)): $($stderr.Result) $stdout" }
    $result = ($stdout.Trim() -split "`n")[-1] | ConvertFrom-Json
    if ($result.status -ne 'Succeeded') { throw "The runbook's run ended $($result.status)." }
    $step = @{}
    foreach ($s in $result.steps) { $step[$s.step] = [double] $s.seconds }
    $sum = ($result.steps | Where-Object step -NE 'sql generate' | Measure-Object -Property seconds -Sum).Sum
    [ordered]@{
        wall          = $wall
        pwshStart     = $result.started
        import        = $result.import
        connect       = $result.connect
        resolve       = $step['resolve']
        prerequisites = $step['prerequisites']
        claim         = $step['claim']
        read          = $step['read']
        plan          = $step['lock'] + $step['plan']
        land          = $step['land'] + $step['commit']
        sqlGenerate   = $step['sql generate']
        sqlApply      = $step['sql'] - $step['sql generate'] + $step['verify']
        prune         = $step['prune']
        record        = $step['record'] + ($result.run - $sum)
        exit          = $wall - $result.started - $result.import - $result.connect - $result.run
        run           = $result.run
        landed        = $result.landed
        sqlSent       = $result.sqlSent
        jitMethods    = $result.jitMethods
    }
}

$scenarioPath = Join-Path $root 'tests/AzureEmulator/Scenarios/prepared-tenant.json'
$prepared = Get-Content -Raw $scenarioPath | ConvertFrom-Json -AsHashtable
$work = Join-Path ([IO.Path]::GetTempPath()) ('cisynapse-coldstart-' + [guid]::NewGuid().ToString('n'))
$stack = Start-CISynapseTestStack -Scenario $prepared -FaultyStorage
try {
    $account = $prepared.storageAccounts[0].name
    $container = $prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $stack -Account $account -Container $container
    $store = Join-Path $work 'store'
    Set-CISynapseStore -Location $store
    $connect = $stack.ConnectArguments
    $null = Connect-CISynapseAccount @connect
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container
    $source = Join-Path $work 'source'
    $null = New-CISynapseTestCdmFolder -Path $source -EntityCount $Entities -RowsPerEntity 20
    $null = New-CISynapseExport -Name 'coldstart' -DisplayName 'Cold start' -Connection 'lake' -Source $source -DatabaseName 'ColdStart' -Entity '*' -DeploymentMode Apply
    Set-CISynapseStorageFault -Stack $stack -LatencyMilliseconds $LatencyMilliseconds | Out-Null
    Set-CISynapseEmulatorLatency -Stack $stack -Milliseconds $LatencyMilliseconds -Confirm:$false
    Set-CISynapseEmulatorSqlLatency -Stack $stack -Milliseconds $LatencyMilliseconds -Confirm:$false
    $first = Invoke-CISynapseExport -Name 'coldstart' -Confirm:$false -WarningAction SilentlyContinue
    if ($first.Status -ne 'Succeeded') { throw "The first run ended $($first.Status)." }

    $env:CISYNAPSE_BENCH_STORE = $store
    $env:CISYNAPSE_BENCH_CONNECT = $stack.ConnectArguments | ConvertTo-Json -Compress
    $changing = Join-Path $work 'changing'
    $seed = 1
    function Set-OneEntityChanged([string] $Source) {
        $script:seed++
        $null = New-CISynapseTestCdmFolder -Path $changing -EntityCount 1 -RowsPerEntity 20 -Seed $script:seed
        Get-ChildItem -LiteralPath (Join-Path $changing 'Entity001') -File | Copy-Item -Destination (Join-Path $Source 'Entity001') -Force
    }

    $methods = 'nothing changed (a)', 'one entity changed (b)'
    $modules = [ordered]@{ '' = $ModulePath }
    $exports = @{ '' = 'coldstart' }
    $sources = @{ '' = $source }
    if ($IlModulePath -ne 'none') { $modules[', IL only'] = $IlModulePath; $exports[', IL only'] = 'coldstart'; $sources[', IL only'] = $source }
    if ($BaselineModulePath) {
        $baselineSource = Join-Path $work 'source-baseline'
        $null = New-CISynapseTestCdmFolder -Path $baselineSource -EntityCount $Entities -RowsPerEntity 20
        $null = New-CISynapseExport -Name 'coldstart-baseline' -DisplayName 'Cold start (baseline build)' -Connection 'lake' -Source $baselineSource -DatabaseName 'ColdStartBaseline' -Entity '*' -DeploymentMode Apply
        # Its first run, by the baseline build, so that the database's views are that build's.
        $null = Invoke-Runbook $BaselineModulePath 'coldstart-baseline'
        $modules[', baseline build'] = $BaselineModulePath; $exports[', baseline build'] = 'coldstart-baseline'; $sources[', baseline build'] = $baselineSource
    }
    $runs = @{}
    foreach ($suffix in $modules.Keys) { foreach ($m in $methods) { $runs[$m + $suffix] = [System.Collections.Generic.List[object]]::new() } }
    Write-Host "Cold start bench: $Entities entities, $LatencyMilliseconds ms per storage, Azure and SQL request; $Repeat pairs after a warm-up$(if ($modules.Count -gt 1) { ', each with ' + (@($modules.Keys | ForEach-Object { if ($_) { $_.TrimStart(', ') } else { 'the module' } }) -join ', ') })."
    for ($r = 0; $r -le $Repeat; $r++) {
        # Every other repetition in the other order, so that neither build always runs first.
        $order = @($modules.Keys)
        if ($r % 2) { [array]::Reverse($order) }
        foreach ($suffix in $order) {
            $a = Invoke-Runbook $modules[$suffix] $exports[$suffix]
            if ($a.landed -ne 0 -or $a.sqlSent) { throw "A run with nothing changed landed $($a.landed) entities or sent T-SQL." }
            Set-OneEntityChanged $sources[$suffix]
            $b = Invoke-Runbook $modules[$suffix] $exports[$suffix]
            if ($b.landed -ne 1) { throw "A run with one entity changed landed $($b.landed) entities." }
            if ($r -gt 0) { $runs[$methods[0] + $suffix].Add($a); $runs[$methods[1] + $suffix].Add($b) }
        }
    }
}
finally {
    Remove-Item Env:CISYNAPSE_BENCH_CONNECT, Env:CISYNAPSE_BENCH_MODULE, Env:CISYNAPSE_BENCH_STORE, Env:CISYNAPSE_BENCH_EXPORT -ErrorAction Ignore
    Stop-CISynapseTestStack -Stack $stack
    Set-CISynapseStore -Default
    Remove-Item -Recurse -Force -LiteralPath $work -ErrorAction Ignore
}

$phases = 'pwshStart', 'import', 'connect', 'resolve', 'prerequisites', 'claim', 'read', 'plan', 'land', 'sqlGenerate', 'sqlApply', 'prune', 'record', 'exit', 'jitMethods'
$series = foreach ($suffix in $modules.Keys) {
    foreach ($m in $methods) {
        $figures = [ordered]@{}
        foreach ($p in $phases) { $figures[$p] = [math]::Round((Get-Median ([double[]] @($runs[$m + $suffix] | ForEach-Object { $_[$p] }))), 3) }
        [ordered]@{
            group    = "cold start, $Entities entities, $LatencyMilliseconds ms$suffix"
            method   = $m + $suffix
            baseline = if ($m -eq $methods[0]) { $null } else { $methods[0] + $suffix }
            seconds  = [double[]] @($runs[$m + $suffix] | ForEach-Object { $_.wall })
            figures  = $figures
        }
    }
}
$aAfterImport = Get-Median ([double[]] @($runs[$methods[0]] | ForEach-Object { $_.wall - $_.import }))
$bWall = Get-Median ([double[]] @($runs[$methods[1]] | ForEach-Object { $_.wall }))
$aGenerate = ($runs[$methods[0]] | ForEach-Object { $_.sqlGenerate } | Measure-Object -Maximum).Maximum
$checks = @(
    [ordered]@{ target = '(a) nothing changed: under 2 s plus the import (median of wall minus import)'; figure = '{0:0.000} s' -f $aAfterImport; met = $aAfterImport -lt 2 }
    [ordered]@{ target = '(b) one entity changed: under 4 s (median wall, import included)'; figure = '{0:0.000} s' -f $bWall; met = $bWall -lt 4 }
    [ordered]@{ target = '(a) nothing changed generates no T-SQL'; figure = 'largest sql generate {0:0.000} s, T-SQL sent by none' -f $aGenerate; met = $aGenerate -eq 0 }
)
$document = [ordered]@{
    scenario = 'coldstart'
    utc      = [DateTime]::UtcNow
    settings = [ordered]@{ entities = $Entities; repeat = $Repeat; latencyMilliseconds = $LatencyMilliseconds; modulePath = $ModulePath; ilModulePath = $IlModulePath; baselineModulePath = $BaselineModulePath }
    series   = @($series)
    checks   = $checks
}
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutFile)
$document | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $OutFile -Encoding utf8
foreach ($s in $series) {
    Write-Host ('{0,-24} wall median {1:0.000} s  ({2})' -f $s.method, (Get-Median $s.seconds), (($s.figures.GetEnumerator() | ForEach-Object { '{0} {1:0.###}' -f $_.Key, $_.Value }) -join ', '))
}
$afterImport = { param($Runs) Get-Median ([double[]] @($Runs | ForEach-Object { $_.wall - $_.import })) }
foreach ($other in @($modules.Keys | Where-Object { $_ })) {
    foreach ($m in $methods) {
        $mine = & $afterImport $runs[$m]
        $theirs = & $afterImport $runs[$m + $other]
        $label, $against = if ($other -eq ', IL only') { "ReadyToRun $m", 'IL only' } else { "This build $m", 'with the baseline build' }
        Write-Host ('{0}: wall minus import {1:0.000} s against {2:0.000} s {3} ({4:0.00}x); import {5:0.000} s against {6:0.000} s' -f $label, $mine, $theirs, $against, ($theirs / $mine),
            (Get-Median ([double[]] @($runs[$m] | ForEach-Object import))), (Get-Median ([double[]] @($runs[$m + $other] | ForEach-Object import))))
    }
}
foreach ($c in $checks) { Write-Host ('[{0}] {1}: {2}' -f $(if ($c.met) { 'met' } else { 'NOT met' }), $c.target, $c.figure) }
Write-Host "JSON: $OutFile"
