# Issue 24 item 2: a serverless database belongs to one export at a time, decided atomically. In one store the
# claim document decides (ten processes creating exports of one database: one winner); across stores and
# containers the database's owner marker does (the second run is refused before it lands or changes anything).
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RunReliability.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $script:Direct = $Stack.PSObject.Copy()
    $Direct.AzuriteBlobUrl = $Stack.DirectAzuriteBlobUrl
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    $script:SecondContainer = 'second'
    New-CISynapseTestBlobContainer -Stack $Direct -Account $Account -Container $Container
    New-CISynapseTestBlobContainer -Stack $Direct -Account $Account -Container $SecondContainer
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $script:ConnectPath = Join-Path $TestDrive 'connect.json'
    $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $ConnectPath
    $script:Source = (New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'ci') -EntityCount 2 -RowsPerEntity 4 -PartitionsPerEntity 1 -Seed 7).FullName
    $workspace = $Prepared.synapseWorkspaces[0]
    $script:Target = @{ SubscriptionId = $Prepared.subscriptions[0].subscriptionId; ResourceGroupName = $workspace.resourceGroup
        WorkspaceName = $workspace.name; StorageAccountName = $Account }

    function Open-Store([string] $Name, [string] $Container) {
        $path = Join-Path $TestDrive $Name
        Set-CISynapseStore -Location $path
        if (-not (Get-CISynapseConnection -Name 'lake' -ErrorAction SilentlyContinue)) {
            $null = New-CISynapseConnection -Name 'lake' @Target -Container $Container -SkipValidation -WarningAction SilentlyContinue
        }
        $path
    }
    function Invoke-Run([string] $Name) { Invoke-CISynapseExport -Name $Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue }
    function Get-Database([string] $Database) { Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $Database }
    function Get-Views([string] $Database) { @((Get-Database $Database).views | ForEach-Object { "$($_.name)=$($_.bulk)" } | Sort-Object) }
    function Get-LakeBlobName([string] $Container, [string] $Prefix) { @(Get-CISynapseTestBlob -Stack $Direct -Account $Account -Container $Container -Prefix $Prefix | ForEach-Object Name) }
    function Get-RunFailure([scriptblock] $Run) {
        try { & $Run; $null } catch { $_ }
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Ten processes creating exports of one database into one store' {
    It 'create exactly one export; the nine others are refused with DatabaseNameInUse and leave nothing' {
        $store = Open-Store 'race-store' $Container
        $worker = Join-Path $TestDrive 'create-worker.ps1'
        Set-Content -LiteralPath $worker -Value @'
param([string] $Module, [string] $Store, [string] $ConnectPath, [string] $Source, [int] $Index, [string] $Go)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$connect = Get-Content -Raw -LiteralPath $ConnectPath | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
Set-CISynapseStore -Location $Store
$null = New-Item -ItemType File -Path "$Go.ready-$Index"
while (-not (Test-Path -LiteralPath $Go)) { Start-Sleep -Milliseconds 20 }
try {
    $null = New-CISynapseExport -Name "Racer$Index" -Connection 'lake' -Source $Source -DatabaseName 'db_race' -Entity '*'
    'created'
} catch { $_.FullyQualifiedErrorId.Split(',')[0] }
'@
        $go = Join-Path $TestDrive 'go'
        $workers = foreach ($i in 1..10) {
            $info = [Diagnostics.ProcessStartInfo]::new()
            $pwsh = Join-Path $PSHOME 'pwsh'
            if (Test-Path $pwsh) { $info.FileName = $pwsh } else { $info.FileName = 'dotnet'; $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
            foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $worker, '-Module', $env:CISYNAPSE_TEST_MODULE, '-Store', $store,
                '-ConnectPath', $ConnectPath, '-Source', $Source, '-Index', "$i", '-Go', $go) { $info.ArgumentList.Add($argument) }
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $info.UseShellExecute = $false
            $process = [Diagnostics.Process]::Start($info)
            [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
        }
        try {
            # The deadlines only guard against a hang; a worker that stops early ends the wait at once.
            $readyBy = [DateTime]::UtcNow.AddMinutes(10)
            while (@(Get-ChildItem -Path "$go.ready-*").Count -lt 10 -and [DateTime]::UtcNow -lt $readyBy -and
                -not ($workers.Process | Where-Object HasExited)) { Start-Sleep -Milliseconds 100 }
            @($workers | Where-Object { $_.Process.HasExited }) | Should -BeNullOrEmpty -Because 'every worker waits for the start'
            $null = New-Item -ItemType File -Path $go
            foreach ($w in $workers) { $w.Process.WaitForExit(600000) | Should -BeTrue }
        }
        finally {
            foreach ($w in $workers) { if (-not $w.Process.HasExited) { $w.Process.Kill($true) } }
        }

        $outcomes = @($workers | ForEach-Object { "$($_.Output.Result)".Trim() })
        @($outcomes | Where-Object { $_ -eq 'created' }).Count | Should -Be 1 -Because "outcomes: $($outcomes -join ', '); errors: $(@($workers.Errors.Result) -join ' ')"
        @($outcomes | Where-Object { $_ -eq 'DatabaseNameInUse' }).Count | Should -Be 9 -Because "outcomes: $($outcomes -join ', ')"
        @(Get-CISynapseExport | Where-Object DatabaseName -EQ 'db_race').Count | Should -Be 1
    }
}

Describe 'Two stores and two containers feeding one serverless database' {
    BeforeAll {
        $null = Open-Store 'store-a' $Container
        $null = New-CISynapseExport -Name 'first' -Connection 'lake' -Source $Source -DatabaseName 'db_shared' -Entity '*'
        (Invoke-Run 'first').Status | Should -Be 'Succeeded'
        $script:FirstViews = Get-Views 'db_shared'
        $script:FirstDataSources = @((Get-Database 'db_shared').dataSources | ForEach-Object location)
        $FirstViews.Count | Should -Be 2
    }

    It 'refuses the run of an export in another store on <Case> with DatabaseOwnedElsewhere, landing and changing nothing' -ForEach @(
        @{ Case = 'another container of the workspace'; StoreName = 'store-b'; Lake = 'second'; Database = 'db_shared' }
        @{ Case = 'the same container'; StoreName = 'store-c'; Lake = $null; Database = 'db_shared' }
    ) {
        $lake = if ($Lake) { $Lake } else { $Container }
        $null = Open-Store $StoreName $lake
        $null = New-CISynapseExport -Name 'second' -Connection 'lake' -Source $Source -DatabaseName $Database -Entity '*'
        $before = @(Get-LakeBlobName $lake "$Database/")

        $failure = Get-RunFailure { Invoke-Run 'second' }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'ExportRunFailed,*'
        $failure.Exception.InnerException.ErrorId | Should -Be 'DatabaseOwnedElsewhere'
        $failure.Exception.InnerException.Message | Should -BeLike "*'first'*"
        (Get-CISynapseExportRun -ExportName 'second' -Last 1).ErrorId | Should -Be 'DatabaseOwnedElsewhere'
        Get-Views $Database | Should -Be $FirstViews
        @((Get-Database $Database).dataSources | ForEach-Object location) | Should -Be $FirstDataSources
        $landed = @(Get-LakeBlobName $lake "$Database/" | Where-Object { $_ -notin $before -and $_ -notlike "$Database/_runs/*" })
        $landed | Should -BeNullOrEmpty -Because 'a refused run lands nothing'
    }

    It 'lets the store remove the export and create it again, and the new export runs into the database' {
        $null = Open-Store 'store-a' $Container
        Remove-CISynapseExport -Name 'first' -Confirm:$false
        $null = New-CISynapseExport -Name 'first' -Connection 'lake' -Source $Source -DatabaseName 'db_shared' -Entity '*'

        (Invoke-Run 'first').Status | Should -Be 'Succeeded'
    }

    It 'releases the database when the export is given another one, so another export of the store can take it' {
        $null = Open-Store 'store-a' $Container
        Set-CISynapseExport -Name 'first' -DatabaseName 'db_moved' -Confirm:$false
        $null = New-CISynapseExport -Name 'successor' -Connection 'lake' -Source $Source -DatabaseName 'db_shared' -Entity '*'

        (Invoke-Run 'successor').Status | Should -Be 'Succeeded'
        $failure = Get-RunFailure { $null = Open-Store 'store-b' 'second'; Invoke-Run 'second' }
        $failure.Exception.InnerException.ErrorId | Should -Be 'DatabaseOwnedElsewhere'
        $failure.Exception.InnerException.Message | Should -BeLike "*'successor'*"
    }
}
