<#
.SYNOPSIS
    Runs the bench scenarios (default: all of them) and prints one combined table and JSON file.
.DESCRIPTION
    build.ps1 -Task Bench builds the module and calls this script. Scenarios:
      lake           landing, copy, rerun and peak RSS through the emulator's storage proxy in front of Azurite, once
                     per added latency: 0, 5, 20 and 50 ms (--quick: 0 and 20; --latency a,b,…; --direct: Azurite
                     without the proxy, once), then the latency curve (CustomerInsightsSynapse.Bench lake)
      prerequisites  Test-CISynapsePrerequisite with emulator latency (bench/Prerequisites.Bench.ps1, when present)
      import         Import-Module of the built module over a bare pwsh start (bench/Import.Bench.ps1)
      cdm            reading a 1,000-entity manifest (CustomerInsightsSynapse.Bench cdm); then the same folder from blob
                     storage through the storage proxy at --cdm-latency ms (20; 0 skips it)
      sql            generating its SQL, with the ScriptDom parse (CustomerInsightsSynapse.Bench sql)
      scale          read, plan, land and SQL of growing blob sources, with growth exponents (CustomerInsightsSynapse.Bench scale);
                     then the partition curve through the storage proxy at --scale-latency ms (20; 0 skips it)
      coldstart      a runbook's fresh pwsh: import, connect, run 50 entities unchanged / one changed at 20 ms (bench/ColdStart.Bench.ps1)
      parquet        landing as Parquet: bytes a one-column SUM reads, speed vs CSV at 20 ms, peak RSS (CustomerInsightsSynapse.Bench parquet)
    Each scenario writes its own JSON; this script merges them into bench/results/bench-<UTC time>.json and prints
    median, spread and the ratio against each group's baseline measured in the same run. Every process a scenario
    started and left running is stopped (found by a marker in its environment).
.EXAMPLE
    ./bench/run.ps1 --quick
.EXAMPLE
    ./bench/run.ps1 sql,cdm --repeat 9
.EXAMPLE
    ./bench/run.ps1 lake --small-files 100 --large-size 128
.EXAMPLE
    ./bench/run.ps1 lake --latency 0,5,20,50 --bandwidth-mbps 200
.EXAMPLE
    ./bench/run.ps1 scale --quick --scale-latency 20
#>
# No param block on purpose: the scenario list and options such as --out reach this script untouched (through
# $args), and a declared parameter would take the first of them by position. -ModulePath <psd1> (passed by
# build.ps1; default out/CustomerInsightsSynapse/) is read here by hand.
[string[]] $Arguments = @($args)
$ModulePath = $null
$at = [array]::IndexOf($Arguments, '-ModulePath')
if ($at -ge 0) {
    $ModulePath = $Arguments[$at + 1]
    $Arguments = @($Arguments | Select-Object -First $at) + @($Arguments | Select-Object -Skip ($at + 2))
}
$commandLine = ('bench/run.ps1 ' + ($Arguments -join ' ')).Trim()
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Split-Path -Parent $PSScriptRoot
$allScenarios = 'lake', 'prerequisites', 'import', 'cdm', 'sql', 'scale', 'coldstart', 'parquet'

# Options that take a value (and the lake's switches), and which scenarios understand them (a scenario named explicitly gets them all).
$lakeOptions = '--small-files', '--small-size', '--large-files', '--large-size', '--rss-sizes', '--parallel-files', '--parallel-blocks', '--block-size', '--single-copy-mib'
$lakeSwitches = '--crlf', '--no-width-check', '--local-only', '--timeline', '--no-rss'
$manifestOptions = '--entities', '--attributes'
$scaleOptions = '--entity-counts', '--partition-counts', '--land-up-to'
$parquetOptions = '--parquet-mib', '--parquet-partitions', '--parquet-rss-mib'
$parquetLatency = 20
$coldStartOptions = @{ '--coldstart-entities' = 'Entities'; '--coldstart-latency' = 'LatencyMilliseconds' }

$scenarios = $allScenarios
if ($Arguments.Count -gt 0 -and -not $Arguments[0].StartsWith('-')) {
    $scenarios = if ($Arguments[0] -eq 'all') { $allScenarios } else { $Arguments[0].Split(',') }
    $Arguments = @($Arguments | Select-Object -Skip 1)
    foreach ($s in $scenarios) { if ($s -notin $allScenarios) { throw "Unknown scenario '$s'; use all or some of: $($allScenarios -join ', ')." } }
}

