<#
.SYNOPSIS
    Wall time of Test-CISynapsePrerequisite with a fixed latency on every Azure request, beside the time the same
    requests take one after another.
.DESCRIPTION
    Starts the local test stack (Azurite and the Azure emulator) with the prepared tenant, signs in with test tokens,
    adds -LatencyMilliseconds to every emulator request and, after -WarmUp runs, measures -Repetitions runs of
    Test-CISynapsePrerequisite (every check, for -QueryUsers query users, in a tenant holding -RoleAssignments role
    assignments at the subscription, the resource group and the storage account). For each run it reads the
    emulator's request log and reports:
      concurrent   the wall time of Test-CISynapsePrerequisite as a user sees it.
      serial sum   the sum of the server-side durations (latency included) of the requests that run made: the
                   least any client could need to make them one after another. The headline ratio uses this
                   lower bound, so it never flatters the concurrent run.
      replay       the same requests (method, path and query from the log, same tokens) sent one after another
                   with Invoke-WebRequest over one reused connection: a real sequential client, with PowerShell's
                   per-request overhead on top.
      rounds       the longest chain of requests each starting after the previous one ended.
    Prints a table (median, min and max over the repetitions) and the targets of issue 22 (at most 3 sequential
    rounds; at least 5x the serial sum), and writes JSON to -ResultsFolder.
.EXAMPLE
    dotnet pwsh bench/Prerequisites.Bench.ps1 -ModulePath out/CustomerInsightsSynapse/CustomerInsightsSynapse.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1, 100)] [int] $Repetitions = 7,
    [ValidateRange(0, 20)] [int] $WarmUp = 2,
    [ValidateRange(0, 5000)] [int] $LatencyMilliseconds = 20,
    [ValidateRange(1, 100)] [int] $QueryUsers = 10,
    [ValidateRange(0, 100000)] [int] $RoleAssignments = 5000,
    [string] $ResultsFolder = (Join-Path $PSScriptRoot 'results')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
$root = Split-Path -Parent $PSScriptRoot
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $root 'tests/TestStack/TestStack.psm1') -Force

# .NET reads SSL_CERT_FILE once per process: without it, trust the test certificate by running again in a child pwsh.
if (-not $env:SSL_CERT_FILE) {
    $certificate = New-CISynapseTestCertificate -Folder (Join-Path $root 'out/bench/certificate')
    $env:SSL_CERT_FILE = $certificate.BundlePath
    $env:CISYNAPSE_TEST_CERT_DIR = Split-Path -Parent $certificate.CertificatePath
    $host_ = [Environment]::ProcessPath
    $prefix = if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
    $arguments = @($prefix) + @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-ModulePath', $ModulePath,
        '-Repetitions', $Repetitions, '-WarmUp', $WarmUp, '-LatencyMilliseconds', $LatencyMilliseconds,
        '-QueryUsers', $QueryUsers, '-RoleAssignments', $RoleAssignments, '-ResultsFolder', $ResultsFolder)
    & $host_ @arguments
    exit $LASTEXITCODE
}

Import-Module $ModulePath -Force

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Measure-SequentialRound($Entries) {
    $sorted = @($Entries | Sort-Object { [DateTimeOffset]$_.started })
    $chain = [int[]]::new($sorted.Count)
    $longest = 0
    for ($i = 0; $i -lt $sorted.Count; $i++) {
        $chain[$i] = 1
        for ($j = 0; $j -lt $i; $j++) {
            if ([DateTimeOffset]$sorted[$i].started -ge [DateTimeOffset]$sorted[$j].ended -and $chain[$j] + 1 -gt $chain[$i]) { $chain[$i] = $chain[$j] + 1 }
        }
        $longest = [Math]::Max($longest, $chain[$i])
    }
    $longest
}

function Get-TokenFor([object] $Stack, [string] $Path) {
    if ($Path.StartsWith('/graph/')) { return $Stack.Tokens.Graph }
    if ($Path.StartsWith('/synapse/')) { return $Stack.Tokens.Synapse }
    $Stack.Tokens.ResourceManager
}

$scenarioPath = Join-Path $root 'tests/AzureEmulator/Scenarios/prepared-tenant.json'
$prepared = Get-Content -Raw $scenarioPath | ConvertFrom-Json -AsHashtable

