# Invoke-CISynapseExport against the local stack, sentence by sentence of the Customer Insights documentation's
# "Configure an export", "Update an export" and FAQ sections: lake contents, the generated SQL, the run records.
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
        # A fresh store, connection, CDM source and database name for each test.
        param([hashtable] $Rows = @{ Customer = 40; UnifiedActivity = 90; Segments = 12 }, [string[]] $Entity = @('Customer', 'UnifiedActivity', 'Segments'), [string] $DeploymentMode = 'Apply')
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-CISynapseStore -Location (Join-Path $TestDrive "store-$id")
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows $Rows -PartitionsPerEntity 2
        $null = New-CISynapseConnection -Name "conn-$id" -DisplayName 'Synapse' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container
        $export = New-CISynapseExport -Name "export-$id" -DisplayName 'Customers to Synapse' -Connection "conn-$id" -Source $source.FullName -DatabaseName "db_$id" -Entity $Entity -DeploymentMode $DeploymentMode
        [pscustomobject]@{ Id = $id; Source = $source.FullName; Export = $export; Database = "db_$id" }
    }

    function Get-LakeModel([string] $Database) {
        $bytes = Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name "$Database/model.json"
        [Text.Encoding]::UTF8.GetString($bytes) | ConvertFrom-Json
    }

    function Get-SnapshotOf($Model, [string] $Entity) {
        $entry = $Model.entities | Where-Object name -EQ $Entity
        ($entry.annotations | Where-Object name -EQ 'cisynapse:snapshotId').value
    }

    function Update-TestEntity([string] $Source, [hashtable] $Rows) {
        # Rewrites only the named entities' partitions (the others keep their files, so they are unchanged).
        $scratch = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-CISynapseTestCdmFolder -Path $scratch -Rows $Rows -PartitionsPerEntity 2
        foreach ($name in $Rows.Keys) { Copy-Item -Path (Join-Path $scratch $name '*') -Destination (Join-Path $Source $name) -Force }
    }

    function Get-ViewBulk([string] $Database, [string] $View) {
        ((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $Database).views | Where-Object name -EQ $View).bulk
    }

    function Get-RunScript($Run) {
        [Text.Encoding]::UTF8.GetString((Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name $Run.SqlScriptPath))
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Configure an export' {
    It 'saving an export does not run it' {
        $s = New-Scenario
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Should -BeNullOrEmpty
        Get-CISynapseExportRun -ExportName $s.Export.Name | Should -BeNullOrEmpty
    }

    It 'runs on demand: lands every selected entity byte for byte, commits model.json, saves the T-SQL and records the run' {
        $s = New-Scenario
        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        $run.EntitiesLanded | Should -Be 3
        $run.SqlApplied | Should -BeTrue
        $run.DeploymentMode | Should -Be 'Apply'
        $model = Get-LakeModel $s.Database
        @($model.entities.name | Sort-Object) | Should -Be @('Customer', 'Segments', 'UnifiedActivity')
        foreach ($entity in 'Customer', 'UnifiedActivity', 'Segments') {
            $snapshot = Get-SnapshotOf $model $entity
            $snapshot | Should -Be ($run.Entities | Where-Object Entity -EQ $entity).SnapshotId
            foreach ($file in Get-ChildItem (Join-Path $s.Source $entity) -Filter *.csv) {
                $landed = Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name "$($s.Database)/$entity/$snapshot/$($file.Name)"
                [Convert]::ToBase64String($landed) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($file.FullName)))
            }
        }

        $script = Get-RunScript $run
        $script | Should -Match ([regex]::Escape("CREATE DATABASE [$($s.Database)]"))
        foreach ($entity in 'Customer', 'UnifiedActivity', 'Segments') {
            $script | Should -Match ([regex]::Escape("CREATE OR ALTER VIEW [dbo].[$entity]"))
            $script | Should -Match ([regex]::Escape("$entity/$(Get-SnapshotOf $model $entity)/**"))
        }
        $script | Should -Match ([regex]::Escape("TRY_CONVERT(decimal(38,18), NULLIF([LifetimeValue], '')) AS [LifetimeValue]"))
        $script | Should -Match ([regex]::Escape("TRY_CONVERT(datetimeoffset(7), NULLIF([ActivityTime], ''), 127) AS [ActivityTime]"))
        $script | Should -Match ([regex]::Escape('[LifetimeValue] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8'))
        foreach ($entity in 'Customer', 'UnifiedActivity', 'Segments') {
            Get-ViewBulk $s.Database $entity | Should -Be "$entity/$(Get-SnapshotOf $model $entity)/**" -Because 'the view reads the landed snapshot'
        }

        $recorded = Get-CISynapseExportRun -ExportName $s.Export.Name
        $recorded.RunId | Should -Be $run.RunId
        $recorded.Status | Should -Be 'Succeeded'
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/_runs/$($run.RunId).json" | Should -Not -BeNullOrEmpty
    }

    It 'shows the plan and the T-SQL with -WhatIf and changes nothing' {
        $s = New-Scenario
        # "What if:" lines go to the host, which a transcript records.
        $transcript = Join-Path $TestDrive "whatif-$($s.Id).txt"
        $null = Start-Transcript -Path $transcript
        try { Invoke-CISynapseExport -Name $s.Export.Name -WhatIf } finally { $null = Stop-Transcript }
        $output = Get-Content -Raw $transcript
        $output | Should -Match 'What if: .*Land.*Customer'
        $output | Should -Match 'Land'
        $output | Should -Match 'CREATE OR ALTER VIEW'
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Should -BeNullOrEmpty
        Get-CISynapseExportRun -ExportName $s.Export.Name | Should -BeNullOrEmpty
    }

    It 'runs each export piped from Get-CISynapseExport, without a prompt' {
        $s = New-Scenario
        $runs = @(Get-CISynapseExport -Name $s.Export.Name | Invoke-CISynapseExport -Confirm:$false -WarningAction SilentlyContinue)
        $runs.Count | Should -Be 1
        $runs[0].ExportName | Should -Be $s.Export.Name
    }
}