$quick = $Arguments -contains '--quick'
$repeat = $null
$combinedOut = $null
$passed = @{ lake = [System.Collections.Generic.List[string]]::new(); manifest = [System.Collections.Generic.List[string]]::new(); scale = [System.Collections.Generic.List[string]]::new(); parquet = [System.Collections.Generic.List[string]]::new() }
$coldStart = @{}
$lakeLatencies = @()
$lakeDirect = $false
$bandwidthMbps = 0
$scaleLatency = 20
$cdmLatency = 20
for ($i = 0; $i -lt $Arguments.Count; $i++) {
    $a = $Arguments[$i]
    switch ($a) {
        '--quick' { $passed.lake.Add($a); $passed.manifest.Add($a); $passed.scale.Add($a); $passed.parquet.Add($a); continue }
        '--repeat' { $repeat = [int] $Arguments[++$i]; continue }
        '--out' { $combinedOut = $Arguments[++$i]; continue }
        '--latency' { $lakeLatencies = @($Arguments[++$i].Split(',') | ForEach-Object { [int] $_ }); continue }
        '--direct' { $lakeDirect = $true; continue }
        '--bandwidth-mbps' { $bandwidthMbps = [double] $Arguments[++$i]; continue }
        '--scale-latency' { $scaleLatency = [int] $Arguments[++$i]; continue }
        '--cdm-latency' { $cdmLatency = [int] $Arguments[++$i]; continue }
        '--cdm-shared-attributes' { $passed.manifest.Add('--shared-attributes'); continue }
        { $_ -in $lakeOptions } { $passed.lake.Add($a); $passed.lake.Add($Arguments[++$i]); continue }
        { $_ -in $lakeSwitches } { $passed.lake.Add($a); continue }
        { $_ -in $manifestOptions } { $passed.manifest.Add($a); $passed.manifest.Add($Arguments[++$i]); continue }
        { $_ -in $scaleOptions } { $passed.scale.Add($a); $passed.scale.Add($Arguments[++$i]); continue }
        { $_ -in $parquetOptions } { $passed.parquet.Add($a); $passed.parquet.Add($Arguments[++$i]); continue }
        '--parquet-latency' { $parquetLatency = [int] $Arguments[++$i]; continue }
        { $coldStartOptions.ContainsKey($_) } { $coldStart[$coldStartOptions[$a]] = [int] $Arguments[++$i]; continue }
        default { throw "Unknown option '$a'. See bench/README.md." }
    }
}
if ($repeat) { foreach ($list in $passed.Values) { $list.Add('--repeat'); $list.Add([string] $repeat) } }
if ($lakeDirect -and $lakeLatencies) { throw '--direct runs lake against Azurite without the storage proxy, so it takes no --latency.' }
# Issue 22's lake figures are stated at 20 ms, so lake runs through the storage proxy unless --direct says otherwise.
if (-not $lakeDirect -and -not $lakeLatencies) { $lakeLatencies = if ($quick) { @(0, 20) } else { @(0, 5, 20, 50) } }

if (-not $ModulePath) { $ModulePath = Join-Path $root 'out/CustomerInsightsSynapse/CustomerInsightsSynapse.psd1' }
$needsModule = @($scenarios | Where-Object { $_ -in 'import', 'prerequisites', 'coldstart' })
if ($needsModule -and -not (Test-Path -LiteralPath $ModulePath)) {
    throw "The built module '$ModulePath' is missing; run ./build.ps1 -Task Build (or -Task Bench)."
}
if (@($scenarios | Where-Object { $_ -in 'lake', 'scale', 'coldstart', 'parquet', 'cdm' }) -and -not (Test-Path (Join-Path $root 'node_modules/.bin/azurite-blob'))) {
    Push-Location $root
    try { npm ci --no-audit --no-fund; if ($LASTEXITCODE) { throw "npm ci failed ($LASTEXITCODE)." } } finally { Pop-Location }
}

$stamp = '{0:yyyyMMddTHHmmssZ}' -f [DateTime]::UtcNow
$resultsFolder = Join-Path $root 'bench/results'
$runFolder = Join-Path $resultsFolder "run-$stamp"
$null = New-Item -ItemType Directory -Force -Path $runFolder
if (-not $combinedOut) { $combinedOut = Join-Path $resultsFolder "bench-$stamp.json" }