# The tenant at scale: query users with read access to the lake, and other principals' role assignments (Reader) spread
# over the scopes the checks list, up to -RoleAssignments in all.
$lake = $prepared.storageAccounts[0]
$lakeScope = "/subscriptions/$($lake.subscriptionId)/resourceGroups/$($lake.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($lake.name)"
$scopes = @("/subscriptions/$($lake.subscriptionId)", "/subscriptions/$($lake.subscriptionId)/resourceGroups/$($lake.resourceGroup)", $lakeScope)
$queryUserIds = foreach ($i in 1..$QueryUsers) {
    $id = 'b0000000-0000-4000-8000-{0:d12}' -f $i
    $prepared.principals += @{ id = $id; type = 'User'; displayName = "Bench Query $i"; userPrincipalName = "bench.query$i@contoso.example" }
    $prepared.roleAssignments += @{ description = "Bench query user $i"; scope = $lakeScope; roleName = 'Storage Blob Data Reader'; principalId = $id }
    $id
}
$others = 100
foreach ($i in 1..$others) {
    $prepared.principals += @{ id = ('c0000000-0000-4000-8000-{0:d12}' -f $i); type = 'User'; displayName = "Bench Other $i"; userPrincipalName = "bench.other$i@contoso.example" }
}
$filler = [Math]::Max(0, $RoleAssignments - @($prepared.roleAssignments).Count)
$prepared.roleAssignments += @(for ($i = 0; $i -lt $filler; $i++) {
    @{ description = "Bench filler $i"; scope = $scopes[$i % $scopes.Count]; roleName = 'Reader'; principalId = ('c0000000-0000-4000-8000-{0:d12}' -f (1 + ($i % $others))) }
})
$stack = Start-CISynapseTestStack -Scenario $prepared
try {
    $connect = $stack.ConnectArguments
    $null = Connect-CISynapseAccount @connect
    $account = $prepared.storageAccounts[0]
    $workspace = $prepared.synapseWorkspaces[0]
    $target = @{
        SubscriptionId             = $workspace.subscriptionId
        WorkspaceResourceGroupName = $workspace.resourceGroup
        WorkspaceName              = $workspace.name
        StorageAccountResourceId   = "/subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
        Container                  = $account.containers[0].name
        QueryUserObjectId          = @($queryUserIds)
    }
    Set-CISynapseEmulatorLatency -Stack $stack -Milliseconds $LatencyMilliseconds

    for ($i = 0; $i -lt $WarmUp; $i++) { $null = Test-CISynapsePrerequisite @target }

    $session = [Microsoft.PowerShell.Commands.WebRequestSession]::new()
    $runs = foreach ($i in 1..$Repetitions) {
        Reset-CISynapseEmulatorRequestLog -Stack $stack
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Test-CISynapsePrerequisite @target)
        $watch.Stop()
        $log = @(Get-CISynapseEmulatorRequestLog -Stack $stack)
        $failed = @($results | Where-Object Status -NE 'Passed')
        if ($failed.Count -gt 0) { throw "The prepared tenant should pass every check; $($failed.CheckId -join ', ') did not. First: $($failed[0] | Format-List * | Out-String)" }
        $serialSum = ($log | ForEach-Object { ([DateTimeOffset]$_.ended - [DateTimeOffset]$_.started).TotalMilliseconds } | Measure-Object -Sum).Sum

        Reset-CISynapseEmulatorRequestLog -Stack $stack
        $replayWatch = [Diagnostics.Stopwatch]::StartNew()
        foreach ($entry in ($log | Sort-Object { [DateTimeOffset]$_.started })) {
            $request = @{ Method = $entry.method; Uri = $stack.EmulatorUrl + $entry.path + $entry.query; WebSession = $session
                Headers = @{ Authorization = "Bearer $(Get-TokenFor $stack $entry.path)" }; SkipHttpErrorCheck = $true }
            if ($entry.method -eq 'POST') {
                # The log has no bodies; the checks POST the display-name lookup of these ids and each principal's groups.
                $request.Body = switch ($entry.route) {
                    'POST graph getByIds' { @{ ids = @($prepared.signedInUser) + $target.QueryUserObjectId; types = @('user', 'group', 'servicePrincipal') } | ConvertTo-Json }
                    'POST graph directoryObjects/{id}/getMemberGroups' { @{ securityEnabledOnly = $true } | ConvertTo-Json }
                    default { throw "No body known to replay $($entry.route)." }
                }
                $request.ContentType = 'application/json'
            }
            $response = Invoke-WebRequest @request
            if ([int]$response.StatusCode -ne [int]$entry.status) { throw "Replaying $($entry.route) gave $($response.StatusCode), not $($entry.status)." }
        }
        $replayWatch.Stop()
        $replayed = @(Get-CISynapseEmulatorRequestLog -Stack $stack)
        if ($replayed.Count -ne $log.Count) { throw "The replay made $($replayed.Count) requests, the run $($log.Count)." }

        [pscustomobject]@{
            Checks         = $results.Count
            Requests       = $log.Count
            Rounds         = Measure-SequentialRound $log
            ConcurrentMs   = $watch.Elapsed.TotalMilliseconds
            SerialSumMs    = $serialSum
            ReplayMs       = $replayWatch.Elapsed.TotalMilliseconds
        }
    }

    $summary = foreach ($measure in 'ConcurrentMs', 'SerialSumMs', 'ReplayMs') {
        $values = [double[]]@($runs.$measure)
        [pscustomobject]@{
            Measure  = $measure
            MedianMs = [Math]::Round((Get-Median $values), 1)
            MinMs    = [Math]::Round(($values | Measure-Object -Minimum).Minimum, 1)
            MaxMs    = [Math]::Round(($values | Measure-Object -Maximum).Maximum, 1)
        }
    }
    $concurrent = ($summary | Where-Object Measure -EQ 'ConcurrentMs').MedianMs
    $roundsMax = ($runs.Rounds | Measure-Object -Maximum).Maximum
    $speedup = [Math]::Round(($summary | Where-Object Measure -EQ 'SerialSumMs').MedianMs / $concurrent, 2)
    $targets = @(
        [ordered]@{ target = 'issue 22: prerequisites at scale in at most 3 sequential rounds'; figure = "$roundsMax rounds"; met = $roundsMax -le 3 }
        [ordered]@{ target = 'issue 22: prerequisites at scale >= 5x the same requests one after another'; figure = "${speedup}x"; met = $speedup -ge 5 }
    )
    $report = [ordered]@{
        Benchmark              = 'Test-CISynapsePrerequisite'
        Date                   = [DateTimeOffset]::UtcNow.ToString('o')
        LatencyMilliseconds    = $LatencyMilliseconds
        QueryUsers             = $QueryUsers
        RoleAssignments        = @($prepared.roleAssignments).Count
        WarmUp                 = $WarmUp
        Repetitions            = $Repetitions
        Checks                 = $runs[0].Checks
        Requests               = $runs[0].Requests
        RoundsMax              = $roundsMax
        Summary                = $summary
        SpeedupOverSerialSum   = $speedup
        SpeedupOverReplay      = [Math]::Round(($summary | Where-Object Measure -EQ 'ReplayMs').MedianMs / $concurrent, 2)
        Targets                = $targets
        Runs                   = $runs
        Machine                = [ordered]@{ OS = [Runtime.InteropServices.RuntimeInformation]::OSDescription; Cores = [Environment]::ProcessorCount; PowerShell = "$($PSVersionTable.PSVersion)" }
    }

    Write-Host "Test-CISynapsePrerequisite: $($report.Checks) checks for $QueryUsers query users among $($report.RoleAssignments) role assignments, $($report.Requests) requests, at most $($report.RoundsMax) rounds; $LatencyMilliseconds ms latency per request; $Repetitions runs after $WarmUp warm-up"
    $summary | Format-Table -AutoSize | Out-Host
    Write-Host "Speed-up: $($report.SpeedupOverSerialSum)x over the serial lower bound (sum of request durations), $($report.SpeedupOverReplay)x over a sequential replay of the same requests."
    foreach ($t in $targets) { Write-Host ("  [{0}] {1}: {2}" -f $(if ($t.met) { 'met' } else { 'NOT met' }), $t.target, $t.figure) }

    $null = New-Item -ItemType Directory -Force -Path $ResultsFolder
    $file = Join-Path $ResultsFolder ("prerequisites-{0:yyyyMMdd-HHmmss}.json" -f [DateTime]::UtcNow)
    $report | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $file -Encoding utf8NoBOM
    Write-Host "Wrote $file"
}
finally {
    Stop-CISynapseTestStack -Stack $stack
}