Describe 'ScriptOnly deployment' {
    It 'lands the data and saves the T-SQL without sending it' {
        $s = New-Scenario -DeploymentMode ScriptOnly
        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $run.Status | Should -Be 'Succeeded'
        $run.SqlApplied | Should -BeFalse
        ($warnings -join ' ') | Should -Match 'ScriptOnly'
        Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database | Should -BeNullOrEmpty
        (Get-RunScript $run) | Should -Match 'CREATE OR ALTER VIEW'
    }
}

Describe 'Scheduled refreshes' {
    It 'moves nothing when the source has not changed, and lands only what changed' {
        $s = New-Scenario
        $first = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $before = Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Where-Object Name -NotMatch '/_(runs|sql|lock)'

        $second = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $second.EntitiesUnchanged | Should -Be 3
        $second.Files | Should -Be 0
        $after = Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Where-Object Name -NotMatch '/_(runs|sql|lock)'
        ($after | ForEach-Object { "$($_.Name) $($_.ETag)" }) | Should -Be ($before | ForEach-Object { "$($_.Name) $($_.ETag)" })

        Update-TestEntity -Source $s.Source -Rows @{ Customer = 45 }
        $third = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        ($third.Entities | Where-Object Entity -EQ 'Customer').Action | Should -Be 'Landed'
        @($third.Entities | Where-Object Action -EQ 'Unchanged').Count | Should -Be 2
        $model = Get-LakeModel $s.Database
        $previous = ($first.Entities | Where-Object Entity -EQ 'Customer').SnapshotId
        Get-SnapshotOf $model 'Customer' | Should -Not -Be $previous
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/Customer/$previous/" | Should -Not -BeNullOrEmpty -Because 'the previous snapshot is kept'
        Get-ViewBulk $s.Database 'Customer' | Should -Be "Customer/$(Get-SnapshotOf $model 'Customer')/**"
        (Get-CISynapseExportRun -ExportName $s.Export.Name).Count | Should -Be 3
    }

    It 'ends PartiallySucceeded when one entity cannot be landed, and leaves that entity on its old snapshot' {
        $s = New-Scenario
        $first = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $oldSegments = ($first.Entities | Where-Object Entity -EQ 'Segments').SnapshotId
        $null = New-CISynapseTestCdmFolder -Path $s.Source -Rows @{ Customer = 41; UnifiedActivity = 91; Segments = 13 } -PartitionsPerEntity 2
        Remove-Item (Join-Path $s.Source 'Segments/part-00001.csv')

        $failure = $null
        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failure

        $run.Status | Should -Be 'PartiallySucceeded'
        @($failure).Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ExportRunPartiallySucceeded,*'
        $failure[0].Exception.Message | Should -Match "'Segments'"
        $failure[0].TargetObject.RunId | Should -Be $run.RunId
        $failure[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        ($run.Entities | Where-Object Entity -EQ 'Segments').Action | Should -Be 'Failed'
        ($run.Entities | Where-Object Entity -EQ 'Segments').ErrorId | Should -Not -BeNullOrEmpty
        @($run.Entities | Where-Object Action -EQ 'Landed').Count | Should -Be 2
        Get-SnapshotOf (Get-LakeModel $s.Database) 'Segments' | Should -Be $oldSegments
        (Get-RunScript $run) | Should -Not -Match 'VIEW \[dbo\]\.\[Segments\]' -Because 'a run sends only the views that change, and this one stays on the old snapshot'
        Get-ViewBulk $s.Database 'Segments' | Should -Be "Segments/$oldSegments/**"
    }
}

Describe 'Stopping' {
    It 'stops before committing when a warning is made fatal with -WarningAction Stop, and records the run as Canceled' {
        $s = New-Scenario
        $first = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $model = Get-LakeModel $s.Database
        Update-TestEntity -Source $s.Source -Rows @{ Customer = 44 }
        Remove-Item (Join-Path $s.Source 'Segments/part-00001.csv')

        { Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction Stop } | Should -Throw

        $after = Get-LakeModel $s.Database
        Get-SnapshotOf $after 'Customer' | Should -Be (Get-SnapshotOf $model 'Customer') -Because 'nothing was committed after the command failed'
        Get-ViewBulk $s.Database 'Customer' | Should -Be "Customer/$(Get-SnapshotOf $model 'Customer')/**"
        (Get-CISynapseExportRun -ExportName $s.Export.Name -Last 1).Status | Should -Be 'Canceled'
        Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because 'the lock was released'
    }
}

Describe 'Streams' {
    It 'reports progress per entity and bytes, and verbose messages, on the pipeline''s streams' {
        $s = New-Scenario
        $powershell = [powershell]::Create()
        try {
            $null = $powershell.AddScript("Import-Module '$env:CISYNAPSE_TEST_MODULE'; Invoke-CISynapseExport -Name '$($s.Export.Name)' -Confirm:`$false -Verbose -WarningAction SilentlyContinue")
            $output = $powershell.Invoke()
            $output[0].Status | Should -Be 'Succeeded'
            $activities = @($powershell.Streams.Progress | ForEach-Object Activity | Select-Object -Unique)
            $activities | Should -Contain "Export '$($s.Export.Name)'"
            @($powershell.Streams.Progress | Where-Object { $_.StatusDescription -match 'bytes|files' -or $_.CurrentOperation -match 'Customer|UnifiedActivity|Segments' }).Count | Should -BeGreaterThan 0
            @($powershell.Streams.Progress | Where-Object RecordType -EQ 'Completed').Count | Should -BeGreaterThan 0
            ($powershell.Streams.Verbose | Out-String) | Should -Match 'Landed'
        }
        finally {
            $powershell.Dispose()
        }
    }
}

Describe 'Ctrl+C' {
    It 'stops a run, releases the lock, records it as Canceled and leaves every view on its last complete snapshot' {
        $s = New-Scenario
        $null = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $model = Get-LakeModel $s.Database
        Update-TestEntity -Source $s.Source -Rows @{ Customer = 47 }
        # The emulator holds the view's batch for ten minutes and the module's command timeout is five: a Stop() that
        # returns within two minutes cancelled the batch.
        Set-CISynapseEmulatorSqlLatency -Stack $Stack -Milliseconds 600000 -Match 'CREATE OR ALTER VIEW'
        $powershell = [powershell]::Create()
        try {
            $null = $powershell.AddScript("Import-Module '$env:CISYNAPSE_TEST_MODULE'; Invoke-CISynapseExport -Name '$($s.Export.Name)' -Confirm:`$false -WarningAction SilentlyContinue")
            $pending = $powershell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            while ((Get-CISynapseEmulatorSqlBatchWaiting -Stack $Stack) -lt 1 -and -not $pending.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 200
            }
            Get-CISynapseEmulatorSqlBatchWaiting -Stack $Stack | Should -Be 1 -Because 'the run is sending the view and the emulator holds that batch'
            $stopping = $powershell.BeginStop($null, $null)
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not $stopping.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            $stopping.IsCompleted | Should -BeTrue -Because 'Ctrl+C cancels the SQL batch that is waiting instead of waiting for it or for the command timeout'
            $powershell.EndStop($stopping)
        }
        finally {
            $powershell.Dispose()
            Set-CISynapseEmulatorSqlLatency -Stack $Stack -Milliseconds 0
        }

        (Get-CISynapseExportRun -ExportName $s.Export.Name -Last 1).Status | Should -Be 'Canceled'
        Get-ViewBulk $s.Database 'Customer' | Should -Be "Customer/$(Get-SnapshotOf $model 'Customer')/**" -Because 'the view was not moved'
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/Customer/$(Get-SnapshotOf $model 'Customer')/" | Should -Not -BeNullOrEmpty -Because 'the snapshot the view reads is kept'
        $next = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $next.Status | Should -Be 'Succeeded' -Because 'the lock was released'
    }
}

Describe 'Update an export' {
    It 'removed entities are not deleted from the database folder and are no longer refreshed' {
        $s = New-Scenario
        $first = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $segmentsSnapshot = ($first.Entities | Where-Object Entity -EQ 'Segments').SnapshotId

        Set-CISynapseExport -Name $s.Export.Name -RemoveEntity 'Segments'
        $null = New-CISynapseTestCdmFolder -Path $s.Source -Rows @{ Customer = 40; UnifiedActivity = 90; Segments = 30 } -PartitionsPerEntity 2
        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue

        $run.Entities.Entity | Should -Not -Contain 'Segments'
        Get-SnapshotOf (Get-LakeModel $s.Database) 'Segments' | Should -Be $segmentsSnapshot
        Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/Segments/$segmentsSnapshot/" | Should -Not -BeNullOrEmpty
        (Get-RunScript $run) | Should -Not -Match 'VIEW \[dbo\]\.\[Segments\]'
        Get-ViewBulk $s.Database 'Segments' | Should -Be "Segments/$segmentsSnapshot/**" -Because 'the view is left as it was'
    }

    It 'a new database name creates a new database, and the old one receives no more updates' {
        $s = New-Scenario
        $null = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue
        $oldBlobs = Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Where-Object Name -NotMatch '/_(runs|lock)'
        $oldViews = @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database).views | Select-Object name, bulk)
        $oldViews.Count | Should -Be 3

        Set-CISynapseExport -Name $s.Export.Name -DatabaseName "$($s.Database)_v2"
        $null = New-CISynapseTestCdmFolder -Path $s.Source -Rows @{ Customer = 50; UnifiedActivity = 99; Segments = 14 } -PartitionsPerEntity 2
        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue

        $run.DatabaseName | Should -Be "$($s.Database)_v2"
        $run.EntitiesLanded | Should -Be 3
        @((Get-LakeModel "$($s.Database)_v2").entities).Count | Should -Be 3
        (Get-RunScript $run) | Should -Match ([regex]::Escape("CREATE DATABASE [$($s.Database)_v2]"))
        @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database "$($s.Database)_v2").views).Count | Should -Be 3
        $oldViews | ForEach-Object { Get-ViewBulk $s.Database $_.name | Should -Be $_.bulk }
        $oldAfter = Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Where-Object Name -NotMatch '/_(runs|lock)'
        ($oldAfter | ForEach-Object { "$($_.Name) $($_.ETag)" }) | Should -Be ($oldBlobs | ForEach-Object { "$($_.Name) $($_.ETag)" })
    }
}

Describe 'Prerequisites before a run' {
    It 'stops with the failed checks and lands nothing when a prerequisite fails; -SkipPrerequisiteCheck runs anyway' {
        $s = New-Scenario
        $broken = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
        $broken.storageAccounts[0].isHnsEnabled = $false
        Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $broken
        try {
            $err = { Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru
            $err.Exception.InnerException.ErrorId | Should -Be 'PrerequisitesNotMet'
            $err.Exception.Message | Should -Match 'HierarchicalNamespace'
            $err.ErrorDetails.RecommendedAction | Should -Match 'Repair-CISynapsePrerequisite'
            $err.TargetObject.Status | Should -Be 'Failed'
            Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/" | Where-Object Name -NotMatch '/_runs/' | Should -BeNullOrEmpty
            (Get-CISynapseExportRun -ExportName $s.Export.Name).Status | Should -Be 'Failed'

            (Invoke-CISynapseExport -Name $s.Export.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
        }
        finally {
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $Prepared
        }
    }
}

Describe 'Errors' {
    It 'reports ExportNotFound for an unknown export' {
        $null = New-Scenario
        { Invoke-CISynapseExport -Name 'no-such-export' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNotFound,*'
    }
}
