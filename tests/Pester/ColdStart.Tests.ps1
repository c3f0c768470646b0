# Cold start (issue 22): a run with nothing changed generates, parses and sends no T-SQL (a fresh pwsh never loads
# ScriptDom), and a run where one entity changed sends only that entity's view.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ChildPwsh.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    $script:StorePath = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StorePath
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $script:ConnectPath = Join-Path $TestDrive 'connect.json'
    $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $ConnectPath
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container
    $script:Source = Join-Path $TestDrive 'source'
    $null = New-CISynapseTestCdmFolder -Path $Source -Rows @{ Customer = 5; Segments = 5; UnifiedActivity = 5 }
    $null = New-CISynapseExport -Name 'cold' -DisplayName 'Cold' -Connection 'lake' -Source $Source -DatabaseName 'ColdDb' `
        -Entity Customer, Segments, UnifiedActivity -DeploymentMode Apply
    $script:First = Invoke-CISynapseExport -Name 'cold' -Confirm:$false -WarningAction SilentlyContinue

    # A runbook's run: a new pwsh that imports the module, connects with tokens and runs the export once.
    $script:Runbook = Join-Path $TestDrive 'runbook.ps1'
    Set-Content -LiteralPath $Runbook -Value @'
param([string] $Module, [string] $Store, [string] $ConnectPath)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$connect = Get-Content -Raw -LiteralPath $ConnectPath | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
Set-CISynapseStore -Location $Store
$record = Invoke-CISynapseExport -Name 'cold' -Confirm:$false -WarningAction SilentlyContinue
[pscustomobject]@{
    Status          = "$($record.Status)"
    SqlApplied      = $record.SqlApplied
    SqlScriptPath   = $record.SqlScriptPath
    Actions         = @($record.Entities | ForEach-Object { "$($_.Entity)=$($_.Action)" })
    ScriptDomLoaded = [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.SqlServer.TransactSql.ScriptDom' })
} | ConvertTo-Json -Compress
'@
    function script:Invoke-Runbook {
        Invoke-ChildPwshJson -File $Runbook -Module $env:CISYNAPSE_TEST_MODULE -Store $StorePath -ConnectPath $ConnectPath
    }
    function script:Get-BatchCount { @(Get-CISynapseEmulatorSqlBatch -Stack $Stack).Count }
    function script:Get-BatchSince([int] $Count) { @(Get-CISynapseEmulatorSqlBatch -Stack $Stack | Select-Object -Skip $Count) }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'A runbook run with nothing changed' {
    It 'changes no SQL object, saves no script and never loads the T-SQL parser' {
        $First.Status | Should -Be 'Succeeded'
        $before = Get-BatchCount

        $run = Invoke-Runbook

        $run.Status | Should -Be 'Succeeded'
        $run.Actions | Sort-Object | Should -Be @('Customer=Unchanged', 'Segments=Unchanged', 'UnifiedActivity=Unchanged')
        $run.SqlApplied | Should -BeTrue
        $run.SqlScriptPath | Should -BeNullOrEmpty
        $run.ScriptDomLoaded | Should -BeFalse
        $sent = Get-BatchSince $before
        # Only reads: the owner marker and the list of views.
        @($sent | Where-Object { $_.text -notmatch '^\s*SELECT\b' }) | Should -BeNullOrEmpty -Because "it sent: $(($sent | ForEach-Object text) -join ' | ')"
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ColdDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Customer]').N | Should -Be 5
    }
}

Describe 'A runbook run where one entity changed' {
    It 'sends only that entity''s view, and the view reads the new rows' {
        $changed = Join-Path $TestDrive 'changed'
        $null = New-CISynapseTestCdmFolder -Path $changed -Rows @{ Customer = 8 }
        Get-ChildItem -LiteralPath (Join-Path $changed 'Customer') -File | Copy-Item -Destination (Join-Path $Source 'Customer') -Force
        $before = Get-BatchCount

        $run = Invoke-Runbook

        $run.Status | Should -Be 'Succeeded'
        $run.Actions | Sort-Object | Should -Be @('Customer=Landed', 'Segments=Unchanged', 'UnifiedActivity=Unchanged')
        $run.SqlScriptPath | Should -Not -BeNullOrEmpty
        $changes = @(Get-BatchSince $before | Where-Object { $_.text -notmatch '^\s*SELECT\b' })
        $changes.Count | Should -Be 1 -Because "it sent: $(($changes | ForEach-Object text) -join ' | ')"
        $changes[0].text | Should -Match '^CREATE OR ALTER VIEW \[dbo\]\.\[Customer\]'
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ColdDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Customer]').N | Should -Be 8
    }
}

Describe 'A run after the database was dropped' {
    It 'makes the database and every view again' {
        Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'master' -Query 'DROP DATABASE [ColdDb]' | Out-Null

        $record = Invoke-CISynapseExport -Name 'cold' -Confirm:$false -WarningAction SilentlyContinue

        $record.Status | Should -Be 'Succeeded'
        @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'ColdDb').views | Where-Object schema -EQ 'dbo' | ForEach-Object name | Sort-Object) |
            Should -Be @('Customer', 'Segments', 'UnifiedActivity')
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ColdDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Segments]').N | Should -Be 5
    }
}