# Children inherit this marker; whatever carries it after a scenario ended was left behind and is stopped.
$marker = [guid]::NewGuid().ToString('n')
$env:CISYNAPSE_BENCH_RUN = $marker
function Stop-Leftover([string] $Scenario) {
    if (-not $IsLinux) { return }
    foreach ($dir in Get-ChildItem -Directory /proc | Where-Object Name -Match '^\d+$') {
        if ([int] $dir.Name -eq $PID) { continue }
        try { $environment = [IO.File]::ReadAllText("$($dir.FullName)/environ") } catch { continue }
        if ($environment.Contains("CISYNAPSE_BENCH_RUN=$marker")) {
            Write-Warning "$Scenario left process $($dir.Name) running; stopping it."
            Stop-Process -Id ([int] $dir.Name) -Force -ErrorAction Ignore
        }
    }
}

$pwshArguments = @(if ((Split-Path -Leaf (Get-Process -Id $PID).Path) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
$pwsh = (Get-Process -Id $PID).Path
$benchDll = Join-Path $root 'bench/CustomerInsightsSynapse.Bench/bin/Release/net10.0/CustomerInsightsSynapse.Bench.dll'

# Runs the bench program once per latency through the emulator's storage proxy in front of Azurite (a delay on every
# request, and the bandwidth cap per connection when -BandwidthBytesPerSecond is given); one run record per latency.
# -LaterOptions go to every latency's run but the first. Each latency has a stack of its own, deleted after it: Azurite
# frees the blocks of a deleted container only later, and the lake writes about 35 GiB per latency (warm-up, timed
# rounds, copies); with one stack for every latency the fourteenth session's full run most likely ran out of disk at
# 5 ms, and Azurite answered 500 from then on.
function Invoke-ThroughStorageProxy([string] $Scenario, [int[]] $Latencies, [string[]] $Options, [long] $BandwidthBytesPerSecond, [string[]] $LaterOptions = @()) {
    Import-Module (Join-Path $root 'tests/TestStack/TestStack.psm1') -Force
    $savedCertFile = $env:SSL_CERT_FILE
    $cap = if ($BandwidthBytesPerSecond) { ", $([math]::Round($BandwidthBytesPerSecond * 8 / 1e6, 1)) Mbit/s per connection" } else { '' }
    foreach ($latency in $Latencies) {
        $file = Join-Path $runFolder "$Scenario-$($latency)ms.json"
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        Write-Host "`n--- $Scenario, $latency ms per storage request$cap (storage proxy) ---" -ForegroundColor Cyan
        $stack = Start-CISynapseTestStack -FaultyStorage
        try {
            $null = Set-CISynapseStorageFault -Stack $stack -LatencyMilliseconds $latency -BandwidthBytesPerSecond $BandwidthBytesPerSecond
            $env:SSL_CERT_FILE = $stack.Certificate.BundlePath
            $env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING = "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=$(& (Get-Module TestStack) { $script:AzuriteKey });BlobEndpoint=$($stack.AzuriteBlobUrl);"
            $these = @($Options) + @(if ($latency -ne $Latencies[0]) { $LaterOptions })
            & dotnet $benchDll $Scenario @these --latency-ms $latency --out $file | Out-Host
            $exit = $LASTEXITCODE
        }
        finally {
            Remove-Item Env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING -ErrorAction Ignore
            if ($savedCertFile) { $env:SSL_CERT_FILE = $savedCertFile } else { Remove-Item Env:SSL_CERT_FILE -ErrorAction Ignore }
            Stop-CISynapseTestStack -Stack $stack
        }
        [pscustomobject]@{ scenario = "$Scenario $latency ms"; exitCode = $exit; seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1); file = $(if (Test-Path $file) { $file }); note = $(if ($exit) { "failed with exit code $exit" }) }
    }
}

# The lake scenario once per latency through the storage proxy (local groups and the blob-source group; the peak-RSS
# children in the first latency's run only), then the curve: medians of the lander, the plain SDK in parallel and the
# sequential upload, and their ratios; for blob sources, the server-side copy against download-then-upload. The curve's
# lines are also kept in $curveLines, printed again after the combined table.
$curveLines = [System.Collections.Generic.List[string]]::new()
function Invoke-LakeLatencyCurve([int[]] $Latencies, [string[]] $Options, [long] $BandwidthBytesPerSecond) {
    $curve = Invoke-ThroughStorageProxy -Scenario lake -Latencies $Latencies -Options $Options -LaterOptions '--no-rss' -BandwidthBytesPerSecond $BandwidthBytesPerSecond
    function Out-Curve([string] $Line) { Write-Host $Line; $curveLines.Add($Line) }
    $cap = if ($BandwidthBytesPerSecond) { ", every connection capped at $([math]::Round($BandwidthBytesPerSecond * 8 / 1e6, 1)) Mbit/s" } else { '' }
    Out-Curve "`nLatency curve$cap (median seconds; ratios = other method's median / lander's median):"
    Out-Curve ('{0,-44} {1,9} {2,9} {3,11} {4,13} {5,11}' -f 'group', 'lander', 'SDK par.', 'sequential', 'vs SDK par.', 'vs seq.')
    foreach ($run in $curve | Where-Object file) {
        $series = @((Get-Content -Raw -LiteralPath $run.file | ConvertFrom-Json).series)
        foreach ($group in $series.group | Where-Object { $_ -notlike 'no-change*' } | Select-Object -Unique) {
            $m = @{}
            foreach ($s in $series | Where-Object group -EQ $group) { $m[$s.method] = [double] $s.median }
            if ($m.ContainsKey('lake server-side copy')) {
                $copy = $m['lake server-side copy']
                Out-Curve ('{0,-44} copy {1:0.000} s, download then upload {2:0.000} s: {3:0.00}x' -f $group, $copy, $m['download then upload'], ($m['download then upload'] / $copy))
                continue
            }
            if (-not $m.ContainsKey('lake (LakeLander)')) { continue }   # the peak-RSS group
            $lander = $m['lake (LakeLander)']
            Out-Curve ('{0,-44} {1,9:0.000} {2,9:0.000} {3,11:0.000} {4,12:0.00}x {5,10:0.00}x' -f $group, $lander, $m['plain SDK parallel'], $m['sequential SDK'], ($m['plain SDK parallel'] / $lander), ($m['sequential SDK'] / $lander))
        }
    }
    $curve
}

$runs = [System.Collections.Generic.List[object]]::new()
$skipRecord = $false
try {
    if (@($scenarios | Where-Object { $_ -in 'lake', 'cdm', 'sql', 'scale', 'parquet' })) {
        & dotnet build (Join-Path $root 'bench/CustomerInsightsSynapse.Bench') -c Release -nologo -v q | Out-Host
        if ($LASTEXITCODE) { throw "Building the bench failed ($LASTEXITCODE)." }
    }
    foreach ($scenario in $allScenarios | Where-Object { $_ -in $scenarios }) {
        $out = Join-Path $runFolder "$scenario.json"
        $started = [DateTime]::UtcNow
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        Write-Host "`n=== $scenario ===" -ForegroundColor Cyan
        $code = 0
        $note = $null
        try {
            switch ($scenario) {
                { $_ -eq 'lake' -and $lakeLatencies } {
                    $lakeRuns = Invoke-LakeLatencyCurve -Latencies $lakeLatencies -Options @($passed.lake) -BandwidthBytesPerSecond ([long] ($bandwidthMbps * 1e6 / 8))
                    foreach ($r in $lakeRuns) { $runs.Add($r) }
                    $code = @($lakeRuns | Where-Object exitCode -NE 0).Count
                    $skipRecord = $true
                    break
                }
                { $_ -in 'lake', 'scale' } {
                    Import-Module (Join-Path $root 'tests/TestStack/TestStack.psm1') -Force
                    $azurite = Start-CISynapseAzurite -DataFolder (Join-Path ([IO.Path]::GetTempPath()) "cisynapse-bench-azurite-$marker")
                    $env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING = $azurite.ConnectionString
                    try { & dotnet $benchDll $scenario @($passed[$scenario]) --out $out | Out-Host; $code = $LASTEXITCODE }
                    finally { Stop-CISynapseAzurite $azurite -RemoveData; Remove-Item Env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING -ErrorAction Ignore }
                    if ($scenario -eq 'scale' -and $scaleLatency -gt 0) {
                        # The partition curve again through the storage proxy, for the target stated at 20 ms
                        # (--quick: read and plan only, no landing).
                        $scaleProxyOptions = @($passed.scale) + @(if ($quick) { '--plan-only' })
                        foreach ($r in Invoke-ThroughStorageProxy -Scenario scale -Latencies $scaleLatency -Options $scaleProxyOptions) { $runs.Add($r); if ($r.exitCode) { $code = $r.exitCode } }
                    }
                }
                'parquet' {
                    # Through the emulator's storage proxy with the latency added to every request, as the lake curve runs.
                    Import-Module (Join-Path $root 'tests/TestStack/TestStack.psm1') -Force
                    $savedCertFile = $env:SSL_CERT_FILE
                    $stack = Start-CISynapseTestStack -FaultyStorage
                    try {
                        $null = Set-CISynapseStorageFault -Stack $stack -LatencyMilliseconds $parquetLatency
                        $env:SSL_CERT_FILE = $stack.Certificate.BundlePath
                        $env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING = "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=$(& (Get-Module TestStack) { $script:AzuriteKey });BlobEndpoint=$($stack.AzuriteBlobUrl);"
                        & dotnet $benchDll parquet @($passed.parquet) --latency-ms $parquetLatency --out $out | Out-Host
                        $code = $LASTEXITCODE
                    }
                    finally {
                        Remove-Item Env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING -ErrorAction Ignore
                        if ($savedCertFile) { $env:SSL_CERT_FILE = $savedCertFile } else { Remove-Item Env:SSL_CERT_FILE -ErrorAction Ignore }
                        Stop-CISynapseTestStack -Stack $stack
                    }
                }
                { $_ -in 'cdm', 'sql' } {
                    & dotnet $benchDll $scenario @($passed.manifest) --out $out | Out-Host; $code = $LASTEXITCODE
                    if ($scenario -eq 'cdm' -and $cdmLatency -gt 0) {
                        # The same folder read from blob storage through the storage proxy (issue 22's figure at 20 ms).
                        foreach ($r in Invoke-ThroughStorageProxy -Scenario cdm -Latencies $cdmLatency -Options @($passed.manifest)) { $runs.Add($r); if ($r.exitCode) { $code = $r.exitCode } }
                    }
                }
                'import' {
                    $n = if ($repeat) { $repeat } elseif ($quick) { 5 } else { 10 }
                    & $pwsh @pwshArguments -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Import.Bench.ps1') -ModulePath $ModulePath -Repeat $n -OutFile $out | Out-Host
                    $code = $LASTEXITCODE
                }
                'coldstart' {
                    $n = if ($repeat) { $repeat } elseif ($quick) { 2 } else { 5 }
                    # Like the prerequisites script, it trusts the stack's test certificate only when SSL_CERT_FILE is unset.
                    $savedCertFile = $env:SSL_CERT_FILE
                    Remove-Item Env:SSL_CERT_FILE -ErrorAction Ignore
                    try {
                        & $pwsh @pwshArguments -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'ColdStart.Bench.ps1') -ModulePath $ModulePath -Repeat $n -OutFile $out @coldStart | Out-Host
                        $code = $LASTEXITCODE
                    }
                    finally { if ($savedCertFile) { $env:SSL_CERT_FILE = $savedCertFile } }
                }
                'prerequisites' {
                    $script = Join-Path $PSScriptRoot 'Prerequisites.Bench.ps1'
                    if (-not (Test-Path -LiteralPath $script)) { $note = 'skipped: bench/Prerequisites.Bench.ps1 is not in this checkout'; break }
                    # Its own parameters beyond -ModulePath are its business; it writes its JSON to bench/results/.
                    # It trusts the stack's test certificate only when SSL_CERT_FILE is unset (it then makes a bundle
                    # and runs itself again), so a system-wide SSL_CERT_FILE is hidden from it.
                    $savedCertFile = $env:SSL_CERT_FILE
                    Remove-Item Env:SSL_CERT_FILE -ErrorAction Ignore
                    try { & $pwsh @pwshArguments -NoProfile -NonInteractive -File $script -ModulePath $ModulePath | Out-Host; $code = $LASTEXITCODE }
                    finally { if ($savedCertFile) { $env:SSL_CERT_FILE = $savedCertFile } }
                    $written = Get-ChildItem -File -Filter '*.json' $resultsFolder | Where-Object { $_.LastWriteTimeUtc -ge $started } |
                        Sort-Object LastWriteTimeUtc | Select-Object -Last 1
                    if ($written) { Move-Item -LiteralPath $written.FullName -Destination $out -Force }
                    else { $note = 'it wrote no JSON to bench/results/' }
                }
            }
        }
        catch {
            $code = -1
            $note = "failed: $($_.Exception.Message)"
        }
        finally {
            Stop-Leftover $scenario
        }
        if ($code -ne 0 -and -not $note) { $note = "failed with exit code $code" }
        if ($note) { Write-Warning "$scenario $note" }
        if ($skipRecord) { $skipRecord = $false; continue }
        $runs.Add([pscustomobject]@{ scenario = $scenario; exitCode = $code; seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1); file = $(if (Test-Path $out) { $out }); note = $note })
    }
}
finally {
    Stop-Leftover 'the bench'
    Remove-Item Env:CISYNAPSE_BENCH_RUN -ErrorAction Ignore
}

& (Join-Path $PSScriptRoot 'Merge-BenchResult.ps1') -Runs $runs -OutFile $combinedOut -Command $commandLine
foreach ($line in $curveLines) { Write-Host $line }
if (@($runs | Where-Object { $_.exitCode -ne 0 })) { exit 1 }
exit 0
