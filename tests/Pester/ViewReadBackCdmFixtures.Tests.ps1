# Reading back the views of every CDM fixture folder the module can export (issue 17), besides sample 1 (covered, with
# header-only partitions, in ViewReadBack.Tests.ps1). The folders are found, not listed by hand: every model.json or
# manifest under shared/fixtures/cdm that Get-CISynapseEntity reads with at least one entity that has attributes.
# These fixtures carry schemas only (no partitions), so each view must read back zero rows, with its columns.
BeforeDiscovery {
    $dir = Split-Path -Parent (Resolve-Path (Join-Path $PSScriptRoot '../..'))
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/fixtures/cdm'))) { $dir = Split-Path -Parent $dir }
    $script:FixtureRoot = Join-Path $dir 'shared/fixtures/cdm'
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    $script:Folders = @(Get-ChildItem -Recurse -Path $FixtureRoot -Include 'model.json', '*.manifest.cdm.json' |
            Select-Object -ExpandProperty DirectoryName -Unique | Sort-Object |
            Where-Object { $_ -notlike '*1-read-manifest*' } |
            ForEach-Object {
                $folder = $_
                $entities = @(try { Get-CISynapseEntity -Source $folder -ErrorAction Stop -WarningAction SilentlyContinue } catch { })
                $exportable = @($entities | Where-Object AttributeCount -GT 0)
                if ($exportable) {
                    @{ Folder = $folder; Name = $folder.Substring($FixtureRoot.Length + 1); Entities = @($exportable | ForEach-Object Name) }
                }
            })
}

BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container
    $script:Exported = 0
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Views of the CDM fixture folders read back through the serverless SQL endpoint' {
    It 'finds exportable fixture folders besides sample 1' {
        $Folders.Count | Should -BeGreaterThan 0
    }

    It 'exports <Name> and reads every view back with the source rows' -ForEach $Folders {
        $script:Exported++
        $database = "Fixture$Exported"
        $null = New-CISynapseExport -Name "fixture$Exported" -DisplayName $Name -Connection 'lake' -Source $Folder -DatabaseName $database `
            -Entity $Entities -DeploymentMode Apply -WarningAction SilentlyContinue

        $run = Invoke-CISynapseExport -Name "fixture$Exported" -Confirm:$false -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        $run.SqlApplied | Should -BeTrue
        foreach ($entity in Get-CISynapseEntity -Source $Folder -Name $Entities -WarningAction SilentlyContinue) {
            $entity.PartitionCount | Should -Be 0 -Because 'these fixtures hold schemas only; a folder with data needs a value comparison here'
            (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $database -Query "SELECT COUNT(*) AS n FROM [dbo].[$($entity.Name)]").n | Should -Be 0
            @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $database -Query "SELECT * FROM [dbo].[$($entity.Name)]") | Should -BeNullOrEmpty
            $view = (Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $database).views | Where-Object name -EQ $entity.Name
            @($view.columns).Count | Should -Be $entity.AttributeCount
        }
    }
}
