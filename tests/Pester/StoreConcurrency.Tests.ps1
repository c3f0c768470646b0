# Concurrency (issue 12): 20 separate PowerShell processes edit one local store at once and nothing is lost.
# Each creates its own connection, grants its own role (the role document is shared and merged), and updates a
# shared connection, retrying on StoreConflict; afterwards every change is there and the shared document's
# revision counts every update exactly once.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:Workers = 20
    $script:UserId = 'a1b2c3d4-0000-4000-8000-000000000011'
    $script:Token = New-CISynapseTestToken -ObjectId $UserId -TenantId 'c1a5e0d2-0000-4000-8000-000000000001' -Audience 'https://127.0.0.1:1'
    $null = Connect-CISynapseAccount -AccessToken $Token -ResourceManagerUrl 'https://127.0.0.1:1/'
    $script:StorePath = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StorePath
    $script:Target = @{ SubscriptionId = '5f1c0000-0000-4000-8000-000000000001'; ResourceGroupName = 'rg-ci'; WorkspaceName = 'ws-ci'
        StorageAccountName = 'cilake'; Container = 'exports'; SkipValidation = $true }
    $null = New-CISynapseConnection -Name 'Shared' @Target -WarningAction SilentlyContinue

    $script:WorkerScript = Join-Path $TestDrive 'worker.ps1'
    Set-Content -LiteralPath $WorkerScript -Value @'
param([string] $Module, [string] $Store, [int] $Index, [string] $Token, [string] $Go)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$null = Connect-CISynapseAccount -AccessToken $Token -ResourceManagerUrl 'https://127.0.0.1:1/'
Set-CISynapseStore -Location $Store
$target = @{ SubscriptionId = '5f1c0000-0000-4000-8000-000000000001'; ResourceGroupName = 'rg-ci'; WorkspaceName = 'ws-ci'
    StorageAccountName = 'cilake'; Container = 'exports'; SkipValidation = $true }
# Start together: every process has loaded the module and signed in before any edits.
$null = New-Item -ItemType File -Path "$Go.ready-$Index"
while (-not (Test-Path -LiteralPath $Go)) { Start-Sleep -Milliseconds 20 }
$null = New-CISynapseConnection -Name "Worker$Index" @target
$null = Grant-CISynapseRole -PrincipalId ('b0000000-0000-4000-8000-{0:d12}' -f $Index) -Role Viewer -DisplayName "Worker $Index"
$conflicts = 0
for ($attempt = 1; ; $attempt++) {
    $shared = Get-CISynapseConnection -Name 'Shared'
    try {
        $shared | Set-CISynapseConnection -DisplayName "Shared, last changed by $Index" -SkipValidation
        break
    } catch {
        if ($_.FullyQualifiedErrorId -notlike 'StoreConflict,*' -or $attempt -ge 500) { throw }
        $conflicts++
        Start-Sleep -Milliseconds (Get-Random -Minimum 1 -Maximum 30)
    }
}
"done $Index conflicts=$conflicts"
'@

    function Start-Worker([int] $Index, [string] $Go) {
        $info = [Diagnostics.ProcessStartInfo]::new()
        $pwsh = Join-Path $PSHOME 'pwsh'
        if (Test-Path $pwsh) { $info.FileName = $pwsh } else { $info.FileName = 'dotnet'; $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $WorkerScript, '-Module', $env:CISYNAPSE_TEST_MODULE,
            '-Store', $StorePath, '-Index', "$Index", '-Token', $Token, '-Go', $Go) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [Diagnostics.Process]::new()
        $process.StartInfo = $info
        $null = $process.Start()
        [pscustomobject]@{ Index = $Index; Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }
}

AfterAll {
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Twenty processes editing one local store' {
    It 'loses no connection, no role and no update' {
        $go = Join-Path $TestDrive 'go'
        $started = foreach ($i in 1..$Workers) { Start-Worker -Index $i -Go $go }
        try {
            # Wait until every process has loaded the module, then release them together. Twenty processes start
            # slowly on a busy 2-core machine: the deadlines only guard against a hang, and a worker that exits
            # before it is ready ends the wait at once, with its errors.
            $readyBy = [DateTime]::UtcNow.AddMinutes(10)
            while (@(Get-ChildItem -Path "$go.ready-*").Count -lt $Workers -and [DateTime]::UtcNow -lt $readyBy -and
                -not ($started.Process | Where-Object HasExited)) { Start-Sleep -Milliseconds 100 }
            $exited = @($started | Where-Object { $_.Process.HasExited })
            $exited | Should -BeNullOrEmpty -Because "no worker should stop before the start ($(@($exited | ForEach-Object { $_.Errors.Result }) -join ' '))"
            @(Get-ChildItem -Path "$go.ready-*").Count | Should -Be $Workers
            $null = New-Item -ItemType File -Path $go
            $deadline = [DateTime]::UtcNow.AddMinutes(10)
            foreach ($worker in $started) {
                $left = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
                $null = $worker.Process.WaitForExit($left)
            }
        } finally {
            foreach ($worker in $started) {
                if (-not $worker.Process.HasExited) { $worker.Process.Kill($true); $null = $worker.Process.WaitForExit(5000) }
            }
        }

        foreach ($worker in $started) {
            $worker.Process.ExitCode | Should -Be 0 -Because "worker $($worker.Index): $($worker.Errors.Result) $($worker.Output.Result)"
            $worker.Output.Result | Should -Match "done $($worker.Index) "
        }
        $connections = @(Get-CISynapseConnection)
        $connections.Count | Should -Be ($Workers + 1)
        foreach ($i in 1..$Workers) { $connections.Name | Should -Contain "Worker$i" }
        $roles = @(Get-CISynapseRole)
        $roles.Count | Should -Be ($Workers + 1)
        foreach ($i in 1..$Workers) { $roles.PrincipalId | Should -Contain ('b0000000-0000-4000-8000-{0:d12}' -f $i) }
        $shared = Get-CISynapseConnection -Name 'Shared'
        $shared.Revision | Should -Be ($Workers + 1) -Because 'each of the 20 updates was saved exactly once, none overwrote another'
        $shared.DisplayName | Should -Match '^Shared, last changed by \d+$'
        @(Get-ChildItem -Recurse -Force -File $StorePath -Filter '.tmp-*') | Should -BeNullOrEmpty
        $conflicts = ($started | ForEach-Object { [int]([regex]::Match($_.Output.Result, 'conflicts=(\d+)').Groups[1].Value) } | Measure-Object -Sum).Sum
        Write-Host "  $Workers processes, $conflicts StoreConflict retries on the shared connection"
    }
}
