# Issue 24 against the local stack: a local CDM folder lends no outside file (item 1).
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $script:Sub = $Prepared.subscriptions[0].subscriptionId
    $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Workspace = $Prepared.synapseWorkspaces[0].name
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container

    function New-Scenario {
        # A fresh store, connection and CDM source; the export is made by the test (some sources are refused).
        param([hashtable] $Rows = @{ Customer = 10; Segments = 5 })
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-CISynapseStore -Location (Join-Path $TestDrive "store-$id")
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows $Rows
        $null = New-CISynapseConnection -Name "conn-$id" -DisplayName 'Synapse' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container
        [pscustomobject]@{ Id = $id; Source = $source.FullName; Connection = "conn-$id"; Export = "export-$id"; Database = "db_$id"; Entities = @($Rows.Keys) }
    }

    function New-ScenarioExport($Scenario, [string] $Source = $Scenario.Source) {
        New-CISynapseExport -Name $Scenario.Export -Connection $Scenario.Connection -Source $Source -DatabaseName $Scenario.Database -Entity $Scenario.Entities
    }

    function Get-LandedBlob([string] $Database) {
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$Database/" | Where-Object { $_.Name -notlike "$Database/_runs/*" -and $_.Name -notlike "$Database/_lock*" })
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'A local CDM folder lends no file from outside it' -Skip:$IsWindows {
    It 'refuses an entity folder that is a symbolic link to an outside folder: SourceFileOutsideFolder, nothing landed' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $outside = Join-Path $TestDrive "outside-$($s.Id)"
        Move-Item -Path (Join-Path $s.Source 'Customer') -Destination $outside
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $s.Source 'Customer') -Target $outside

        $err = $null
        $run = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue

        $run | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceFileOutsideFolder,*'
        $err[0].Exception.Message | Should -Match ([regex]::Escape('Customer'))
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty -Because 'no file is landed once one is refused'
        (Get-CISynapseExportRun -ExportName $s.Export).ErrorId | Should -Be 'SourceFileOutsideFolder'
    }

    It 'refuses a partition file that is a symbolic link to an outside file: SourceFileOutsideFolder, nothing landed' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $secret = Join-Path $TestDrive "secret-$($s.Id).csv"
        Set-Content -Path $secret -Value 'top,secret'
        $partition = Get-ChildItem (Join-Path $s.Source 'Segments') -Filter *.csv | Select-Object -First 1
        Remove-Item $partition.FullName
        $null = New-Item -ItemType SymbolicLink -Path $partition.FullName -Target $secret

        $err = $null
        $null = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceFileOutsideFolder,*'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($partition.Name))
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty
    }

    It 'New-CISynapseExport refuses a source with an entity folder linked outside: SourceFileOutsideFolder' {
        $s = New-Scenario
        $outside = Join-Path $TestDrive "outside-$($s.Id)"
        Move-Item -Path (Join-Path $s.Source 'Customer') -Destination $outside
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $s.Source 'Customer') -Target $outside

        { New-ScenarioExport $s } | Should -Throw -ErrorId 'SourceFileOutsideFolder,*'
    }

    It 'refuses a partition that is a FIFO without blocking: SourceFileNotRegular' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $partition = Get-ChildItem (Join-Path $s.Source 'Segments') -Filter *.csv | Select-Object -First 1
        Remove-Item $partition.FullName
        & mkfifo $partition.FullName

        $err = $null
        $null = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceFileNotRegular,*'
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty
    }
}
