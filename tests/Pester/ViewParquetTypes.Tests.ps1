# Parquet views typed from the landed files' footers (issue 16 item 5): CDM int32 over Parquet INT64, decimal over
# DOUBLE, guid over a UTF8 string and a declared-but-missing column read back exact through the emulator's serverless
# SQL endpoint; a column with no documented conversion (DOUBLE into int32) fails the entity with
# IncompatibleParquetColumn before its view moves, and the view keeps reading the previous snapshot.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $sub = $Prepared.subscriptions[0].subscriptionId
    $rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $sub -ResourceGroupName $rg `
        -WorkspaceName $Prepared.synapseWorkspaces[0].name -StorageAccountName $Account -Container $Container

    function Write-ModelJson([string] $Folder, [object[]] $Entities) {
        [ordered]@{ name = 'CustomerInsights'; version = '1.0'; entities = @($Entities) } | ConvertTo-Json -Depth 10 |
            Set-Content -LiteralPath (Join-Path $Folder 'model.json') -Encoding utf8NoBOM
    }

    $script:Columns = @(@{ Name = 'Count'; Type = [long] }, @{ Name = 'Amount'; Type = [double] }, @{ Name = 'Key'; Type = [string] }, @{ Name = 'Name'; Type = [string] })
    $script:Attributes = @(
        [ordered]@{ name = 'Count'; dataType = 'int32' }
        [ordered]@{ name = 'Amount'; dataType = 'decimal'; precision = 10; scale = 2 }
        [ordered]@{ name = 'Key'; dataType = 'guid' }
        [ordered]@{ name = 'Name'; dataType = 'string' }
        [ordered]@{ name = 'Seen'; dataType = 'dateTime' }
    )
    $script:Folder = Join-Path $TestDrive 'typed'
    Write-CISynapseTestParquetFile (Join-Path $Folder 'Typed/2026/11/28/part-0.parquet') $Columns @(
        @{ Count = [long]42; Amount = [double]12.34; Key = '00000000-0000-4000-8000-000000000001'; Name = 'first' }
        @{ Count = [long]-7; Amount = [double]-0.5; Key = ''; Name = $null }
    )
    Write-CISynapseTestParquetFile (Join-Path $Folder 'Typed/part-1.parquet') $Columns @(
        @{ Count = [long]2147483647; Amount = [double]99999999.99; Key = '00000000-0000-4000-8000-000000000003'; Name = 'third' }
    )
    $partitions = @(
        [ordered]@{ name = 'p0'; location = 'Typed/2026/11/28/part-0.parquet' }
        [ordered]@{ name = 'p1'; location = 'Typed/part-1.parquet' }
    )
    Write-ModelJson $Folder @([ordered]@{ '$type' = 'LocalEntity'; name = 'Typed'; attributes = $Attributes; partitions = $partitions })
    $null = New-CISynapseExport -Name 'typed' -DisplayName 'Parquet types' -Connection 'lake' -Source $Folder -DatabaseName 'ParquetTypesDb' `
        -Entity 'Typed' -DeploymentMode Apply
    $script:FirstRun = Invoke-CISynapseExport -Name 'typed' -Confirm:$false -WarningAction SilentlyContinue
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Parquet views typed from the landed files'' footers' {
    It 'lands the entity and applies its view' {
        $FirstRun.Status | Should -Be 'Succeeded'
        $FirstRun.SqlApplied | Should -BeTrue
        ($FirstRun.Entities | Where-Object Entity -EQ 'Typed').Action | Should -Be 'Landed'
    }

    It 'reads CDM int32 over INT64, decimal over DOUBLE, guid over UTF8 and the missing column back exact' {
        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ParquetTypesDb' -Query 'SELECT [Count], [Amount], [Key], [Name], [Seen] FROM [dbo].[Typed] ORDER BY [Count]')

        $rows.Count | Should -Be 3
        $rows[0].Count | Should -BeOfType [int]
        $rows[0].Amount | Should -BeOfType [decimal]
        $rows[1].Key | Should -BeOfType [guid]
        @($rows | ForEach-Object { $_.Count }) | Should -Be @(-7, 42, 2147483647)
        @($rows | ForEach-Object { $_.Amount }) | Should -Be @([decimal]'-0.5', [decimal]'12.34', [decimal]'99999999.99')
        @($rows | ForEach-Object { "$($_.Key)" }) | Should -Be @('', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003')
        @($rows | ForEach-Object { "$($_.Name)" }) | Should -Be @('', 'first', 'third')
        @($rows | Where-Object { $_.Seen -isnot [System.DBNull] -and $null -ne $_.Seen }) | Should -BeNullOrEmpty
    }

    It 'declares the file types in WITH, converts in SELECT and casts the missing column' {
        $script = [Text.Encoding]::UTF8.GetString((Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name $FirstRun.SqlScriptPath))

        $script | Should -Match ([regex]::Escape('TRY_CONVERT(int, [Count]) AS [Count]'))
        $script | Should -Match ([regex]::Escape('TRY_CONVERT(decimal(10,2), [Amount]) AS [Amount]'))
        $script | Should -Match ([regex]::Escape("TRY_CONVERT(uniqueidentifier, NULLIF([Key], '')) AS [Key]"))
        $script | Should -Match ([regex]::Escape('CAST(NULL AS datetime2(7)) AS [Seen]'))
        $script | Should -Match ([regex]::Escape("[Count] bigint,`n    [Amount] float,"))
        $script | Should -Not -Match ([regex]::Escape('[Seen] datetime2'))
    }

    It 'fails an incompatible column with IncompatibleParquetColumn before the view moves, keeping the previous snapshot' {
        $previous = ($FirstRun.Entities | Where-Object Entity -EQ 'Typed').SnapshotId
        $doubleCount = @(@{ Name = 'Count'; Type = [double] }) + $Columns[1..3]
        Write-CISynapseTestParquetFile (Join-Path $Folder 'Typed/part-1.parquet') $doubleCount @(
            @{ Count = [double]1.5; Amount = [double]1; Key = '00000000-0000-4000-8000-000000000009'; Name = 'changed' }
        )
        Write-CISynapseTestParquetFile (Join-Path $Folder 'Typed/2026/11/28/part-0.parquet') $doubleCount @(
            @{ Count = [double]2.5; Amount = [double]2; Key = '00000000-0000-4000-8000-000000000008'; Name = 'changed' }
        )

        $failure = { Invoke-CISynapseExport -Name 'typed' -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru

        $run = $failure.TargetObject
        $run.Status | Should -Be 'Failed'
        $entity = $run.Entities | Where-Object Entity -EQ 'Typed'
        $entity.Action | Should -Be 'Failed'
        $entity.ErrorId | Should -Be 'IncompatibleParquetColumn'
        $entity.Error | Should -Match "column 'Count' of entity 'Typed' is Parquet DOUBLE in '.*part-0\.parquet', which serverless SQL reads as float; the CDM declares it int32 \(int\)"
        $entity.SnapshotId | Should -Be $previous
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'ParquetTypesDb' -Query 'SELECT [Name] FROM [dbo].[Typed] ORDER BY [Count]' | ForEach-Object { "$($_.Name)" }) |
            Should -Be @('', 'first', 'third')
    }
}
